"""Test databases built once per session and copied per test: empty, migrated, or the demo.

Running the Alembic migrations takes about a second on PostgreSQL and the Siming demo a few
more, so a session builds each starting point once per backend and every test starts from
a copy of it:

- SQLite: the template is a file; a test gets a copy of it in its own ``tmp_path``.
- PostgreSQL: the template is a schema; a test gets this process's work schema back with
  the template's rows (see :class:`PostgresSchemas`). A module fixture that keeps its
  database gets a schema of its own, filled the same way. Schemas are named after this
  process's id, so two sessions (or two pytest-xdist workers) never share one.

The migrations and the demo still run in full once per session and backend, through the
same functions, and the tests of migrations themselves start from an empty database.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import ClassVar

import psycopg
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.pool import NullPool

from procure.services.loading.demo import run_demo
from procure.store.db import make_engine, new_session
from procure.store.migrate import upgrade

MIGRATED = "migrated"
"""The starting point of a database at the newest schema, holding nothing."""
DEMO = "demo"
"""The starting point of a migrated database where the Siming 2019 demo year has run."""
REGISTERED = "registered"
"""The starting point of a migrated database where ``setup_registry`` has run with its
defaults (the integration builders' people, purchaser and organizations; see
tests/starting_rows.py)."""


def migrate(engine: Engine) -> None:
    """Bring an empty database to the newest schema."""
    upgrade(engine)


def migrate_and_run_demo(engine: Engine) -> None:
    """Bring an empty database to the newest schema and run the Siming 2019 demo on it."""
    upgrade(engine)
    with new_session(engine) as session:
        run_demo(session)
        session.commit()


def migrate_and_register(engine: Engine) -> None:
    """Bring an empty database to the newest schema and register the builders' registry."""
    from tests.integration.builders import REGISTER_FOR_TEMPLATES  # it uses this module

    upgrade(engine)
    with new_session(engine) as session:
        REGISTER_FOR_TEMPLATES(session)


AT_STAGE = "at_"
"""The prefix of a starting point where ``project_at(session, STAGE)`` has run with its
defaults: ``at_reviewing`` (see tests/starting_rows.py)."""


def migrate_and_drive(stage: str, engine: Engine) -> None:
    """Bring an empty database to the newest schema and take the builders' default project
    to ``stage``, through the services."""
    from tests.integration.builders import REGISTER_FOR_TEMPLATES, Plan, create_project, drive

    upgrade(engine)
    with new_session(engine) as session:
        REGISTER_FOR_TEMPLATES(session)
        drive(session, create_project(session, Plan()), stage)


BUILDERS: dict[str, Callable[[Engine], None]] = {
    MIGRATED: migrate,
    DEMO: migrate_and_run_demo,
    REGISTERED: migrate_and_register,
}


def builder_of(start: str) -> Callable[[Engine], None]:
    """How the template of ``start`` is built."""
    if start.startswith(AT_STAGE):
        return partial(migrate_and_drive, start.removeprefix(AT_STAGE))
    return BUILDERS[start]


class SqliteTemplates:
    """Template files of each starting point, built on first use, in a session folder."""

    active: ClassVar[SqliteTemplates | None] = None
    """This process's templates, once the session made them (read by tests/starting_rows.py)."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._built: dict[str, Path] = {}
        SqliteTemplates.active = self

    def template(self, start: str) -> Path:
        """The template file of ``start`` (built now if this session has not yet)."""
        if start not in self._built:
            path = self._folder / f"{start}.db"
            engine = make_engine(f"sqlite:///{path}")
            try:
                builder_of(start)(engine)
            finally:
                engine.dispose()
            assert not path.with_name(f"{path.name}-wal").exists(), "WAL left behind"
            self._built[start] = path
        return self._built[start]

    def copy_to(self, start: str, path: Path) -> None:
        """Write a copy of ``start``'s template at ``path``."""
        shutil.copyfile(self.template(start), path)


