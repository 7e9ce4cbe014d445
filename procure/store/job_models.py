"""The job table: long work (a year's records, a renewal) that runs outside the request.

One row per job, whichever backend runs it (the app's own worker process on SQLite,
procrastinate's workers on PostgreSQL): the pages read its state and progress from
here, the same way for both. At most one job per key is queued or running at a time
(a partial unique index), so a second request for the same work joins the first.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, text
from sqlmodel import Field, SQLModel

from procure.store.types import UTCDateTime

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
ACTIVE = (QUEUED, RUNNING)
STATES = (QUEUED, RUNNING, DONE, FAILED)
_ACTIVE_SQL = text("state IN ('queued', 'running')")


class Job(SQLModel, table=True):
    """One piece of background work: what, for whom, how far it got, and how it ended."""

    __tablename__ = "job"
    __table_args__ = (
        Index(
            "ux_job_active_key",
            "key",
            unique=True,
            sqlite_where=_ACTIVE_SQL,
            postgresql_where=_ACTIVE_SQL,
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)
    key: str = Field(max_length=120, index=True)
    params: str = Field(default="{}", max_length=1000)  # canonical JSON
    state: str = Field(default=QUEUED, max_length=16)
    reason: str = Field(default="", max_length=1000)
    done: int = Field(default=0)
    total: int = Field(default=0)
    attempts: int = Field(default=0)
    result: str = Field(default="", max_length=500)  # a file, relative to the files folder
    requested_by: str = Field(max_length=64)
    worker: str = Field(default="", max_length=100)  # host:pid of the process running it
    requested_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    started_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    heartbeat_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    finished_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
