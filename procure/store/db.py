"""Engine and session factory. SQLite at ./procure.db unless ``PROCURE_DB`` names a URL.

Many officers share one database, so a change waits for another's locks only a
bounded time (``lock_timeout``, default :data:`LOCK_TIMEOUT` seconds, or
``PROCURE_LOCK_TIMEOUT``): PostgreSQL's ``lock_timeout``, SQLite's busy timeout.
A wait that runs out becomes a "busy, try again" refusal
(:mod:`procure.store.conflicts`).

SQLite runs in WAL mode: readers never wait for the writer and the writer never
waits for readers. A writing transaction starts with ``BEGIN IMMEDIATE`` (it holds
the write lock from its first statement, so it never fails half-way for a lock);
an engine built with ``readonly=True`` starts plain ``BEGIN`` transactions, which
read a snapshot, take no write lock and cannot write (``query_only``). On
PostgreSQL a read-only engine's transactions are ``REPEATABLE READ, READ ONLY``: each
reads one snapshot, taken at its first statement.

A check or an export that reads many tables (the audit trail against the data, a
record against the database, the open data) must read them at one moment, or a
change committed between two of its queries looks like a difference. It reads
through :func:`snapshot`, on any engine.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlmodel import Session

from procure.store.reads import remember_reads

DEFAULT_URL = "sqlite:///procure.db"
LOCK_TIMEOUT = 10.0
"""Seconds a change waits for another writer's lock before it is refused as busy."""
SQLITE_MMAP_BYTES = 1 << 30
"""How much of a SQLite file is read through a memory map (the rest by read calls)."""
BULK_MMAP_BYTES = 0
"""The map of a bulk writer (the year-end renewal): none. A run reads each page about once,
and a mapped page counts in the process's RSS: renewing 100,000 contracts peaks at 431 MB
RSS with the 1 GiB map (275 MB of it the file's pages), 181 MB without, in the same time."""


def database_url(explicit: str | None = None) -> str:
    """Return the database URL: the explicit one, else ``PROCURE_DB``, else ./procure.db."""
    return explicit or os.environ.get("PROCURE_DB") or DEFAULT_URL


def lock_timeout_seconds() -> float:
    """The lock wait: ``PROCURE_LOCK_TIMEOUT`` (seconds) if set, else :data:`LOCK_TIMEOUT`."""
    configured = os.environ.get("PROCURE_LOCK_TIMEOUT")
    return float(configured) if configured else LOCK_TIMEOUT


def make_engine(
    url: str | None = None,
    *,
    readonly: bool = False,
    lock_timeout: float | None = None,
    mmap_bytes: int = SQLITE_MMAP_BYTES,
    **options: Any,
) -> Engine:
    """Build an engine.

    Args:
        url: the database URL (default: :func:`database_url`).
        readonly: only read through it: SQLite transactions take no write lock,
            PostgreSQL transactions are ``READ ONLY``.
        lock_timeout: seconds to wait for another writer's lock (default:
            :func:`lock_timeout_seconds`).
        mmap_bytes: how much of a SQLite file to read through a memory map (0: none, read
            calls only); its pages count in the process's RSS.
        options: passed to :func:`sqlalchemy.create_engine`.
    """
    resolved = database_url(url)
    wait = lock_timeout_seconds() if lock_timeout is None else lock_timeout
    if resolved.startswith("sqlite"):
        engine = create_engine(resolved, connect_args={"timeout": wait}, **options)
        event.listen(engine, "connect", _sqlite_pragmas(mmap_bytes))
        if readonly:
            event.listen(engine, "connect", _sqlite_query_only)
        event.listen(engine, "begin", _sqlite_read if readonly else _sqlite_write)
        return engine
    engine = create_engine(resolved, **options)
    settings = [f"SET lock_timeout = {int(wait * 1000)}"]
    if readonly:
        settings.append("SET default_transaction_read_only = on")
        settings.append("SET default_transaction_isolation = 'repeatable read'")
    event.listen(engine, "connect", _postgres_settings(settings))
    return engine


def _sqlite_pragmas(mmap_bytes: int) -> Any:
    def apply(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy issue BEGIN itself (see _sqlite_write) so a transaction
        # holds its write lock from the start and rolls back whole.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")  # kept in the file: readers never wait
        # read pages through a memory map (shared by every connection, kept by the system's
        # page cache) rather than one read call per page into each connection's small cache
        cursor.execute(f"PRAGMA mmap_size = {int(mmap_bytes)}")
        cursor.close()

    return apply


def _sqlite_query_only(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only = ON")  # a reader that tried to write would take the lock
    cursor.close()


def _sqlite_write(connection: Any) -> None:
    if connection.get_execution_options().get(_SNAPSHOT):
        connection.exec_driver_sql("BEGIN")  # a reader on a writing engine takes no lock
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_read(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")


def _postgres_settings(settings: list[str]) -> Any:
    def apply(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        for setting in settings:
            cursor.execute(setting)
        cursor.close()
        dbapi_connection.commit()

    return apply


def new_session(engine: Engine) -> Session:
    """Open a session that keeps loaded rows usable after commit."""
    return Session(engine, expire_on_commit=False)


_SNAPSHOT = "procure_snapshot"


@contextmanager
def snapshot(engine: Engine) -> Iterator[Session]:
    """Open a session whose one transaction reads the database at one moment.

    PostgreSQL: ``REPEATABLE READ, READ ONLY`` (the snapshot is taken at the first
    statement; a read-only transaction at this level never fails to serialize, so
    ``DEFERRABLE``, which only SERIALIZABLE honours, would add nothing). SQLite: one
    deferred ``BEGIN`` (WAL: the snapshot of the first read, no write lock), also on a
    writing engine. Writing through the session fails. The transaction ends on leaving
    and writes nothing: committed on PostgreSQL (:func:`finish_reading`), rolled back
    elsewhere. A lookup repeated inside it is answered once (:mod:`procure.store.reads`).
    """
    if engine.dialect.name == "postgresql":
        bound = engine.execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True
        )
    else:
        bound = engine.execution_options(**{_SNAPSHOT: True})
    session = remember_reads(Session(bound, expire_on_commit=False))
    try:
        yield session
    finally:
        finish_reading(session)
        session.rollback()
        session.close()


def finish_reading(session: Session) -> None:
    """End, on PostgreSQL, the ``READ ONLY`` transaction of a session that only read.

    By ``COMMIT``, which writes nothing (the rows the session holds are let go first, so
    nothing is flushed, and they stay readable). Unlike ``ROLLBACK``, a commit keeps the
    connection's prepared statements, which psycopg forgets on every rollback: a page's
    queries are then prepared once per connection and planned once, not at every request.
    A failed transaction, and any other database, is left to closing the session (the
    connection pool rolls it back).
    """
    if not session.in_transaction() or session.get_bind().dialect.name != "postgresql":
        return
    driver = session.connection().connection.dbapi_connection
    if driver is not None and driver.info.transaction_status.name == "INTRANS":
        session.expunge_all()
        session.commit()