class PostgresSchemas:
    """Schemas on the test server for this process: a template of each starting point, and
    one work schema that each test gets back reset to a template's rows.

    Resetting is one transaction: check that the work schema's shape (tables, columns,
    constraints, indexes, triggers, functions) is still the templates', delete every row
    (children first), copy the template's rows and set each sequence to the template's
    value. Deleting is much cheaper than ``TRUNCATE`` for tables this small (a truncated
    table gets new files). A test that changed the shape, or left a transaction holding a lock
    on it, makes the next test get a new work schema instead (migrated from scratch).
    """

    active: ClassVar[PostgresSchemas | None] = None
    """This process's schemas, once the session made them (read by tests/starting_rows.py)."""

    def __init__(self, server: str) -> None:
        self._server = server
        self._admin = create_engine(server, poolclass=NullPool)
        self._tag = f"{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self._templates: dict[str, str] = {}
        self._shape: str | None = None
        self._work: str | None = None
        self._made: list[str] = []
        self._contents: dict[str, _Contents] = {}
        PostgresSchemas.active = self

    def url(self, schema: str) -> str:
        """A URL of the test server whose search_path is ``schema``."""
        separator = "&" if "?" in self._server else "?"
        return f"{self._server}{separator}options=-csearch_path%3D{schema}"

    def reset(self, start: str) -> str:
        """The work schema, holding exactly what ``start``'s template holds; its URL."""
        template = self._template(start)
        if self._work is None or not self._copy_rows(template, self._work):
            self._work = self._migrated_schema("w")
            assert self._copy_rows(template, self._work), "a fresh schema could not be reset"
        return self.url(self._work)

    @contextmanager
    def dedicated(self, start: str) -> Iterator[str]:
        """A schema of its own (for a module fixture) holding what ``start``'s template
        holds; its URL, dropped on leaving."""
        template = self._template(start)
        schema = self._migrated_schema("m")
        try:
            assert self._copy_rows(template, schema), "a fresh schema could not be filled"
            yield self.url(schema)
        finally:
            self._drop(schema)

    def close(self) -> None:
        """Drop every schema this process made."""
        for schema in list(self._made):
            self._drop(schema)
        self._admin.dispose()
        if PostgresSchemas.active is self:
            PostgresSchemas.active = None

    def template_schema(self, start: str) -> str:
        """The name of ``start``'s template schema (built now if this session has not yet)."""
        return self._template(start)

    def tables(self, start: str) -> list[str]:
        """``start``'s tables, each after those its foreign keys point at."""
        return self._contents[self._template(start)].tables

    def connect(self) -> Connection:
        """A connection to the test server (no schema on its search_path)."""
        return self._admin.connect()

    def _template(self, start: str) -> str:
        if start not in self._templates:
            schema = self._new_schema(f"tpl_{start}")
            engine = make_engine(self.url(schema))
            try:
                builder_of(start)(engine)
            finally:
                engine.dispose()
            self._templates[start] = schema
            with self._admin.connect() as connection:
                self._contents[schema] = _contents(connection, schema)
            if self._shape is None:
                self._shape = self._fingerprint(schema)
        return self._templates[start]

    def _migrated_schema(self, kind: str) -> str:
        schema = self._new_schema(kind)
        engine = make_engine(self.url(schema))
        try:
            migrate(engine)
        finally:
            engine.dispose()
        return schema

    def _new_schema(self, kind: str) -> str:
        schema = f"t_{self._tag}_{kind}_{len(self._made)}"
        with self._admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        self._made.append(schema)
        return schema

    def _drop(self, schema: str) -> None:
        with self._admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        self._made.remove(schema)

    def _copy_rows(self, template: str, schema: str) -> bool:
        """Make ``schema`` hold ``template``'s rows; False when its shape differs or a lock
        held elsewhere keeps it busy (nothing changed then)."""
        contents = self._contents[template]
        # the schema's own functions (procrastinate's triggers) name its tables unqualified
        statements = ["SET LOCAL lock_timeout = '5s'", f'SET LOCAL search_path = "{schema}"']
        statements += [f'DELETE FROM "{schema}"."{table}"' for table in reversed(contents.tables)]
        statements += [
            f'INSERT INTO "{schema}"."{table}" SELECT * FROM "{template}"."{table}"'
            for table in contents.filled
        ]
        statements += [
            f'SELECT setval(\'"{schema}"."{sequence}"\', {value}, {str(called).lower()})'
            for sequence, value, called in contents.sequences
        ]
        try:
            # one connection (the admin engine opens a new one each time) for both steps
            with self._admin.begin() as connection:
                if _fingerprint(connection, schema) != self._shape:
                    return False
                # one round trip: psycopg sends a statement list without parameters as is
                connection.connection.driver_connection.execute(";\n".join(statements))
        except psycopg.errors.LockNotAvailable:
            return False
        return True

    def _fingerprint(self, schema: str) -> str:
        with self._admin.connect() as connection:
            return _fingerprint(connection, schema)


