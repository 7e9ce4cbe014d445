"""Rules that read other rows hold when officers act on different projects at once.

Two approvals must not both spend the same funds; two signings must not both take
one contract number; two drops place one bar. A clash is the rule's own refusal in
plain words, never a database error.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from procure.services.accounts import manage as accounts
from procure.services.accounts.authorization import SETUP_ACTOR
from procure.services.lifecycle import fire as lc
from procure.services.lifecycle import registry
from procure.store.models import Bar, Organization, Purchaser, ScorecardVersion
from tests.integration.builders import (
    ASSESSMENT_FAIL,
    LEADER,
    OFFICER,
    PURCHASER,
    QIHANG,
    REVIEW_GOOD,
    REVIEWERS,
    Plan,
    create_project,
    drive,
    setup_registry,
)
from tests.integration.concurrency.race import WORKERS, race, settle, url_of

SMALL = {"budget": "450000.00", "contract_amount": "420000.00"}
SMALL_PROPOSALS = {QIHANG: "420000.00"}


def _code(index: int) -> str:
    return f"SM-2019-{index + 1:03d}"


def _projects(
    session: Session, until: str, count: int = WORKERS, funds: str = "9000000.00", **plan: Any
) -> None:
    setup_registry(session, funds=funds)
    for index in range(count):
        drive(session, create_project(session, Plan(code=_code(index), **plan)), until)


def _approve(session: Session, index: int) -> Any:
    return lc.approve(session, _code(index), LEADER).to_state


def _sign_one_number(session: Session, index: int) -> Any:
    return lc.sign_contract(
        session,
        _code(index),
        OFFICER,
        number="SMZGH-2019-001",
        amount="420000.00",
        start="2019-03-01",
        end="2019-12-31",
        signed_on="2019-02-25",
    ).to_state


def _drop(session: Session, index: int) -> Any:
    return lc.drop(session, _code(index), OFFICER, reason="考核不合格").to_state


def test_approvals_raced_never_over_commit_the_funds(
    session: Session, engine: Engine, backend: str
) -> None:
    _projects(session, "proposed", funds="1000000.00", budget="600000.00")
    tally = race("approve 600,000 ×8 against 1,000,000", url_of(engine), _approve)
    assert settle(tally, engine, backend) == []
    assert tally.raw == []
    assert len(tally.ok) == 1
    assert all("年度剩余资金" in reason for reason in tally.refused)


def test_one_contract_number_raced_by_eight_projects_is_taken_once(
    session: Session, engine: Engine, backend: str
) -> None:
    _projects(session, "awarded", proposals=SMALL_PROPOSALS, **SMALL)
    tally = race("sign one contract number ×8", url_of(engine), _sign_one_number)
    assert settle(tally, engine, backend) == []
    assert tally.raw == []
    assert len(tally.ok) == 1
    assert all("合同编号 SMZGH-2019-001 已被使用" in r for r in tally.refused)


def test_drops_raced_place_one_bar(session: Session, engine: Engine, backend: str) -> None:
    _projects(
        session,
        "assessed",
        count=4,
        proposals=SMALL_PROPOSALS,
        assessment=dict(ASSESSMENT_FAIL),
        **SMALL,
    )
    tally = race("drop 4 projects of one organization", url_of(engine), _drop, workers=4)
    assert settle(tally, engine, backend) == []
    assert tally.raw == []
    assert len(tally.ok) == 4
    assert len(list(session.exec(select(Bar)))) == 1


USCC = "52350203MJ0777777"


def _register(session: Session, index: int) -> Any:
    from procure.domain.uscc import make_uscc

    data = registry.OrganizationCreate(make_uscc(USCC), f"同名组织 {index}")
    return registry.register_organization(session, data, OFFICER).uscc


def test_one_uscc_registered_eight_times_at_once_is_registered_once(
    session: Session, engine: Engine, backend: str
) -> None:
    setup_registry(session)
    tally = race("register one USCC ×8", url_of(engine), _register)
    assert settle(tally, engine, backend) == []
    assert tally.raw == []
    assert len(tally.ok) == 1
    assert all("已登记" in reason for reason in tally.refused)
    assert len(list(session.exec(select(Organization)))) == 4


def _add_account(session: Session, index: int) -> Any:
    return accounts.add_user(session, f"officer{index}", f"干事{index}", SETUP_ACTOR).login


def _add_one_account(session: Session, index: int) -> Any:
    return accounts.add_user(session, "officer", f"干事{index}", SETUP_ACTOR).login


def test_the_first_audit_rows_raced_on_an_empty_database_all_succeed(
    engine: Engine, backend: str
) -> None:
    tally = race("first audit append ×8 on an empty database", url_of(engine), _add_account)
    assert settle(tally, engine, backend) == []
    assert tally.raw == []
    assert len(tally.ok) == WORKERS


def test_one_login_added_eight_times_at_once_is_added_once(engine: Engine, backend: str) -> None:
    tally = race("add one login ×8", url_of(engine), _add_one_account)
    assert settle(tally, engine, backend) == []
    assert tally.raw == []
    assert len(tally.ok) == 1
    assert all("账号已存在" in reason for reason in tally.refused)


def _review_for_purchaser(session: Session, index: int) -> Any:
    return lc.record_review(
        session, _code(index), REVIEWERS[0], organization=QIHANG, scores=REVIEW_GOOD
    ).to_state


def test_a_scorecard_first_used_by_several_officers_at_once_is_pinned_once(
    session: Session, engine: Engine, backend: str
) -> None:
    setup_registry(session)
    for index in range(4):  # one purchaser each: nothing else serializes them
        code = f"ST{index}"
        registry.add_purchaser(session, registry.PurchaserCreate(code, code, "9000000.00"), OFFICER)
        session.commit()
        plan = Plan(code=_code(index), purchaser=code, proposals=SMALL_PROPOSALS, **SMALL)
        drive(session, create_project(session, plan), "reviewing")
    tally = race(
        "first use of the review scorecard ×4", url_of(engine), _review_for_purchaser, workers=4
    )
    assert settle(tally, engine, backend) == []
    assert tally.raw == []
    assert len(tally.ok) == 4
    assert len(list(session.exec(select(ScorecardVersion)))) == 1
    assert session.exec(select(Purchaser).where(Purchaser.code == PURCHASER)).one()
