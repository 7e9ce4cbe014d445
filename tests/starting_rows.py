"""A template's rows written into a test's database that is still at the migrated start.

Registering the people, the purchaser and the organizations (``setup_registry`` in
tests/integration/builders.py) runs in about a thousand tests: some 150 statements through
the services, a fifth of a second of this process's time on SQLite and more on PostgreSQL,
where each is a round trip. The session runs it once per backend on a template of its own
(``REGISTERED``, tests/databases.py), and :func:`fill_from_template` gives a test the
template's rows instead, inside the test session's transaction, when the outcome would be
the same:

- the database holds exactly what the migrated start holds (every table's row count and
  every sequence as there), so the same statements would write the same rows and ids;
- the clock reads a moment after the template was built and within the session (its rows'
  moments lie just before "now", as if registered a little earlier). A test that moved
  the clock elsewhere, or a database with anything in it, runs the services themselves.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, text
from sqlmodel import Session

from procure.services.lifecycle.clock import now_utc
from tests.clock import PINNED
from tests.databases import MIGRATED, PostgresSchemas, SqliteTemplates

SESSION_HOURS = timedelta(hours=12)
"""How far past the pinned moment a session's clock may read and still use the templates."""


@dataclass(frozen=True)
class _Delta:
    """What a template adds to the migrated start: each table's rows (in an order where a
    row's foreign keys point at rows already written), and the sequences' positions."""

    counts_at_start: tuple[int, ...]
    sequences_at_start: str
    tables: list[str]
    rows: dict[str, tuple[list[str], list[tuple[Any, ...]]]]
    sequences: list[tuple[str, int]]


_DELTAS: dict[tuple[str, str], _Delta] = {}
_BUILT: dict[tuple[str, str], datetime] = {}


def fill_from_template(session: Session, start: str) -> bool:
    """Write ``start``'s template rows into the session's database, in its transaction (no
    commit); False, having changed nothing, when the database or the clock is not where the
    template began (see the module's docstring) or no session template exists."""
    now = now_utc()
    if not PINNED <= now < PINNED + SESSION_HOURS:
        return False
    connection = session.connection()
    backend = connection.dialect.name
    key = (backend, start)
    if key not in _DELTAS:
        if not _build(backend, start):
            return False
        _BUILT[key] = now = now_utc()
    delta = _DELTAS[key]
    if now < _BUILT[key] or not _at_start(connection, delta):
        return False
    if backend == "sqlite":
        _write_sqlite(connection, delta)
    else:
        assert PostgresSchemas.active is not None
        _write_postgres(connection, delta, PostgresSchemas.active.template_schema(start))
    session.expire_all()
    return True


def _build(backend: str, start: str) -> bool:
    if backend == "sqlite" and SqliteTemplates.active is not None:
        templates = SqliteTemplates.active
        _DELTAS[(backend, start)] = _sqlite_delta(
            str(templates.template(MIGRATED)), str(templates.template(start))
        )
        return True
    if backend == "postgresql" and PostgresSchemas.active is not None:
        _DELTAS[(backend, start)] = _postgres_delta(PostgresSchemas.active, start)
        return True
    return False


def _at_start(connection: Connection, delta: _Delta) -> bool:
    counts = ", ".join(f'(SELECT count(*) FROM "{table}")' for table in delta.tables)
    found = tuple(connection.execute(text(f"SELECT {counts}")).one())
    if found != delta.counts_at_start:
        return False
    return _sequences(connection) == delta.sequences_at_start


def _sequences(connection: Connection) -> str:
    if connection.dialect.name == "sqlite":
        exists = connection.execute(
            text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'")
        ).scalar_one()
        if not exists:
            return ""
        rows = connection.execute(text("SELECT name, seq FROM sqlite_sequence ORDER BY name"))
        return ";".join(f"{name}:{seq}" for name, seq in rows)
    found = connection.execute(
        text(
            "SELECT coalesce(string_agg(sequencename || ':' || coalesce(last_value::text, '-'),"
            " ';' ORDER BY sequencename), '') FROM pg_sequences"
            " WHERE schemaname = current_schema()"
        )
    ).scalar_one()
    return str(found)


