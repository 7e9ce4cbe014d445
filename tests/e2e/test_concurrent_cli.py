"""The CLI beside a long write: reads answer at once, a write says "busy" in one line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from procure.store.db import make_engine
from tests.e2e.cli import CODE, OFFICER, fixture, ok, procure, project_entry, sqlite_url


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = sqlite_url(tmp_path / "procure.db")
    ok("init", db=url)
    source = tmp_path / "year.yaml"
    source.write_text(fixture(project_entry(CODE)), encoding="utf-8")
    ok("load", str(source), db=url)
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
    run = procure("advance", CODE, "submit", "--as", "officer", "--by", OFFICER, db=database)
    assert run.code == 1, run
    assert run.stderr.count("\n") == 1, run
    assert "busy" in run.stderr and "try again" in run.stderr, run
