"""The one gate every fact passes on its way to a person: who may see it, at this stage.

It applies ``workflows/visibility.yaml`` (:mod:`procure.domain.visibility`) to a viewer and a
project (:mod:`procure.services.visibility.gate`), filters each view's plain data through it
(:mod:`procure.services.visibility.views`: a project's detail, its review panel, its history
and audit rows), and gives the pages and commands those views as one account sees them
(:mod:`procure.services.visibility.reading`). A fact the viewer may not see is left out, and a
page that is one such fact is not found, as if it did not exist.
"""
