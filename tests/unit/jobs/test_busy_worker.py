"""A job worker that meets a busy database waits and tries again; it does not die."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from procure.jobs import local, runner


def _locked() -> OperationalError:
    return OperationalError("BEGIN IMMEDIATE", {}, sqlite3.OperationalError("database is locked"))


def test_the_worker_loop_waits_out_a_busy_database_and_runs_on(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls: list[str] = []

    def run_next(url: str, files: Path, name: str | None = None) -> bool:
        calls.append(url)
        if len(calls) == 1:
            raise _locked()
        return False

    monkeypatch.setattr(local, "run_next", run_next)
    local.work(f"sqlite:///{tmp_path}/unused.db", tmp_path, stop=lambda: len(calls) >= 2, poll=0)
    assert len(calls) == 2


def test_the_worker_loop_still_stops_on_an_error_that_is_not_a_busy_database(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def run_next(url: str, files: Path, name: str | None = None) -> bool:
        raise RuntimeError("a bug")

    monkeypatch.setattr(local, "run_next", run_next)
    with pytest.raises(RuntimeError, match="a bug"):
        local.work(f"sqlite:///{tmp_path}/unused.db", tmp_path, stop=lambda: False, poll=0)


def test_a_jobs_bookkeeping_is_written_once_the_database_is_free(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(runner.time, "sleep", lambda seconds: None)
    attempts: list[int] = []

    def write() -> None:
        attempts.append(1)
        if len(attempts) < 3:
            raise _locked()

    runner.when_free(write, what="recording a job")
    assert len(attempts) == 3
