"""The CLI beside a long write: reads answer at once, a write says "busy" in one line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from procure.store.db import make_engine, new_session
from procure.store.migrate import upgrade
from tests.e2e.cli import ok, procure, sqlite_url
from tests.integration.builders import CODE, OFFICER, project_at


@pytest.fixture
def database(tmp_path: Path) -> str:
    """A database with one drafted project (built in-process through the services)."""
    url = sqlite_url(tmp_path / "procure.db")
    engine = make_engine(url)
    try:
        upgrade(engine)
        with new_session(engine) as session:
            project_at(session, "draft")
    finally:
        engine.dispose()
    return url


@pytest.fixture
def writing(database: str) -> Iterator[None]:
    """Another officer's transaction holding the write lock for the whole test."""
    engine = make_engine(database)
    with engine.connect() as connection:
        connection.execute(text("UPDATE project SET title = title"))
        yield
        connection.rollback()
    engine.dispose()


def test_reads_answer_while_another_officer_writes(database: str, writing: None) -> None:
    for command in (("show", CODE), ("projects",), ("history", CODE), ("audit", "verify")):
        ok(*command, db=database)


def test_a_write_that_cannot_get_the_lock_says_busy_in_one_line(
    database: str, writing: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROCURE_LOCK_TIMEOUT", "0.5")
    run = procure("advance", CODE, "submit", "--as", "officer", "--by", OFFICER.name, db=database)
    assert run.code == 1, run
    assert run.stderr.count("\n") == 1, run
    assert "busy" in run.stderr and "try again" in run.stderr, run
