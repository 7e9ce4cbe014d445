"""Shared fixtures: a migrated database on SQLite and, when configured, PostgreSQL.

PostgreSQL tests run when ``PROCURE_TEST_POSTGRES_URL`` names a server (CI sets
it); each test gets a schema of its own. A test that starts migrated, or from the Siming
demo, starts from a template built once per session (tests/databases.py): a copied file
on SQLite, a schema reset to the template's rows on PostgreSQL. Without the
variable they skip with the reason shown in the summary (``-ra``).

Every test runs on the pinned clock of tests/clock.py, never at the real "now", and hashes
passwords at Argon2id's lowest cost (tests/passwords.py).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlmodel import Session

from procure.services.lifecycle.clock import using_clock
from procure.store.db import make_engine, new_session
from tests.checkout_clean import pytest_sessionfinish, pytest_sessionstart  # noqa: F401
from tests.clock import pinned_clock
from tests.databases import DEMO, MIGRATED, PostgresSchemas, SqliteTemplates
from tests.passwords import cheap_password_hashes
from tests.support import dump_database

POSTGRES_ENV = "PROCURE_TEST_POSTGRES_URL"
POSTGRES_SKIP = (
    f"PostgreSQL tests need {POSTGRES_ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)"
)


def postgres_url() -> str | None:
    """Return the PostgreSQL server URL for tests, if configured."""
    return os.environ.get(POSTGRES_ENV) or None


@pytest.fixture(scope="session", autouse=True)
def cheap_passwords() -> Iterator[None]:
    """Every password the session hashes is Argon2id at its lowest cost (tests/passwords.py)."""
    with cheap_password_hashes():
        yield


@pytest.fixture(scope="session", autouse=True)
def pinned_now() -> Iterator[None]:
    """Run the whole session at tests/clock.py's moment: a deadline counted in working days
    from "now" must not reach a year whose holidays the calendar does not know yet."""
    with using_clock(pinned_clock()):
        yield


def _starting_point(request: pytest.FixtureRequest) -> str | None:
    """What the test's database holds at the start: the Siming demo when the test asks for
    ``starts_from_demo``, the newest schema when it asks for ``engine``, else nothing."""
    if "starts_from_demo" in request.fixturenames:
        return DEMO
    if "engine" in request.fixturenames:
        return MIGRATED
    return None


@pytest.fixture
def starts_from_demo() -> None:
    """Asked for by a fixture whose database starts where the Siming demo year has run
    (copied from the session's template, see tests/databases.py)."""


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplates:
    """This session's SQLite template files (migrated, demo), built on first use."""
    return SqliteTemplates(tmp_path_factory.mktemp("templates"))


@pytest.fixture(scope="session")
def postgres_schemas() -> Iterator[PostgresSchemas]:
    """This process's schemas on the test server (skips when none is named)."""
    server = postgres_url()
    if server is None:
        pytest.skip(POSTGRES_SKIP)
    schemas = PostgresSchemas(server)
    yield schemas
    schemas.close()


@pytest.fixture
def sqlite_url(tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A SQLite file in the test's folder: empty, or a copy of its starting point."""
    path = tmp_path / "procure.db"
    start = _starting_point(request)
    if start is not None:
        request.getfixturevalue("sqlite_templates").copy_to(start, path)
    return f"sqlite:///{path}"


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
def postgres_schema_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A PostgreSQL URL whose search_path is the test's own schema: a fresh empty one
    (dropped after the test), or the work schema reset to its starting point."""
    start = _starting_point(request)
    if start is None:
        with fresh_postgres_schema() as url:
            yield url
        return
    schemas: PostgresSchemas = request.getfixturevalue("postgres_schemas")
    yield schemas.reset(start)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """A URL of the test's database, once per backend: empty, or at its starting point."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("postgres_schema_url"))


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A migrated database engine, once per backend (a copy of the session's migrated
    template, see tests/databases.py)."""
    built = make_engine(database_url)
    yield built
    built.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on the migrated database."""
    with new_session(engine) as opened:
        yield opened


__all__ = ["dump_database"]
