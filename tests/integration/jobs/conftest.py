"""The Siming 2019 demo year on each backend, a files folder, and ways to run its jobs."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from procure.services.loading.demo import run_demo
from procure.store.db import make_engine, new_session
from procure.store.job_models import Job
from procure.store.migrate import upgrade

DEMO_RECORDS = 7


@pytest.fixture
def demo_year(engine: Engine) -> Engine:
    """The demo year (seven contracted projects) loaded and decided, on each backend."""
    return _with_demo(engine)


@pytest.fixture
def sqlite_demo(sqlite_url: str) -> Iterator[Engine]:
    """The demo year on SQLite only."""
    yield from _demo_at(sqlite_url)


@pytest.fixture
def postgres_demo(postgres_schema_url: str) -> Iterator[Engine]:
    """The demo year on PostgreSQL only."""
    yield from _demo_at(postgres_schema_url)


def _demo_at(url: str) -> Iterator[Engine]:
    engine = make_engine(url)
    upgrade(engine)
    yield _with_demo(engine)
    engine.dispose()


def _with_demo(engine: Engine) -> Engine:
    with new_session(engine) as session:
        run_demo(session)
        session.commit()
    return engine


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
