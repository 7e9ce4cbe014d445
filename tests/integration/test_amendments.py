"""Contract amendments (合同变更): numbered, with a rationale, proposed by the officer and
counting once the leader approves; payments are then checked against the amended amount."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import Session

from procure.domain.errors import InvalidInput, Refused
from procure.domain.language import use_language
from procure.services.accounts import manage as accounts
from procure.services.corrections.amend import approve_amendment, propose_amendment
from procure.services.lifecycle import fire as lc
from procure.services.opendata.ocds import release_package
from procure.services.trail.check import trail_differences
from procure.store import audit, queries
from procure.store.correction_models import APPLIED, PENDING
from procure.store.models import Contract
from tests.integration.builders import ADMIN, LEADER, OFFICER, SUPERVISOR, project_at
from tests.ocds_schema import schema_errors

CODE = "SM-2019-001"


@pytest.fixture
def in_service(session: Session) -> Session:
    project_at(session, "in_service")  # 868,000.00; 400,000.00 paid
    return session


def contract(session: Session) -> Contract:
    found = queries.contract_of(session, queries.project_by_code(session, CODE))
    assert found is not None
    return found


def test_an_amendment_counts_once_the_leader_approves_and_payments_follow_it(
    in_service: Session,
) -> None:
    proposed = propose_amendment(
        in_service, CODE, by=OFFICER.name, amount="500000.00", end="2020-02-29",
        scope="缩减为每月两场活动", rationale="服务对象减少，经双方协商调减金额并延长服务期",
    )  # fmt: skip
    assert (proposed.number, proposed.state) == (1, PENDING)
    assert contract(in_service).amount == Decimal("868000.00")

    approved = approve_amendment(in_service, CODE, 1, by=LEADER.name)

    assert approved.state == APPLIED
    amended = contract(in_service)
    assert (amended.amount, str(amended.end_on)) == (Decimal("500000.00"), "2020-02-29")
    with pytest.raises(Refused, match="将超过合同金额 ¥500,000.00"):
        lc.record_payment(in_service, CODE, OFFICER, amount="100000.01", paid_on="2019-07-01")
    in_service.rollback()
    assert audit.verify_chain(in_service).ok
    assert trail_differences(in_service) == []


def test_amendments_are_numbered_one_at_a_time(in_service: Session) -> None:
    propose_amendment(in_service, CODE, by=OFFICER.name, scope="增加心理咨询", rationale="需求")
    with pytest.raises(Refused, match="已有一项合同变更待审批"):
        propose_amendment(in_service, CODE, by=OFFICER.name, amount="800000", rationale="再改")
    approve_amendment(in_service, CODE, 1, by=LEADER.name)
    second = propose_amendment(in_service, CODE, by=OFFICER.name, amount="800000", rationale="再改")
    assert second.number == 2


def test_an_amendment_is_refused_over_the_budget_or_below_what_was_paid(
    in_service: Session,
) -> None:
    with pytest.raises(Refused, match="超过批准的预算"):
        propose_amendment(in_service, CODE, by=OFFICER.name, amount="900000.01", rationale="r")
    with pytest.raises(Refused, match="低于已拨付金额"):
        propose_amendment(in_service, CODE, by=OFFICER.name, amount="399999.99", rationale="r")
    with pytest.raises(InvalidInput, match="至少要给出"):
        propose_amendment(in_service, CODE, by=OFFICER.name, rationale="r")
    with pytest.raises(InvalidInput, match="变更理由"):
        propose_amendment(in_service, CODE, by=OFFICER.name, amount="500000", rationale="")


def test_an_amendment_is_proposed_by_the_officer_and_approved_by_another_person(
    in_service: Session,
) -> None:
    with pytest.raises(Refused, match="只有财务干事可以办理"):
        propose_amendment(in_service, CODE, by=SUPERVISOR.name, amount="500000", rationale="r")
    accounts.grant(in_service, OFFICER.name, "leader", ADMIN)
    in_service.commit()
    propose_amendment(in_service, CODE, by=OFFICER.name, amount="500000", rationale="r")
    with pytest.raises(Refused, match="双人复核"):
        approve_amendment(in_service, CODE, 1, by=OFFICER.name)
    assert contract(in_service).amount == Decimal("868000.00")


def test_an_amendments_refusals_read_in_english_when_english_is_in_use(
    in_service: Session,
) -> None:
    with use_language("en"):
        with pytest.raises(Refused, match="only the Project officer may do this"):
            propose_amendment(in_service, CODE, by=SUPERVISOR.name, amount="500000", rationale="r")
        with pytest.raises(Refused, match="exceeds the approved budget ¥900,000.00"):
            propose_amendment(in_service, CODE, by=OFFICER.name, amount="900000.01", rationale="r")
        propose_amendment(in_service, CODE, by=OFFICER.name, amount="500000", rationale="r")
        with pytest.raises(Refused, match="an amendment is awaiting approval; decide it first"):
            propose_amendment(in_service, CODE, by=OFFICER.name, amount="600000", rationale="r")


def test_an_amendment_before_signing_is_refused(session: Session) -> None:
    project_at(session, "awarded")
    with pytest.raises(Refused, match="已过该阶段|没有可变更的合同"):
        propose_amendment(session, CODE, by=OFFICER.name, amount="500000", rationale="r")


def test_an_approved_amendment_is_exported_as_ocds_contract_amendments(
    in_service: Session,
) -> None:
    propose_amendment(
        in_service, CODE, by=OFFICER.name, amount="500000.00", rationale="服务对象减少"
    )
    propose_before_approval = release_package(in_service, 2019)
    approve_amendment(in_service, CODE, 1, by=LEADER.name)

    package = release_package(in_service, 2019)

    assert "amendments" not in propose_before_approval["releases"][0]["contracts"][0]
    contract = package["releases"][0]["contracts"][0]
    assert contract["value"]["amount"] == 500000.0
    [amendment] = contract["amendments"]
    assert amendment["rationale"] == "服务对象减少"
    assert amendment["description"] == "合同金额：868000.00 → 500000.00"
    assert schema_errors(package) == []


def test_a_refused_amendment_never_counts_and_frees_the_next_one(in_service: Session) -> None:
    from procure.services.corrections.refuse import refuse_amendment

    propose_amendment(in_service, CODE, by=OFFICER.name, amount="500000", rationale="调减")
    refuse_amendment(in_service, CODE, 1, by=LEADER.name, reason="依据不足")
    with pytest.raises(Refused, match="不在待审批状态"):
        approve_amendment(in_service, CODE, 1, by=LEADER.name)
    second = propose_amendment(in_service, CODE, by=OFFICER.name, amount="600000", rationale="再议")
    assert second.number == 2
    assert contract(in_service).amount == Decimal("868000.00")
    assert trail_differences(in_service) == []
