"""Tables of the browser: signed-in sessions, sign-in throttling and the app's secret.

A session row is found by the SHA-256 of the random token its cookie carries, so a
copy of the table signs nobody in. Revoked and expired rows stay until pruned: an
administrator can see who was signed in, and when.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from procure.store.types import UTCDateTime


class WebSession(SQLModel, table=True):
    """One signed-in browser: whose it is, its CSRF token, when it was last used."""

    __tablename__ = "web_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    csrf_token: str = Field(max_length=64)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    last_seen_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    revoked_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    revoked_by: str | None = Field(default=None, max_length=64)
    user_agent: str = Field(default="", max_length=200)


class SignInThrottle(SQLModel, table=True):
    """Failed sign-ins of one login (existing or not) and the lock they led to."""

    __tablename__ = "sign_in_throttle"

    login: str = Field(max_length=64, primary_key=True)
    failures: int = Field(default=0)
    locked_until: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )


class AppSecret(SQLModel, table=True):
    """A secret generated on first start (the cookie signing key), never in the repository."""

    __tablename__ = "app_secret"

    name: str = Field(max_length=32, primary_key=True)
    value: str = Field(max_length=128)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