def _fingerprint(connection: Connection, schema: str) -> str:
    """A digest of ``schema``'s shape (see :data:`_SHAPE`)."""
    return str(connection.execute(text(_SHAPE), {"schema": schema}).scalar_one())


_SHAPE = """
SELECT md5(coalesce(string_agg(item, ';' ORDER BY item), '')) FROM (
  SELECT c.relname || ':' || c.relkind::text AS item
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = :schema
  UNION ALL
  SELECT c.relname || '.' || a.attname || ':'
         || replace(format_type(a.atttypid, a.atttypmod), :schema, '')
         || ':' || a.attnotnull::text
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = :schema AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL
  SELECT c.conname || ':' || replace(pg_get_constraintdef(c.oid), :schema, '')
    FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = :schema
  UNION ALL
  SELECT c.relname || ':' || t.tgname || ':' || t.tgenabled::text
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = :schema AND NOT t.tgisinternal
  UNION ALL
  SELECT p.proname || ':' || md5(p.prosrc)
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = :schema
) AS shape
"""


@dataclass(frozen=True)
class _Contents:
    """What a template holds: its tables, those with rows (each after the tables its
    foreign keys point at) and its sequences' positions."""

    tables: list[str]
    filled: list[str]
    sequences: list[tuple[str, int, bool]]


def _contents(connection: Connection, schema: str) -> _Contents:
    tables = list(
        connection.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = :schema ORDER BY tablename"),
            {"schema": schema},
        ).scalars()
    )
    points_at: dict[str, set[str]] = {table: set() for table in tables}
    for table, target in connection.execute(
        text(
            "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text FROM pg_constraint c "
            "JOIN pg_namespace n ON n.oid = c.connamespace "
            "WHERE n.nspname = :schema AND c.contype = 'f'"
        ),
        {"schema": schema},
    ):
        source, referenced = _bare(table), _bare(target)
        if source != referenced:
            points_at[source].add(referenced)
    ordered: list[str] = []
    while len(ordered) < len(tables):
        ready = [t for t in tables if t not in ordered and points_at[t] <= set(ordered)]
        assert ready, f"foreign keys run in a circle among {set(tables) - set(ordered)}"
        ordered += ready
    filled = [
        table
        for table in ordered
        if connection.execute(text(f'SELECT EXISTS (SELECT FROM "{schema}"."{table}")')).scalar()
    ]
    sequences = [
        (name, int(value), bool(called))
        for name, value, called in connection.execute(
            text(
                "SELECT sequencename, coalesce(last_value, start_value), last_value IS NOT NULL "
                "FROM pg_sequences WHERE schemaname = :schema"
            ),
            {"schema": schema},
        )
    ]
    return _Contents(ordered, filled, sequences)


def _bare(name: str) -> str:
    """A table's name without its schema and quotes."""
    return name.rsplit(".", 1)[-1].strip('"')
