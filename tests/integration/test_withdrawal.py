"""An organization withdraws its proposal before the call closes (issue 21, item 2): its
own account, or an officer citing its letter; the proposal leaves the tables, the trail
keeps it in its rows and the trail check passes (and catches a forged comeback); once the
call has closed the state rule refuses it."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlmodel import Session

from procure.domain.errors import Refused
from procure.services.lifecycle import fire as lc
from procure.services.trail.check import trail_differences
from procure.store import audit, queries
from procure.store.models import Proposal
from procure.workflow.context import Actor
from tests.integration.builders import (
    CODE,
    OFFICER,
    QIHANG,
    TONGXIN,
    organization_actor,
    project_at,
)


def _withdraw(session: Session, actor: Actor, **given: str) -> lc.TransitionResult:
    params = {"organization": TONGXIN, **given}
    return lc.advance(session, CODE, "withdraw_proposal", actor, params=params)


def _proposers(session: Session) -> set[str]:
    project = queries.project_by_code(session, CODE)
    ids = {p.organization_id for p in queries.proposals_of(session, project)}
    return {
        uscc
        for uscc in (QIHANG, TONGXIN)
        if (found := queries.organization_by_uscc(session, uscc)) and found.id in ids
    }


def test_an_organization_withdraws_its_own_proposal_before_the_call_closes(
    session: Session,
) -> None:
    project_at(session, "soliciting")

    result = _withdraw(session, organization_actor(TONGXIN))

    assert (result.from_state, result.to_state) == ("soliciting", "soliciting")
    assert _proposers(session) == {QIHANG}
    row = audit.rows_for_project(session, CODE)[-1]
    assert row.trigger == "withdraw_proposal" and '"price":"880000.00"' in row.data
    assert trail_differences(session) == []
    session.commit()


def test_an_officer_withdraws_a_proposal_only_citing_the_letter(session: Session) -> None:
    project_at(session, "soliciting")

    with pytest.raises(Refused, match="干事代为撤回须填写撤回函文号"):
        _withdraw(session, OFFICER)
    _withdraw(session, OFFICER, document="同心函〔2019〕3号")

    assert _proposers(session) == {QIHANG}


def test_an_organization_cannot_withdraw_another_organizations_proposal(
    session: Session,
) -> None:
    project_at(session, "soliciting")

    with pytest.raises(Refused):
        _withdraw(session, organization_actor(QIHANG))
    assert _proposers(session) == {QIHANG, TONGXIN}


def test_after_the_call_closed_a_proposal_is_not_withdrawn(session: Session) -> None:
    project_at(session, "reviewing")

    with pytest.raises(Refused, match="^不能办理「撤回申报方案」：项目当前为「评审中」状态"):
        _withdraw(session, organization_actor(TONGXIN))
    assert _proposers(session) == {QIHANG, TONGXIN}


def test_a_withdrawn_proposal_put_back_by_hand_is_caught_by_the_trail_check(
    session: Session,
) -> None:
    project_at(session, "soliciting")
    project = queries.project_by_code(session, CODE)
    tongxin = queries.organization_by_uscc(session, TONGXIN)
    assert tongxin is not None
    _withdraw(session, organization_actor(TONGXIN))

    assert project.id is not None and tongxin.id is not None
    comeback = Proposal(
        project_id=project.id,
        organization_id=tongxin.id,
        price=Decimal("880000.00"),
        submitted_at=datetime(2026, 10, 12, 2, tzinfo=UTC),
    )
    session.add(comeback)  # put back behind procure's back
    session.flush()

    assert any("proposal" in str(found) for found in trail_differences(session))
    session.rollback()
