"""A year's records printed as a background job, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import zipfile
from pathlib import Path

from sqlalchemy import Engine, func, text
from sqlmodel import select

from procure.domain.language import use_language
from procure.jobs import printing
from procure.jobs.local import recover
from procure.jobs.reasons import reason_text
from procure.jobs.runner import MAX_ATTEMPTS
from procure.jobs.submit import submit
from procure.reports.batch import holds_code
from procure.reports.verify import read_embedded
from procure.services.lifecycle.clock import now_utc
from procure.store import jobs as job_store
from procure.store.db import new_session
from procure.store.job_models import Job
from tests.integration.jobs.conftest import DEMO_RECORDS, job_row, run_queued
from tests.integration.records import needs_printing


def _ask(engine: Engine, year: int = 2019, purchaser: str | None = None, by: str = "赵审计"):  # type: ignore[no-untyped-def]
    with new_session(engine) as session:
        return submit(
            session,
            kind=printing.KIND,
            key=printing.print_key(year, purchaser),
            params={"year": year, "purchaser": purchaser},
            requested_by=by,
            at=now_utc(),
        )


@needs_printing
def test_a_printed_year_ends_done_with_every_record_current_in_one_zip(
    demo_year: Engine, database_url: str, files: Path
) -> None:
    asked = _ask(demo_year)
    assert asked.job.id is not None and not asked.joined
    run_queued(database_url, files)
    job = job_row(demo_year, asked.job.id)
    assert (job.state, job.done, job.total, job.attempts) == ("done", 7, 7, 1)
    assert job.reason == "" and job.finished_at is not None
    with zipfile.ZipFile(files / job.result) as archive:
        names = archive.namelist()
        assert len(names) == DEMO_RECORDS
        for name in names:
            embedded = read_embedded(archive.read(name), file=name)
            assert name.endswith(f"-{embedded.record['project']['code']}.pdf")
    printed = sorted((files / "records" / "2019").glob("*.pdf"))
    assert len(printed) == DEMO_RECORDS
    assert not list(files.rglob("*.partial"))
    for path in printed:
        code = read_embedded(path.read_bytes()).code
        assert holds_code(path, code)


def test_a_second_request_for_the_same_year_joins_the_job_under_way(
    demo_year: Engine, database_url: str
) -> None:
    first = _ask(demo_year, by="赵审计")
    second = _ask(demo_year, by="李秀梅")
    other_purchaser = _ask(demo_year, purchaser="SM-FED")
    assert second.joined and second.job.id == first.job.id
    assert not other_purchaser.joined and other_purchaser.job.id != first.job.id
    with new_session(demo_year) as session:
        assert session.exec(select(func.count()).select_from(Job)).one() == 2
        if database_url.startswith("postgresql"):
            queued = session.exec(text("SELECT lock, queueing_lock FROM procrastinate_jobs"))
            assert sorted(queued) == [
                ("print:2019:*", "print:2019:*"),
                ("print:2019:SM-FED", "print:2019:SM-FED"),
            ]
        session.commit()


def test_a_job_rolled_back_with_its_request_leaves_nothing_queued(
    demo_year: Engine, database_url: str
) -> None:
    with new_session(demo_year) as session:
        job = job_store.new_job(
            session,
            kind=printing.KIND,
            key=printing.print_key(2019, None),
            params={"year": 2019},
            requested_by="赵审计",
            at=now_utc(),
        )
        if database_url.startswith("postgresql"):
            from procure.jobs.deferral import defer

            assert job.id is not None
            defer(session, job.id, job.key)
            assert session.exec(text("SELECT count(*) FROM procrastinate_jobs")).one() == (1,)
        session.rollback()
        assert session.exec(select(func.count()).select_from(Job)).one() == 0
        if database_url.startswith("postgresql"):
            assert session.exec(text("SELECT count(*) FROM procrastinate_jobs")).one() == (0,)
        session.commit()


def test_a_year_without_contracts_fails_at_once_with_the_reason(
    demo_year: Engine, database_url: str, files: Path
) -> None:
    asked = _ask(demo_year, year=2031)
    assert asked.job.id is not None
    run_queued(database_url, files)
    job = job_row(demo_year, asked.job.id)
    assert (job.state, job.attempts) == ("failed", 1)
    assert "2031 年没有已签约的项目" in reason_text(job.reason)
    assert _ask(demo_year, year=2031).joined is False  # a failed job is not joined


def test_a_job_s_own_reason_is_said_in_the_language_of_whoever_reads_it(
    demo_year: Engine, database_url: str, files: Path
) -> None:
    asked = _ask(demo_year, year=2032)
    assert asked.job.id is not None
    run_queued(database_url, files)
    job = job_row(demo_year, asked.job.id)
    assert job.state == "failed"
    assert reason_text(job.reason) == "2032 年没有已签约的项目"
    with use_language("en"):
        assert reason_text(job.reason) == "No project was contracted in 2032."


def test_a_job_whose_worker_died_on_every_attempt_fails_with_the_reason(
    demo_year: Engine,
) -> None:
    asked = _ask(demo_year)
    assert asked.job.id is not None
    with new_session(demo_year) as session:
        job = session.get(Job, asked.job.id)
        assert job is not None
        job.state, job.attempts, job.worker = "running", MAX_ATTEMPTS, _dead_worker()
        session.add(job)
        session.commit()
        assert recover(session) == [asked.job.id]
        session.commit()
    job = job_row(demo_year, asked.job.id)
    assert job.state == "failed"
    assert f"在全部 {MAX_ATTEMPTS} 次尝试中都中途停止" in reason_text(job.reason)


def test_a_job_whose_worker_died_is_put_back_in_the_queue(demo_year: Engine) -> None:
    asked = _ask(demo_year)
    assert asked.job.id is not None
    with new_session(demo_year) as session:
        job = session.get(Job, asked.job.id)
        assert job is not None
        job.state, job.attempts, job.worker = "running", 1, _dead_worker()
        session.add(job)
        session.commit()
        assert recover(session) == [asked.job.id]
        session.commit()
    job = job_row(demo_year, asked.job.id)
    assert (job.state, job.worker) == ("queued", "")
    assert "中途停止（第 1 次尝试，共 3 次）；已重试" in reason_text(job.reason)


def _dead_worker() -> str:
    """A worker name on this host whose process has ended (a child we started and reaped)."""
    import socket
    import subprocess

    child = subprocess.Popen(["true"])
    child.wait()
    return f"{socket.gethostname()}:{child.pid}"


def test_a_first_claim_is_the_jobs_first_attempt(demo_year: Engine, database_url: str) -> None:
    from procure.jobs.runner import claim

    asked = _ask(demo_year)
    assert asked.job.id is not None
    assert claim(database_url, asked.job.id, worker="test:1") == 1
    assert job_row(demo_year, asked.job.id).attempts == 1
