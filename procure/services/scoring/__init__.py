"""Scoring: a reviewer's sheet, a recusal, an assessor's sheet and the organization's
comment (:mod:`.sheets`, recorded by :mod:`.effects`), by browser form (:mod:`.review_forms`,
:mod:`.assessment_forms`) or filled-in file (:mod:`.sheet_files`, :mod:`.sheet_xlsx`), the
panel and assessment pages, and the pinned content of each scorecard version."""
