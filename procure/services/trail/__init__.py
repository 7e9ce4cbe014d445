"""The audit trail as an auditor relies on it: replaying it into the facts it implies
(:mod:`.replay`, :mod:`.notices`) and comparing them with the tables (:mod:`.stored`,
:mod:`.check`, which also upgrades a database with the trail backfill), signed checkpoints
(:mod:`.checkpoints`), and the audit pages with their verification (:mod:`.audit_views`)."""
