"""Run one job: its function by kind, its progress and its end recorded on the job row.

A job function (its kind in :mod:`procure.jobs.kinds`) takes a :class:`JobRun` and
returns its result file (relative to the files folder). A refusal a person can act on
(:class:`ProcureError`) fails the job at once with its message; anything else is retried
while attempts remain (the job goes back to the queue, saying why), then fails with its
reason. A reason of the jobs' own is kept as its sentence and values, said when its page is
shown in the reader's language (:mod:`procure.jobs.reasons`); a job runs in the language of
the account that asked for it, so a service's refusal is kept in that one. Each job, however
it ends, is followed by an automatic checkpoint (:mod:`procure.jobs.checkpointing`).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from procure.domain import language
from procure.domain.errors import NotFound, ProcureError
from procure.domain.language import N_
from procure.jobs.kind import JobRun
from procure.jobs.kinds import job_kinds
from procure.jobs.reasons import JobRefused, stored
from procure.services.lifecycle.clock import now_utc
from procure.store import jobs as job_store
from procure.store.conflicts import is_busy
from procure.store.db import make_engine, new_session
from procure.store.job_models import Job

_LOGGER = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
"""Attempts of a job that keeps failing unexpectedly (or whose worker keeps dying)."""


def worker_name() -> str:
    """This process, as a job row names the worker running it: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def run_job(url: str, files: Path, job_id: int, *, final_attempt: bool) -> str:
    """Run job ``job_id``, already marked running, and record how it ended.

    Returns:
        The state it ended in (``done`` or ``failed``).

    Raises:
        Exception: an unexpected error (the row says ``queued`` to be retried, or ``failed``
            on the final attempt); a procrastinate worker retries on it.
    """
    from procure.jobs.checkpointing import after_batch

    engine = make_engine(url)
    try:
        return _run(engine, url, files, job_id, final_attempt)
    finally:
        engine.dispose()
        after_batch(url)  # a checkpoint of what the batch wrote, to the witnesses


def asker_language(session: Session, login: str) -> language.Language:
    """The language the account ``login`` reads in (Chinese when it is gone)."""
    from procure.store.accounts import user_by_login

    user = user_by_login(session, login)
    chosen = language.parse_language(user.language) if user is not None else None
    return chosen or language.DEFAULT


def _run(engine: Engine, url: str, files: Path, job_id: int, final_attempt: bool) -> str:
    with new_session(engine) as session:
        job = job_store.get(session, job_id)
        spoken = asker_language(session, job.requested_by)
        session.commit()
    with language.use_language(spoken):
        return _run_job(engine, url, files, job, final_attempt)


def _run_job(engine: Engine, url: str, files: Path, job: Job, final_attempt: bool) -> str:
    assert job.id is not None
    job_id = job.id
    kind = job_kinds().get(job.kind)
    if kind is None:
        return _end(engine, job_id, stored(N_("There is no kind of job %(kind)s."), kind=job.kind))

    def report(done: int, total: int) -> None:
        with new_session(engine) as session:
            job_store.progress(session, job_id, done=done, total=total, at=now_utc())
            session.commit()

    run = JobRun(url, files, job_id, json.loads(job.params), report)
    try:
        result = kind.run(run)
    except ProcureError as exc:
        return _end(engine, job_id, exc.stored if isinstance(exc, JobRefused) else str(exc))
    except Exception as exc:
        reason = f"{type(exc).__name__}: {exc}".splitlines()[0]
        _LOGGER.exception("job %s (%s) failed", job_id, job.key)
        if final_attempt:
            said = stored(
                N_("Attempt %(attempt)s of %(max)s failed: %(reason)s"),
                attempt=job.attempts,
                max=MAX_ATTEMPTS,
                reason=reason,
            )
            _end(engine, job_id, said)
        else:
            retrying = stored(N_("Tried again after: %(reason)s"), reason=reason)

            def requeue() -> None:
                with new_session(engine) as session:
                    job_store.requeue(session, job_id, reason=retrying)
                    session.commit()

            when_free(requeue, what=f"queueing job {job_id} again")
        raise

    def finish() -> None:
        with new_session(engine) as session:
            job_store.finish(session, job_id, result=result, at=now_utc())
            session.commit()

    when_free(finish, what=f"recording the result of job {job_id}")
    return "done"


def _end(engine: Engine, job_id: int, reason: str) -> str:
    def fail() -> None:
        with new_session(engine) as session:
            job_store.fail(session, job_id, reason=reason, at=now_utc())
            session.commit()

    when_free(fail, what=f"recording the end of job {job_id}")
    return "failed"


BUSY_RETRIES = 5
"""How many times a job's own bookkeeping is tried again when the database is busy."""


def when_free(write: Callable[[], None], *, what: str, wait: float = 1.0) -> None:
    """Run ``write``; while another writer holds the database past the lock wait
    ("database is locked"), wait and try again (up to :data:`BUSY_RETRIES` times)."""
    for attempt in range(1, BUSY_RETRIES + 1):
        try:
            write()
            return
        except Exception as exc:
            if not is_busy(exc) or attempt == BUSY_RETRIES:
                raise
            _LOGGER.warning("%s: the database is busy; trying again (%d)", what, attempt)
            time.sleep(wait * attempt)


def claim(url: str, job_id: int, *, worker: str, any_state: bool = False) -> int | None:
    """Mark job ``job_id`` running in ``worker``; return its attempt number, or None when it
    is not there to run (it ended, or another worker took it).

    ``any_state``: also take a job marked running (procrastinate's lock already says no
    other worker runs it: its previous worker died).
    """
    engine = make_engine(url)
    try:
        with new_session(engine) as session:
            try:
                job = job_store.get(session, job_id)
            except NotFound:
                return None
            if any_state and job.state == "running":
                job_store.requeue(session, job_id, reason=job.reason)
            attempts_before = job.attempts  # start() also moves the loaded row's count
            taken = job_store.start(session, job_id, worker=worker, at=now_utc())
            session.commit()
            return attempts_before + 1 if taken else None
    finally:
        engine.dispose()
