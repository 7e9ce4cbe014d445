"""Cheap schema checks for every command: read the revision without importing Alembic.

``SCHEMA_HEAD`` must name the newest migration under ``migrations/versions``; a
unit test holds it to Alembic's own answer.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, inspect, text

SCHEMA_HEAD = "0017"


def stored_revision(engine: Engine) -> str | None:
    """Return the schema revision recorded in the database, or ``None`` if it has none."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def known_revisions() -> frozenset[str]:
    """Return the revisions this release has migrations for (from the files' names)."""
    versions = Path(__file__).resolve().parent / "migrations" / "versions"
    return frozenset(path.name.split("_", 1)[0] for path in versions.glob("[0-9]*_*.py"))


def newer_schema_message(shown_url: str, revision: str) -> str | None:
    """Say that the database was written by a newer procure, or ``None`` if it was not."""
    if revision in known_revisions():
        return None
    return (
        f"database {shown_url} is at schema {revision}, which this procure does not know "
        f"(it knows up to {SCHEMA_HEAD}): it was written by a newer procure; "
        f"use a procure whose schema is {revision} or later"
    )
