"""The job worker runs the daily tick: once a day from its hour, however many workers ask."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from procure.jobs.ticking import DailyTick, TickScheduler, schedule, tick_key
from procure.services.loading.replay import BEIJING
from procure.store.job_models import Job
from procure.store.models import Project
from tests.integration.builders import CODE
from tests.integration.deadline_world import CLOCK, Clock, project_on
from tests.integration.jobs.conftest import job_row, run_queued

OPENED = date(2019, 9, 25)  # the call's deadline is 8 October (after the National Day week)
DAY_AFTER = date(2019, 10, 9)
DAILY = DailyTick(CLOCK, time(6))


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


def beijing(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), BEIJING)


def tick_jobs(session: Session) -> list[Job]:
    session.expire_all()
    jobs = list(session.exec(select(Job).where(Job.kind == "tick").order_by(Job.id)))  # type: ignore[arg-type]
    session.commit()
    return jobs


def test_the_day_s_tick_is_asked_for_once_from_its_hour_and_again_the_next_day(
    session: Session, engine: Engine, database_url: str, clock: Clock
) -> None:
    project_on(session, clock, "soliciting", OPENED)
    session.commit()

    assert schedule(database_url, beijing(DAY_AFTER, 5, 59), DAILY) is None
    first = schedule(database_url, beijing(DAY_AFTER, 6), DAILY)
    again = schedule(database_url, beijing(DAY_AFTER, 17), DAILY)
    next_day = schedule(database_url, beijing(DAY_AFTER + timedelta(days=1), 6, 30), DAILY)

    assert first is not None and again is None and next_day is not None
    assert [(j.key, j.state, j.requested_by) for j in tick_jobs(session)] == [
        (tick_key(DAY_AFTER), "queued", CLOCK),
        (tick_key(DAY_AFTER + timedelta(days=1)), "queued", CLOCK),
    ]


def test_a_tick_job_fires_the_passed_deadline_and_writes_what_it_did(
    session: Session, engine: Engine, database_url: str, clock: Clock, files: Path
) -> None:
    project_on(session, clock, "soliciting", OPENED)
    session.commit()
    job_id = schedule(database_url, beijing(DAY_AFTER, 7), DAILY)
    assert job_id is not None

    run_queued(database_url, files)

    job = job_row(engine, job_id)
    assert (job.state, job.done, job.total, job.reason) == ("done", 1, 1, "")
    summary = json.loads((files / job.result).read_text())
    assert summary["on"] == DAY_AFTER.isoformat()
    assert [(f["project"], f["trigger"]) for f in summary["fired"]] == [(CODE, "close_call")]
    session.expire_all()
    assert session.exec(select(Project.state).where(Project.code == CODE)).one() == "reviewing"
    session.commit()
    assert schedule(database_url, beijing(DAY_AFTER, 23), DAILY) is None  # done counts too


def test_a_tick_job_through_an_auditor_fails_with_the_refusal_and_changes_nothing(
    session: Session, engine: Engine, database_url: str, clock: Clock, files: Path
) -> None:
    from procure.store.deadline_models import Reminder
    from procure.store.models import TransitionLog
    from tests.integration.builders import AUDITOR

    project_on(session, clock, "soliciting", OPENED)
    session.commit()
    rows = len(session.exec(select(TransitionLog)).all())
    session.commit()
    job_id = schedule(database_url, beijing(DAY_AFTER, 7), DailyTick(AUDITOR.name, time(6)))
    assert job_id is not None

    run_queued(database_url, files)

    job = job_row(engine, job_id)
    assert job.state == "failed"
    assert "既没有项目干事授权，也没有管理员授权" in job.reason
    session.expire_all()
    assert session.exec(select(Project.state).where(Project.code == CODE)).one() == "soliciting"
    assert session.exec(select(Reminder)).all() == []
    assert len(session.exec(select(TransitionLog)).all()) == rows
    session.commit()


def test_without_an_account_named_no_tick_is_ever_asked_for(
    session: Session, database_url: str, clock: Clock
) -> None:
    project_on(session, clock, "soliciting", OPENED)
    session.commit()

    assert schedule(database_url, beijing(DAY_AFTER, 12), None) is None
    assert TickScheduler(database_url, None).check(beijing(DAY_AFTER, 12)) is None
    assert tick_jobs(session) == []


def test_a_worker_s_scheduler_looks_at_most_once_a_minute(
    session: Session, database_url: str, clock: Clock
) -> None:
    project_on(session, clock, "soliciting", OPENED)
    session.commit()
    scheduler = TickScheduler(database_url, DAILY, every=60)

    early = beijing(DAY_AFTER, 5, 59) + timedelta(seconds=30)
    assert scheduler.check(early) is None  # too early: looked, nothing to ask for
    assert scheduler.check(early + timedelta(seconds=40)) is None  # past 06:00, but not a minute
    asked = scheduler.check(early + timedelta(seconds=61))

    assert asked is not None
    assert [j.key for j in tick_jobs(session)] == [tick_key(DAY_AFTER)]
