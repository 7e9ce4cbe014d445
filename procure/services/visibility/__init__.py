"""The one gate every fact passes on its way to a person: who may see it, at this stage.

It applies ``workflows/visibility.yaml`` (:mod:`procure.domain.visibility`) to a viewer and a
project (:mod:`procure.services.visibility.gate`), and filters each view's plain data
through it (:mod:`procure.services.visibility.views`): the project's detail, its review
panel and its history. A fact the viewer may not see is left out, as if it did not exist.
"""
