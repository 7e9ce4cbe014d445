"""`procure serve` refuses, in one line, a database it cannot serve (before listening)."""

from __future__ import annotations

from pathlib import Path

from procure.store.db import make_engine
from procure.store.migrate import upgrade
from tests.e2e.cli import procure_process, sqlite_url


def _refused(run_args: tuple[str, ...], url: str) -> str:
    run = procure_process(*run_args, db=url)
    assert run.code == 1, str(run)
    assert run.stdout == "" and run.stderr.count("\n") == 1, str(run)
    return run.stderr


def test_serve_refuses_a_missing_database(tmp_path: Path) -> None:
    line = _refused(("serve", "--port", "1"), sqlite_url(tmp_path / "nothing.db"))
    assert "no database at" in line and "run `procure init` first" in line


def test_serve_refuses_a_database_that_is_not_initialized(tmp_path: Path) -> None:
    (tmp_path / "empty.db").touch()
    line = _refused(("serve", "--port", "1"), sqlite_url(tmp_path / "empty.db"))
    assert "is not initialized: run `procure init`" in line


def test_serve_refuses_a_database_at_an_older_schema(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "old.db")
    engine = make_engine(url)
    try:
        upgrade(engine, "0005")
    finally:
        engine.dispose()
    line = _refused(("serve", "--port", "1"), url)
    assert "is at schema 0005" in line and "run `procure init` to upgrade it" in line
