"""Shared fixtures: a migrated database on SQLite and, when configured, PostgreSQL.

PostgreSQL tests run when ``PROCURE_TEST_POSTGRES_URL`` names a server (CI sets
it); each test gets a schema of its own, dropped afterwards. Without the
variable they skip with the reason shown in the summary (``-ra``).

Every test runs on the pinned clock of tests/clock.py, never at the real "now".
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlmodel import Session

from procure.services.lifecycle.clock import using_clock
from procure.store.db import make_engine, new_session
from procure.store.migrate import upgrade
from tests.clock import pinned_clock
from tests.support import dump_database

POSTGRES_ENV = "PROCURE_TEST_POSTGRES_URL"
POSTGRES_SKIP = (
    f"PostgreSQL tests need {POSTGRES_ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)"
)


def postgres_url() -> str | None:
    """Return the PostgreSQL server URL for tests, if configured."""
    return os.environ.get(POSTGRES_ENV) or None


@pytest.fixture(scope="session", autouse=True)
def pinned_now() -> Iterator[None]:
    """Run the whole session at tests/clock.py's moment: a deadline counted in working days
    from "now" must not reach a year whose holidays the calendar does not know yet."""
    with using_clock(pinned_clock()):
        yield


@pytest.fixture
def sqlite_url(tmp_path: object) -> str:
    return f"sqlite:///{tmp_path}/procure.db"  # type: ignore[str-bytes-safe]


@contextmanager
def fresh_postgres_schema() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped on leaving (the test
    is skipped, with the reason, when no server is named)."""
    server = postgres_url()
    if server is None:
        pytest.skip(POSTGRES_SKIP)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in server else "?"
    try:
        yield f"{server}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def postgres_schema_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema (dropped after the test)."""
    with fresh_postgres_schema() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """A URL of an empty database, once per backend."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("postgres_schema_url"))


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A migrated database engine, once per backend."""
    built = make_engine(database_url)
    upgrade(built)
    yield built
    built.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on the migrated database."""
    with new_session(engine) as opened:
        yield opened


__all__ = ["dump_database"]
