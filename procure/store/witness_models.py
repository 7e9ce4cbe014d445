"""Where copies of the audit trail's evidence went: checkpoints delivered to witnesses and
backups written.

A ``checkpoint_witness`` row says one checkpoint reached one witness the federation
configured (a folder, an HTTP endpoint, an auditor's mailbox); ``audit verify`` reports
how old the newest such checkpoint is. A ``backup_record`` row says ``procure backup``
wrote a consistent copy of the database (the admin page shows the last one's age). Both
are bookkeeping, not evidence: the evidence is the copies the witnesses hold.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from procure.store.types import UTCDateTime


class CheckpointWitness(SQLModel, table=True):
    """One checkpoint delivered to one witness."""

    __tablename__ = "checkpoint_witness"
    __table_args__ = (UniqueConstraint("seq", "public_key", "witness"),)

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(index=True)
    hash: str = Field(max_length=64)
    public_key: str = Field(max_length=64)
    checkpoint_at: str = Field(max_length=32)
    witness: str = Field(max_length=300)
    delivered_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class BackupRecord(SQLModel, table=True):
    """One backup written by ``procure backup``."""

    __tablename__ = "backup_record"

    id: int | None = Field(default=None, primary_key=True)
    taken_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    method: str = Field(max_length=32)
    file_name: str = Field(max_length=255)
    size: int = Field(sa_column=Column(BigInteger(), nullable=False))
    sha256: str = Field(max_length=64)
    checkpoint_seq: int | None = None
    taken_by: str = Field(max_length=64)
