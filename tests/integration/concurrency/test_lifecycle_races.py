"""One project, many officers at the same moment: each transition is applied once.

Every process first looks the project up (a screen showing it), then all act
together. Before the fix, a session holding the project fired from the state it
had read: ``decide`` was applied by all eight.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from procure.services.lifecycle import fire as lc
from procure.store import queries
from tests.integration.builders import ASSESSMENT_PASS, CODE, OFFICER, Plan, project_at
from tests.integration.concurrency.race import WORKERS, race, settle, transitions, url_of


def _look_up(session: Session, _index: int) -> None:
    """Show the project, as a screen does before the officer acts (the session keeps it)."""
    session.info["shown"] = queries.project_by_code(session, CODE)


def _decide(session: Session, _index: int) -> Any:
    return lc.decide(session, CODE, OFFICER).to_state


def _accept_or_drop(session: Session, index: int) -> Any:
    if index % 2:
        return lc.drop(session, CODE, OFFICER, reason="整改不到位").to_state
    return lc.accept_rectification(session, CODE, OFFICER).to_state


def _pay(session: Session, _index: int) -> Any:
    return lc.record_payment(session, CODE, OFFICER, amount="100000.00", paid_on="2019-06-01")


def test_a_decision_raced_by_eight_officers_is_applied_once(
    session: Session, engine: Engine, backend: str
) -> None:
    project_at(session, "assessed")
    tally = race("decide one assessed project", url_of(engine), _decide, prepare=_look_up)
    assert settle(tally, engine, backend) == []
    assert tally.raw == []
    assert len(tally.ok) == 1
    assert len(tally.refused) == WORKERS - 1
    assert transitions(engine, CODE, "renew") == 1


def test_a_terminal_state_is_never_left_when_renewal_and_drop_race(
    session: Session, engine: Engine, backend: str
) -> None:
    project_at(session, "assessed", Plan(assessment=dict(ASSESSMENT_PASS)))
    lc.require_rectification(session, CODE, OFFICER)
    tally = race("accept rectification vs drop", url_of(engine), _accept_or_drop, prepare=_look_up)
    assert settle(tally, engine, backend) == []
    assert tally.raw == []
    assert len(tally.ok) == 1


def test_payments_raced_never_exceed_the_contract(
    session: Session, engine: Engine, backend: str
) -> None:
    project_at(session, "in_service")  # 868,000 contract, 400,000 paid
    tally = race("pay 100,000 eight times at once", url_of(engine), _pay, prepare=_look_up)
    assert settle(tally, engine, backend) == []
    assert tally.raw == []
    assert len(tally.ok) == 4
