"""Files attached to a project's facts, and the bytes behind them.

``document_blob`` holds each file's bytes once, keyed by their SHA-256 (a file uploaded
twice, to two facts or two projects, is stored once). ``attachment`` says which fact of
which project a file belongs to, under which name and type, who uploaded it and when;
it is written once and never changed, like the upload's audit trail row that carries the
same hash.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from procure.store.types import UTCDateTime


def _moment() -> Any:
    return Field(sa_column=Column(UTCDateTime(), nullable=False))


class DocumentBlob(SQLModel, table=True):
    """The bytes of one file, kept once under their SHA-256 (hex)."""

    __tablename__ = "document_blob"

    sha256: str = Field(primary_key=True, max_length=64)
    size: int
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    stored_at: datetime = _moment()


class Attachment(SQLModel, table=True):
    """One file attached to one fact of a project (numbered per project)."""

    __table_args__ = (UniqueConstraint("project_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    number: int  # the project's first attachment is 1
    fact_kind: str = Field(max_length=16)  # procure.domain.documents.KINDS
    fact_id: int | None = None  # the fact's row (None: the project's contract or rectification)
    name: str = Field(max_length=255)
    media_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64, foreign_key="document_blob.sha256", index=True)
    uploaded_by: str = Field(max_length=64)
    uploaded_role: str = Field(max_length=32)
    uploaded_at: datetime = _moment()
