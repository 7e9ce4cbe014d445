"""The table of job kinds: every kind a worker can run, by the name on its job row."""

from __future__ import annotations

from procure.jobs import printing, renewing, ticking, verifying
from procure.jobs.kind import JobKind


def job_kinds() -> dict[str, JobKind]:
    """Each kind of job, by the ``kind`` its rows carry."""
    return {job.kind: job for job in (printing.JOB, renewing.JOB, ticking.JOB, verifying.JOB)}