def _write_sqlite(connection: Connection, delta: _Delta) -> None:
    raw = connection.connection.driver_connection
    assert raw is not None
    raw.execute("PRAGMA defer_foreign_keys = ON")  # checked at commit, as the services' rows
    for table, (columns, rows) in delta.rows.items():
        names = ", ".join(f'"{column}"' for column in columns)
        marks = ", ".join("?" for _ in columns)
        raw.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
    for name, seq in delta.sequences:
        raw.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (name, seq))


def _write_postgres(connection: Connection, delta: _Delta, template: str) -> None:
    statements = [
        f'INSERT INTO "{table}" SELECT * FROM "{template}"."{table}"' for table in delta.rows
    ]
    statements += [f"SELECT setval('\"{name}\"', {value})" for name, value in delta.sequences]
    connection.exec_driver_sql(";\n".join(statements))


def _sqlite_delta(migrated: str, start: str) -> _Delta:
    """What ``start``'s template file adds to the migrated one's (tables the migrated start
    leaves empty only; a template that changes a filled table is refused)."""
    with sqlite3.connect(f"file:{migrated}?mode=ro", uri=True) as before:
        listed = list(
            before.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        )
        # a full-text index and its own tables are kept by triggers on its content's table
        indexes = [name for name, sql in listed if sql.upper().startswith("CREATE VIRTUAL")]
        tables = [
            name
            for name, _sql in listed
            if not any(name == i or name.startswith(f"{i}_") for i in indexes)
        ]
        filled = {t: before.execute(f'SELECT * FROM "{t}"').fetchall() for t in tables}
        counts = tuple(len(filled[t]) for t in tables)
        sequences_before = _file_sequences(before)
    rows: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}
    with sqlite3.connect(f"file:{start}?mode=ro", uri=True) as after:
        for table, count in zip(tables, counts, strict=True):
            cursor = after.execute(f'SELECT * FROM "{table}"')
            found = cursor.fetchall()
            if count:
                assert found == filled[table], f"the template changed {table}, filled at the start"
            elif found:
                rows[table] = ([column[0] for column in cursor.description], found)
        sequences_after = _file_sequences(after)
    assert not sequences_before, "the migrated start has used an AUTOINCREMENT sequence"
    return _Delta(counts, "", tables, rows, sequences_after)


def _file_sequences(connection: sqlite3.Connection) -> list[tuple[str, int]]:
    if not connection.execute(
        "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'"
    ).fetchone()[0]:
        return []
    return list(connection.execute("SELECT name, seq FROM sqlite_sequence ORDER BY name"))


def _postgres_delta(schemas: PostgresSchemas, start: str) -> _Delta:
    """What ``start``'s template schema adds to the migrated one's (as :func:`_sqlite_delta`)."""
    migrated, template = schemas.template_schema(MIGRATED), schemas.template_schema(start)
    with schemas.connect() as connection:
        tables = schemas.tables(MIGRATED)
        counts = tuple(_counts(connection, migrated, tables))
        added = []
        for table, before, after in zip(
            tables, counts, _counts(connection, template, tables), strict=True
        ):
            if before:
                same = _digest(connection, migrated, table) == _digest(connection, template, table)
                assert same, f"the template changed {table}, filled at the start"
            elif after:
                added.append(table)
        at_start = _schema_sequences(connection, migrated)
        used = connection.execute(
            text(
                "SELECT sequencename, last_value FROM pg_sequences"
                " WHERE schemaname = :schema AND last_value IS NOT NULL ORDER BY sequencename"
            ),
            {"schema": template},
        )
        sequences = [(str(name), int(value)) for name, value in used]
    return _Delta(counts, at_start, tables, {table: ([], []) for table in added}, sequences)


def _counts(connection: Connection, schema: str, tables: list[str]) -> list[int]:
    counts = ", ".join(f'(SELECT count(*) FROM "{schema}"."{table}")' for table in tables)
    return list(connection.execute(text(f"SELECT {counts}")).one())


def _schema_sequences(connection: Connection, schema: str) -> str:
    found = connection.execute(
        text(
            "SELECT coalesce(string_agg(sequencename || ':' || coalesce(last_value::text, '-'),"
            " ';' ORDER BY sequencename), '') FROM pg_sequences WHERE schemaname = :schema"
        ),
        {"schema": schema},
    ).scalar_one()
    return str(found)


def _digest(connection: Connection, schema: str, table: str) -> str:
    found = connection.execute(
        text(f'SELECT md5(string_agg(t::text, \',\' ORDER BY t::text)) FROM "{schema}"."{table}" t')
    ).scalar_one()
    return str(found)
