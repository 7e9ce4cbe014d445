"""Evaluation records as the browser serves them: one project's record file, a
year's print request, and a record uploaded to be verified (:mod:`.files`); the printing
itself is :mod:`procure.reports`."""
