"""The State Council's holiday notices entered into procure (``procure calendar add``).

One row per year: the notice's title and date, its days off and make-up working days (as
JSON lists of ISO dates), who entered it and when. Written once: a year already entered
is refused, never overwritten. The year's working-day calendar is official from then on.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from procure.store.types import UTCDateTime


class CalendarNotice(SQLModel, table=True):
    """One year's holiday arrangement as the State Council's notice announced it."""

    __tablename__ = "calendar_notice"

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(unique=True)
    title: str = Field(max_length=200)
    published_on: date
    days_off: str = Field(sa_column=Column(Text, nullable=False))  # JSON list of ISO dates
    makeup_workdays: str = Field(sa_column=Column(Text, nullable=False))  # JSON list
    source_sha256: str = Field(max_length=64)  # of the file as entered
    entered_by: str = Field(max_length=64)
    entered_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    audit_seq: int  # the audit row that recorded it
