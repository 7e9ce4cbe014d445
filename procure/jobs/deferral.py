"""Defer a job to procrastinate's queue (PostgreSQL), in the caller's own transaction.

The deferring side of :mod:`procure.jobs.queue`: it only names the task the worker's app
runs, so submitting a job imports neither the worker nor any job kind.
procrastinate is imported only when a job is deferred (the ``postgres`` extra).
"""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlmodel import Session

TASK = "procure.run_job"
QUEUE = "procure"


def conninfo(url: str) -> str:
    """The libpq URI of a SQLAlchemy PostgreSQL URL (options such as search_path kept)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def defer(session: Session, job_id: int, key: str) -> None:
    """Defer job ``job_id`` to procrastinate on the session's own connection (its
    transaction: committed or rolled back with the job's row)."""
    from procrastinate import App, SyncPsycopgConnector

    app = App(connector=SyncPsycopgConnector())  # never opened: the session's connection
    task = app.task(name=TASK, queue=QUEUE)(_placeholder)
    raw = session.connection().connection.driver_connection
    task.configure(lock=key, queueing_lock=key, connection=raw).defer(job_id=job_id)


def _placeholder(job_id: int) -> None:  # the deferring side only names the task
    raise AssertionError("run by the worker's app, never here")
