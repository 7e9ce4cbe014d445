"""Tables of trust: accounts, their role grants, and signed audit checkpoints.

A grant names a role and a scope: a purchaser (covering the purchasers below
it), one organization (for the ``organization`` role), or every purchaser (both
empty). A revoked grant keeps its row with ``revoked_at`` set: grants of the past
stay readable for the audit trail.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from procure.store.types import UTCDateTime


class User(SQLModel, table=True):
    """One person's account: who acts in procure. Nobody acts under a typed name."""

    __tablename__ = "user"

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(max_length=100)
    password_hash: str | None = Field(default=None, max_length=255)
    # Where reminders of deadlines are sent (migration 0009); none: they wait in the outbox.
    email: str | None = Field(default=None, max_length=254)
    active: bool = Field(default=True)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # The language of the pages, e-mail and job summaries it reads (migration 0017).
    language: str = Field(
        default="zh_CN", max_length=8, sa_column_kwargs={"server_default": "zh_CN"}
    )


class RoleGrant(SQLModel, table=True):
    """A role held by a user for a scope; revoked grants stay, with their revocation time."""

    __tablename__ = "role_grant"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    role: str = Field(max_length=32)
    purchaser_id: int | None = Field(default=None, foreign_key="purchaser.id")
    organization_id: int | None = Field(default=None, foreign_key="organization.id")
    granted_by: str = Field(max_length=64)
    granted_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    revoked_by: str | None = Field(default=None, max_length=64)
    revoked_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )


class AuditCheckpoint(SQLModel, table=True):
    """A signed statement of the audit chain's head: sequence, hash, time and row count."""

    __tablename__ = "audit_checkpoint"

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(index=True)
    hash: str = Field(max_length=64)
    rows: int
    at: str = Field(max_length=32)
    public_key: str = Field(max_length=128)
    signature: str = Field(max_length=256)
    statement: str = Field(sa_column=Column(Text, nullable=False))
