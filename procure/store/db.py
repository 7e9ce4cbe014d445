"""Engine and session factory. SQLite at ./procure.db unless ``PROCURE_DB`` names a URL."""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlmodel import Session

DEFAULT_URL = "sqlite:///procure.db"


def database_url(explicit: str | None = None) -> str:
    """Return the database URL: the explicit one, else ``PROCURE_DB``, else ./procure.db."""
    return explicit or os.environ.get("PROCURE_DB") or DEFAULT_URL


def make_engine(url: str | None = None, **options: Any) -> Engine:
    """Build an engine; SQLite gets foreign keys enforced and a busy timeout."""
    resolved = database_url(url)
    if resolved.startswith("sqlite"):
        engine = create_engine(resolved, connect_args={"timeout": 30}, **options)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(resolved, **options)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy issue BEGIN itself (see _sqlite_begin) so a transaction
    # holds its write lock from the start and rolls back whole.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def new_session(engine: Engine) -> Session:
    """Open a session that keeps loaded rows usable after commit."""
    return Session(engine, expire_on_commit=False)
