"""The Siming 2019 demo year on each backend, a files folder, and ways to run its jobs."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from procure.store.db import make_engine, new_session
from procure.store.job_models import Job

DEMO_RECORDS = 7


@pytest.fixture
def demo_year(engine: Engine, starts_from_demo: None) -> Engine:
    """The demo year (seven contracted projects) loaded and decided, on each backend (a
    copy of the session's demo database, see tests/databases.py)."""
    return engine


@pytest.fixture
def sqlite_demo(sqlite_url: str, starts_from_demo: None) -> Iterator[Engine]:
    """The demo year on SQLite only."""
    yield from _engine_at(sqlite_url)


@pytest.fixture
def postgres_demo(postgres_schema_url: str, starts_from_demo: None) -> Iterator[Engine]:
    """The demo year on PostgreSQL only."""
    yield from _engine_at(postgres_schema_url)


def _engine_at(url: str) -> Iterator[Engine]:
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def files(tmp_path: Path) -> Path:
    folder = tmp_path / "files"
    folder.mkdir()
    return folder


def job_row(engine: Engine, job_id: int) -> Job:
    """The job's row as committed now."""
    with new_session(engine) as session:
        job = session.get(Job, job_id)
        session.commit()
    assert job is not None
    return job


def wait_for(
    engine: Engine, job_id: int, until: Callable[[Job], bool], *, seconds: float = 180
) -> Job:
    """Poll the job's row until ``until`` holds (fails the test after ``seconds``)."""
    deadline = time.monotonic() + seconds
    while True:
        job = job_row(engine, job_id)
        if until(job):
            return job
        assert time.monotonic() < deadline, f"job {job_id} stuck: {job}"
        time.sleep(0.2)


def run_queued(url: str, files: Path) -> None:
    """Run every queued job to its end with the backend's own worker, in this process."""
    if url.startswith("postgresql"):
        from procure.jobs.queue import run_worker

        run_worker(url, files, wait=False)
    else:
        from procure.jobs.local import run_next

        while run_next(url, files):
            pass
