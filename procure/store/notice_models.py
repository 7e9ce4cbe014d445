"""Award notices (中选结果公示), objections to them (质疑) and their answers.

Each is written once and never changed: an answered objection is an objection row
plus an answer row; a notice whose award was reopened stays, and its upheld
objection says so.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from procure.store.types import UTCDateTime


def _moment() -> Any:
    return Field(sa_column=Column(UTCDateTime(), nullable=False))


class AwardNotice(SQLModel, table=True):
    """The public notice of one award: who was awarded, from when, until when to object."""

    __tablename__ = "award_notice"
    __table_args__ = (UniqueConstraint("project_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    number: int  # the project's first notice is 1; a reopened award's next is 2…
    organization_id: int = Field(foreign_key="organization.id")
    published_on: date = Field(index=True)
    notice_ends_on: date
    objections_close_on: date
    published_at: datetime = _moment()


class Objection(SQLModel, table=True):
    """An objection (质疑) of an organization that bid, against one award notice."""

    __table_args__ = (UniqueConstraint("notice_id", "organization_id"),)

    id: int | None = Field(default=None, primary_key=True)
    notice_id: int = Field(foreign_key="award_notice.id", index=True)
    organization_id: int = Field(foreign_key="organization.id")
    text: str = Field(sa_column=Column(Text, nullable=False))
    lodged_on: date
    recorded_at: datetime = _moment()
    # The organization's own account, or an officer citing the document it came in.
    recorded_by: str = Field(max_length=64)
    recorded_role: str = Field(max_length=32)
    document_ref: str | None = Field(default=None, max_length=200)


class ObjectionAnswer(SQLModel, table=True):
    """The purchaser's answer to one objection: upheld (the award reopens) or rejected."""

    __tablename__ = "objection_answer"

    id: int | None = Field(default=None, primary_key=True)
    objection_id: int = Field(foreign_key="objection.id", unique=True)
    outcome: str = Field(max_length=16)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    answered_on: date
    answered_by: str = Field(max_length=64)
    answered_at: datetime = _moment()
