"""Limits at their edges: a price equal to the budget, and which states hold a purchaser's
funds (issue 10: a boundary that is refused, a state that silently stops counting)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import Session

from procure.domain.errors import Refused
from procure.services.lifecycle import fire as lc
from procure.store import queries
from procure.workflow.rules import load_rules
from tests.integration.builders import (
    LEADER,
    OFFICER,
    QIHANG,
    Plan,
    create_project,
    drive,
    project_at,
    setup_registry,
)

NOT_COMMITTED = {"draft", "proposed", "rejected", "cancelled"}
"""Before approval, or refused or withdrawn: the budget is not spent."""

STATES = [state.code for state in load_rules().engine.definition.states]


def test_a_price_exactly_equal_to_the_budget_is_accepted(session: Session) -> None:
    plan = project_at(session, "soliciting", Plan(proposals={}))

    lc.add_proposal(session, plan.code, OFFICER, organization=QIHANG, price="900000.00")

    project = queries.project_by_code(session, plan.code)
    assert [p.price for p in queries.proposals_of(session, project)] == [Decimal("900000.00")]


@pytest.mark.parametrize("state", sorted(set(STATES) - NOT_COMMITTED))
def test_every_state_from_approval_on_holds_the_budget(session: Session, state: str) -> None:
    """The test that fails if the list of committed states loses one."""
    setup_registry(session)
    first = create_project(session)  # 900,000.00 of 3,600,000.00
    _put_in(session, first.code, state)
    second = Plan(code="SM-2019-002", budget="2700000.01")
    drive(session, create_project(session, second), "proposed")

    with pytest.raises(Refused, match="年度剩余资金"):
        lc.approve(session, second.code, LEADER)


@pytest.mark.parametrize("state", sorted(NOT_COMMITTED))
def test_a_budget_not_yet_approved_or_given_back_holds_nothing(
    session: Session, state: str
) -> None:
    setup_registry(session)
    first = create_project(session)
    _put_in(session, first.code, state)
    second = Plan(code="SM-2019-002", budget="3600000.00")
    drive(session, create_project(session, second), "proposed")

    assert lc.approve(session, second.code, LEADER).to_state == "approved"


def _put_in(session: Session, code: str, state: str) -> None:
    project = queries.project_by_code(session, code)
    project.state = state
    session.add(project)
    session.commit()
