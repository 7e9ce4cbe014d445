"""Ask for a job: join the one already queued or running for the same key, or add it.

On PostgreSQL the new job is also deferred to procrastinate in the same transaction as
its row, so a job is never queued without its row nor its row without the queue's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from procure.store import jobs as job_store
from procure.store.conflicts import committed
from procure.store.job_models import Job


@dataclass(frozen=True)
class Submitted:
    """The job asked for, and whether the request joined one already under way."""

    job: Job
    joined: bool


def submit(
    session: Session,
    *,
    kind: str,
    key: str,
    params: dict[str, Any],
    requested_by: str,
    at: datetime,
    total: int = 0,
) -> Submitted:
    """Join the active job for ``key``, or add (and on PostgreSQL defer) a new one; commits.

    Raises:
        Busy: the database stayed locked longer than the wait allows.
        Refused: the same key clashed on every retry.
    """

    def add() -> Submitted:
        running = job_store.active(session, key)
        if running is not None:
            return Submitted(running, joined=True)
        job = job_store.new_job(
            session,
            kind=kind,
            key=key,
            params=params,
            requested_by=requested_by,
            at=at,
            total=total,
        )
        if session.get_bind().dialect.name == "postgresql":
            from procure.jobs.deferral import defer

            assert job.id is not None
            defer(session, job.id, key)
        return Submitted(job, joined=False)

    # A request that added the same key a moment earlier fails this one on the unique
    # index; the retry then finds its job and joins it.
    return committed(session, add, what=f"job {key}")


def active_or_none(session: Session, key: str) -> Job | None:
    """The job under way for ``key``, if any."""
    return job_store.active(session, key)
