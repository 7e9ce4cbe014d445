"""A worker killed mid-job: the job is retried and ends whole, no record half-written.

Each record is printed by a fresh process (PROCURE_PRINT_RECYCLE=1), so a job lasts long
enough to be killed after its first record and before its last. The job prints the
district federation's own records (two), not the whole year (seven): what is under test
is the kill and the retry, and every record costs a process start.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import Engine

from procure.jobs import printing
from procure.jobs.reasons import reason_text
from procure.jobs.submit import submit
from procure.reports.batch import holds_code
from procure.reports.verify import read_embedded
from procure.services.lifecycle.clock import now_utc
from procure.store.db import new_session
from tests.integration.jobs.conftest import run_queued, wait_for
from tests.integration.records import needs_printing

PURCHASER = "SM-FED"
RECORDS = 2
"""SM-FED's own contracted projects in the demo year (SM-2019-001 and -002)."""


def _ask(engine: Engine) -> int:
    with new_session(engine) as session:
        asked = submit(
            session,
            kind=printing.KIND,
            key=printing.print_key(2019, PURCHASER),
            params={"year": 2019, "purchaser": PURCHASER},
            requested_by="赵审计",
            at=now_utc(),
        )
    assert asked.job.id is not None
    return asked.job.id


def _mid_job(job: object) -> bool:
    return job.state == "running" and 1 <= job.done < RECORDS


def _assert_whole(files: Path, result: str) -> None:
    assert not list(files.rglob("*.partial")), "a half-written file was left"
    with zipfile.ZipFile(files / result) as archive:
        assert len(archive.namelist()) == RECORDS
    for path in (files / "records" / "2019").glob("*.pdf"):
        assert holds_code(path, read_embedded(path.read_bytes()).code)


@needs_printing
def test_the_servers_worker_killed_mid_job_is_restarted_and_the_job_retried(
    sqlite_demo: Engine, sqlite_url: str, files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from procure.jobs.local import LocalJobs

    demo_year = sqlite_demo
    monkeypatch.setenv(printing.RECYCLE_ENV, "1")
    monkeypatch.setenv(printing.PROCESSES_ENV, "1")
    jobs = LocalJobs(sqlite_url, files, check_every=0.2)
    job_id = _ask(demo_year)
    jobs.start()
    try:
        wait_for(demo_year, job_id, _mid_job)
        killed = jobs.pid
        assert killed is not None
        os.kill(killed, signal.SIGKILL)
        job = wait_for(demo_year, job_id, lambda j: j.state in ("done", "failed"))
        assert jobs.pid != killed
    finally:
        jobs.stop()
    assert (job.state, job.done, job.total, job.attempts) == ("done", RECORDS, RECORDS, 2), (
        job.reason
    )
    assert f":{killed}）中途停止（第 1 次尝试，共 3 次）；已重试" in reason_text(job.reason)
    _assert_whole(files, job.result)


@pytest.mark.postgres
@needs_printing
def test_a_procure_worker_killed_mid_job_has_its_job_retried_by_another(
    postgres_demo: Engine, postgres_schema_url: str, files: Path
) -> None:
    from procure.jobs.queue import queue_app, retry_stalled

    demo_year = postgres_demo
    job_id = _ask(demo_year)
    environment = {
        **os.environ,
        "PROCURE_FILES": str(files),
        printing.RECYCLE_ENV: "1",
        printing.PROCESSES_ENV: "1",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "procure", "--db", postgres_schema_url, "worker"],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for(demo_year, job_id, _mid_job)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)  # the worker and its printing processes
        worker.wait()
    time.sleep(1.5)

    async def recover() -> list[int]:
        app = queue_app(postgres_schema_url, files)
        async with app.open_async():
            return await retry_stalled(app, postgres_schema_url, seconds=1.0)

    assert asyncio.run(recover()) == [job_id]
    run_queued(postgres_schema_url, files)
    job = wait_for(demo_year, job_id, lambda j: j.state in ("done", "failed"), seconds=5)
    assert (job.state, job.done, job.total, job.attempts) == ("done", RECORDS, RECORDS, 2), (
        job.reason
    )
    assert "中途停止（第 1 次尝试，共 3 次）；已重试" in reason_text(job.reason)
    _assert_whole(files, job.result)
