"""A project driven to a stage at chosen Beijing moments, and the tick's own account."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from datetime import date, datetime, time

import pytest
from sqlmodel import Session

from procure.services.accounts import manage as accounts
from procure.services.lifecycle import clock as procure_clock
from procure.services.loading.replay import BEIJING
from tests.integration.builders import (
    ADMIN,
    STAGES,
    Plan,
    create_project,
    drive,
    setup_registry,
)

CLOCK = "clock"


class Clock:
    """The moment every trigger is stamped with: procure's "now" (the one clock of
    :mod:`procure.services.lifecycle.clock`) reads it until the test ends."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.moment = datetime(2019, 1, 2, 9, 0, tzinfo=BEIJING)
        reading: ContextVar[Callable[[], datetime] | None] = ContextVar(
            "procure_clock", default=lambda: self.moment
        )
        monkeypatch.setattr(procure_clock, "_CLOCK", reading)

    def set(self, day: date, hour: int = 10) -> None:
        self.moment = datetime.combine(day, time(hour), BEIJING)


def project_on(
    session: Session, clock: Clock, until: str, day: date, plan: Plan | None = None
) -> Plan:
    """Register everything (once), draft the plan's project and drive it to ``until`` with
    every step stamped on ``day`` (Beijing)."""
    clock.set(day)
    if not accounts.list_users(session):
        setup_registry(session)
        accounts.add_user(session, CLOCK, "系统时钟", ADMIN)
        accounts.grant(session, CLOCK, "officer", ADMIN)
        session.commit()
    plan = create_project(session, plan or Plan())
    # Awarded on ``day`` like every other step, unless driven on to a contract, which is
    # signed on 25 February (after the builders' award on the 20th).
    plan.award_now = STAGES.index(until) <= STAGES.index("awarded")
    return drive(session, plan, until)
