"""Reading and moving job rows: request (or join), claim, progress, finish, recover.

Each function works in the caller's transaction and does not commit, except where
its docstring says so; the callers (``procure.jobs``) own their transactions.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from procure.domain.errors import NotFound
from procure.store.job_models import ACTIVE, DONE, FAILED, QUEUED, RUNNING, Job

REASON_LENGTH = 1000


def active(session: Session, key: str) -> Job | None:
    """The job for ``key`` that is queued or running, if any."""
    statement = select(Job).where(Job.key == key, col(Job.state).in_(ACTIVE))
    return session.exec(statement).first()


def latest(session: Session, key: str) -> Job | None:
    """The newest job for ``key``, in any state."""
    statement = select(Job).where(Job.key == key).order_by(col(Job.id).desc())
    return session.exec(statement).first()


def latest_of_kind(session: Session, kind: str) -> Job | None:
    """The newest job of ``kind``, in any state."""
    statement = select(Job).where(Job.kind == kind).order_by(col(Job.id).desc())
    return session.exec(statement).first()


def latest_requested(session: Session, kind: str, requested_by: str) -> Job | None:
    """The newest job of ``kind`` that ``requested_by`` asked for, in any state."""
    statement = (
        select(Job)
        .where(Job.kind == kind, Job.requested_by == requested_by)
        .order_by(col(Job.id).desc())
    )
    return session.exec(statement).first()


def active_with_prefix(session: Session, prefix: str) -> Job | None:
    """The oldest queued or running job whose key starts with ``prefix``, if any."""
    statement = (
        select(Job)
        .where(col(Job.key).startswith(prefix, autoescape=True), col(Job.state).in_(ACTIVE))
        .order_by(col(Job.id))
    )
    return session.exec(statement).first()


def new_job(
    session: Session,
    *,
    kind: str,
    key: str,
    params: dict[str, Any],
    requested_by: str,
    at: datetime,
    total: int = 0,
) -> Job:
    """Add a queued job (flushed, so it has its id). The caller checked :func:`active`;
    a concurrent request for the same key fails on the unique index instead."""
    job = Job(
        kind=kind,
        key=key,
        params=json.dumps(params, sort_keys=True, ensure_ascii=False),
        requested_by=requested_by,
        requested_at=at,
        total=total,
    )
    session.add(job)
    session.flush()
    return job


def get(session: Session, job_id: int) -> Job:
    """The job ``job_id``.

    Raises:
        NotFound: there is no such job.
    """
    job = session.get(Job, job_id)
    if job is None:
        raise NotFound(f"no job {job_id}")
    return job


def recent(
    session: Session, requested_by: str, limit: int = 20, *, kind: str | None = None
) -> list[Job]:
    """The newest jobs ``requested_by`` asked for (of ``kind`` only, if given)."""
    statement = select(Job).where(Job.requested_by == requested_by)
    if kind is not None:
        statement = statement.where(Job.kind == kind)
    return list(session.exec(statement.order_by(col(Job.id).desc()).limit(limit)))


def next_queued(session: Session) -> Job | None:
    """The oldest queued job."""
    return session.exec(select(Job).where(Job.state == QUEUED).order_by(col(Job.id))).first()


def start(session: Session, job_id: int, *, worker: str, at: datetime) -> bool:
    """Mark a queued job running in ``worker`` (one more attempt); False if it was not queued
    (another worker took it, or it ended)."""
    moved = session.execute(
        update(Job)
        .where(col(Job.id) == job_id, col(Job.state) == QUEUED)
        .values(
            state=RUNNING, worker=worker, started_at=at, heartbeat_at=at, attempts=Job.attempts + 1
        )
    )
    return bool(moved.rowcount)  # type: ignore[attr-defined]


def progress(session: Session, job_id: int, *, done: int, total: int, at: datetime) -> None:
    """Record how far a running job got (and that its worker is alive)."""
    session.execute(
        update(Job)
        .where(col(Job.id) == job_id, col(Job.state) == RUNNING)
        .values(done=done, total=total, heartbeat_at=at)
    )


def finish(session: Session, job_id: int, *, result: str, at: datetime) -> None:
    """Mark a running job done, with its result file (a note of a retry stays)."""
    session.execute(
        update(Job).where(col(Job.id) == job_id).values(state=DONE, result=result, finished_at=at)
    )


def fail(session: Session, job_id: int, *, reason: str, at: datetime) -> None:
    """Mark a job failed, saying why."""
    session.execute(
        update(Job)
        .where(col(Job.id) == job_id)
        .values(state=FAILED, reason=reason[:REASON_LENGTH], finished_at=at, worker="")
    )


def requeue(session: Session, job_id: int, *, reason: str) -> None:
    """Put a job back in the queue (it will be retried), saying why."""
    session.execute(
        update(Job)
        .where(col(Job.id) == job_id)
        .values(state=QUEUED, reason=reason[:REASON_LENGTH], worker="")
    )


def running(session: Session) -> list[Job]:
    """Every job marked running."""
    return list(session.exec(select(Job).where(Job.state == RUNNING).order_by(col(Job.id))))
