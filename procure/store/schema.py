"""Cheap schema checks for every command: read the revision without importing Alembic.

``SCHEMA_HEAD`` must name the newest migration under ``migrations/versions``; a
unit test holds it to Alembic's own answer.
"""

from __future__ import annotations

from sqlalchemy import Engine, inspect, text

SCHEMA_HEAD = "0005"


def stored_revision(engine: Engine) -> str | None:
    """Return the schema revision recorded in the database, or ``None`` if it has none."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
