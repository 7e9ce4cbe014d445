"""The registry copied from the session's template is what the services write, and is copied
only onto a database at the migrated start, at the session's moment (tests/starting_rows.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from procure.services.lifecycle import registry
from procure.services.lifecycle.clock import using_clock
from procure.store.db import make_engine, new_session
from tests.clock import pinned_clock
from tests.databases import AT_STAGE, MIGRATED, REGISTERED, PostgresSchemas, SqliteTemplates
from tests.integration import builders
from tests.integration.builders import (
    OFFICER,
    Plan,
    create_project,
    drive,
    register_everything,
    setup_registry,
)
from tests.starting_rows import fill_from_template
from tests.support import dump_database

HASHED = {"hash", "prev_hash", "last_hash"}
"""The trail's chained digests, which cover each row's moment."""


@contextmanager
def another_migrated(engine: Engine, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A second database at the migrated start, on the backend of ``engine``."""
    with _url(engine, request) as url:
        built = make_engine(url)
        try:
            yield built
        finally:
            built.dispose()


@contextmanager
def _url(engine: Engine, request: pytest.FixtureRequest) -> Iterator[str]:
    if engine.dialect.name == "sqlite":
        templates: SqliteTemplates = request.getfixturevalue("sqlite_templates")
        path: Path = request.getfixturevalue("tmp_path") / "services.db"
        templates.copy_to(MIGRATED, path)
        yield f"sqlite:///{path}"
        return
    schemas: PostgresSchemas = request.getfixturevalue("postgres_schemas")
    with schemas.dedicated(MIGRATED) as url:
        yield url


MOMENT = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")
"""A moment written as text (a row's, or one inside a fact's JSON)."""


def without_moments(engine: Engine) -> list[tuple[str, list[tuple[object, ...]]]]:
    """Every row, its moments and the trail's digests blanked (they differ by the clock)."""
    dump = []
    for table, rows in dump_database(engine):
        blanked = [tuple(_blanked(value) for value in row) for row in rows]
        if table in ("transition_log", "audit_head"):
            blanked = [tuple(v for v in row if not _digest(v)) for row in blanked]
        dump.append((table, sorted(blanked, key=repr)))
    return dump


def _blanked(value: object) -> object:
    if isinstance(value, datetime):
        return "<moment>"
    return MOMENT.sub("<moment>", value) if isinstance(value, str) else value


def _digest(value: object) -> bool:
    return isinstance(value, str) and len(value) == 64 and set(value) <= set("0123456789abcdef")


def through_the_services(session: Session, start: str) -> None:
    """What ``start``'s template holds, written through the services."""
    register_everything(session)
    if start.startswith(AT_STAGE):
        drive(session, create_project(session, Plan()), start.removeprefix(AT_STAGE))


@pytest.mark.parametrize("start", [REGISTERED, f"{AT_STAGE}reviewing", f"{AT_STAGE}assessed"])
def test_the_copied_rows_are_what_the_services_write(
    engine: Engine, session: Session, request: pytest.FixtureRequest, start: str
) -> None:
    assert fill_from_template(session, start)
    session.commit()
    with another_migrated(engine, request) as other:
        with new_session(other) as written:
            through_the_services(written, start)
        assert without_moments(engine) == without_moments(other)


def test_setup_registry_copies_onto_a_database_at_the_migrated_start(
    engine: Engine, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    def through_the_services(*_args: object, **_options: object) -> None:
        raise AssertionError("registered through the services")

    monkeypatch.setattr(builders, "register_everything", through_the_services)
    setup_registry(session)
    counts = {table: len(rows) for table, rows in dump_database(engine)}
    assert (counts["user"], counts["purchaser"], counts["organization"]) == (17, 1, 3)
    with new_session(engine) as again:
        assert not fill_from_template(again, REGISTERED)  # no longer at the start
        again.rollback()


def test_a_database_holding_anything_is_registered_through_the_services(
    engine: Engine, session: Session
) -> None:
    register_everything(session)
    registry.create_project(
        session, registry.ProjectCreate("SM-2019-009", 2019, "SM-FED", "先建", "1000.00"), OFFICER
    )
    session.commit()
    before = dump_database(engine)
    assert not fill_from_template(session, REGISTERED)
    session.rollback()
    assert dump_database(engine) == before


def test_a_clock_moved_off_the_session_registers_through_the_services(
    engine: Engine, session: Session
) -> None:
    with using_clock(pinned_clock(datetime(2019, 3, 1, 2, 0, tzinfo=UTC))):
        assert not fill_from_template(session, REGISTERED)
        session.rollback()
        setup_registry(session)
    users = [row for table, rows in dump_database(engine) if table == "user" for row in rows]
    moments = [value for row in users for value in row if isinstance(value, datetime)]
    assert moments and {moment.year for moment in moments} == {2019}
