"""The reminders outbox: one notice per deadline and account, queued by ``procure tick``.

A row is queued once (unique deadline key and login) and delivered at most once by the
sender: it claims the row, sends, and stamps ``sent_at`` in the same transaction (see
:mod:`procure.services.deadlines.outbox` for the one crash window).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from procure.store.types import UTCDateTime


class Reminder(SQLModel, table=True):
    """A notice that a deadline is near or passed, for one account."""

    __tablename__ = "reminder"
    __table_args__ = (UniqueConstraint("deadline_key", "login"),)

    id: int | None = Field(default=None, primary_key=True)
    # project code, deadline code and the audit row (or contract) it runs from
    deadline_key: str = Field(max_length=160)
    project_code: str = Field(max_length=32, index=True)
    deadline: str = Field(max_length=64)
    login: str = Field(max_length=64, index=True)
    role: str = Field(max_length=32)
    due_on: date
    subject: str = Field(max_length=300)
    body: str = Field(sa_column=Column(Text, nullable=False))
    batch_id: str = Field(max_length=64)
    queued_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    attempts: int = Field(default=0)
    last_error: str | None = Field(default=None, max_length=500)
