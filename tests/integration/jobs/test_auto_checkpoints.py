"""The worker takes checkpoints by itself: after each job it runs, and when the newest one is
older than PROCURE_CHECKPOINT_MINUTES; each goes to the configured witnesses."""

from __future__ import annotations

import json
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from procure.jobs.checkpointing import CheckpointScheduler, auto_settings, describe
from procure.jobs.ticking import DailyTick, schedule
from procure.services.lifecycle.clock import now_utc
from procure.store.keyfile import create_key
from procure.store.models import AuditHead
from procure.store.trust_models import AuditCheckpoint
from procure.store.witness_models import CheckpointWitness
from tests.integration import tampering
from tests.integration.deadline_world import CLOCK, Clock, project_on
from tests.integration.jobs.conftest import job_row, run_queued
from tests.integration.jobs.test_daily_tick import beijing

DAY_AFTER = date(2019, 10, 9)


@pytest.fixture
def witness(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A signing key and a witness folder, configured as the worker reads them."""
    create_key(tmp_path / "audit.key")
    folder = tmp_path / "witness"
    folder.mkdir()
    monkeypatch.setenv("PROCURE_AUDIT_KEY", str(tmp_path / "audit.key"))
    monkeypatch.setenv("PROCURE_WITNESS_FOLDERS", str(folder))
    monkeypatch.setenv("PROCURE_CHECKPOINT_MINUTES", "30")
    return folder


def _checkpoints(session: Session) -> list[AuditCheckpoint]:
    session.expire_all()
    found = list(session.exec(select(AuditCheckpoint).order_by(AuditCheckpoint.seq)))  # type: ignore[arg-type]
    session.commit()
    return found


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


def test_the_worker_checkpoints_the_head_after_each_job_and_hands_it_to_the_witness(
    session: Session, engine: Engine, database_url: str, files: Path, witness: Path, clock: Clock
) -> None:
    project_on(session, clock, "soliciting", date(2019, 9, 25))
    session.commit()
    job_id = schedule(database_url, beijing(DAY_AFTER, 7), DailyTick(CLOCK, time(6)))
    assert job_id is not None

    run_queued(database_url, files)

    assert job_row(engine, job_id).state == "done"
    newest = _checkpoints(session)[-1]  # (PostgreSQL's worker also looks once as it starts)
    head = session.exec(select(AuditHead.seq)).one()
    assert newest.seq == head  # the tick's own audit row included
    written = {json.loads(f.read_text())["seq"] for f in witness.glob("*.json")}
    assert head in written
    delivered = session.exec(
        select(CheckpointWitness.witness).where(CheckpointWitness.seq == head)
    ).all()
    assert delivered == [f"folder {witness}"]


def test_the_worker_checkpoints_a_grown_trail_once_the_interval_passed(
    session: Session, database_url: str, witness: Path
) -> None:
    tampering.write_trail(session, 2)
    scheduler = CheckpointScheduler(database_url, every=60)
    start = now_utc()

    first = scheduler.check(start)
    tampering.write_trail(session, 2, first=10)
    too_soon = scheduler.check(start + timedelta(seconds=30))  # looks at most once a minute
    early = scheduler.check(start + timedelta(minutes=29))
    due = scheduler.check(start + timedelta(minutes=31))

    assert first is not None and first.taken
    assert too_soon is None
    assert early is not None and not early.taken
    assert due is not None and due.taken
    assert [c.seq for c in _checkpoints(session)] == [2, 4]
    assert len(list(witness.glob("*.json"))) == 2


def test_without_a_signing_key_the_worker_says_checkpoints_are_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROCURE_AUDIT_KEY", str(tmp_path / "none.key"))
    monkeypatch.delenv("PROCURE_WITNESS_FOLDERS", raising=False)
    assert auto_settings() is None
    assert describe(None).startswith("automatic checkpoints: off (no signing key")
