"""Guards from the contract on: the contract's terms, payments against it, the organization's
comment window and the renewal policy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from procure.domain.errors import Refused
from procure.domain.language import use_language
from procure.services.lifecycle import fire as lc
from procure.store import queries
from procure.store.db import new_session
from tests.integration.builders import (
    ASSESSMENT_EXCELLENT,
    ASSESSMENT_FAIL,
    ASSESSMENT_GOOD,
    ASSESSMENT_PASS,
    ASSESSOR,
    OFFICER,
    QIHANG,
    Plan,
    create_project,
    days_after,
    drive,
    organization_actor,
    project_at,
)
from tests.integration.test_guards import BEIJING, state_of


def test_a_contract_amount_over_the_budget_is_refused(session: Session) -> None:
    plan = project_at(session, "awarded")

    with pytest.raises(Refused) as refused:
        lc.sign_contract(
            session,
            plan.code,
            OFFICER,
            number="HT-1",
            amount="900000.01",
            start="2019-03-01",
            end="2019-12-31",
        )

    assert str(refused.value) == (
        "不能办理「签订合同」：合同金额 ¥900,000.01 超出批准预算 ¥900,000.00"
    )
    assert state_of(session, plan.code) == "awarded"


def test_a_service_period_ending_before_it_starts_is_refused(session: Session) -> None:
    plan = project_at(session, "awarded")

    with pytest.raises(Refused) as refused:
        lc.sign_contract(
            session,
            plan.code,
            OFFICER,
            number="HT-1",
            amount="868000.00",
            start="2019-03-01",
            end="2019-02-28",
        )

    assert str(refused.value) == (
        "不能办理「签订合同」：服务期结束日期（2019-02-28）早于开始日期（2019-03-01）"
    )


def test_a_contract_number_is_used_once(session: Session) -> None:
    first = project_at(session, "contracted")
    second = drive(
        session,
        create_project(
            session, Plan(code="SM-2019-002", budget="100000.00", proposals={QIHANG: "90000.00"})
        ),
        "awarded",
    )

    with pytest.raises(Refused, match=f"合同编号 {first.contract_number} 已被使用"):
        lc.sign_contract(
            session,
            second.code,
            OFFICER,
            number=first.contract_number,
            amount="90000.00",
            start="2019-03-01",
            end="2019-12-31",
        )


def test_payments_may_not_add_up_to_more_than_the_contract(session: Session) -> None:
    plan = project_at(session, "in_service")  # 400,000.00 of 868,000.00 paid

    with pytest.raises(Refused) as refused:
        lc.record_payment(session, plan.code, OFFICER, amount="468000.01", paid_on="2019-09-01")

    assert str(refused.value) == (
        "不能办理「登记拨付」：拨付 ¥468,000.01 后累计拨付 ¥868,000.01，将超过合同金额 ¥868,000.00"
    )
    with use_language("en"), pytest.raises(Refused) as in_english:
        lc.record_payment(session, plan.code, OFFICER, amount="468000.01", paid_on="2019-09-01")
    assert str(in_english.value) == (
        "Record a payment refused: payment of ¥468,000.01 would bring the total paid to "
        "¥868,000.01, above the contract amount ¥868,000.00"
    )


def test_payments_may_add_up_to_exactly_the_contract(session: Session) -> None:
    plan = project_at(session, "in_service")

    result = lc.record_payment(
        session, plan.code, OFFICER, amount="468000.00", paid_on="2019-09-01"
    )

    assert result.to_state == "in_service"


def test_finalizing_inside_the_comment_window_is_refused(session: Session) -> None:
    plan = project_at(session, "assessment_recorded")

    with use_language("en"), pytest.raises(Refused) as refused:
        lc.finalize_assessment(session, plan.code, ASSESSOR)

    message = str(refused.value)
    assert message.startswith("Finalize the assessment refused: The organization's 14-day comment")
    assert message.endswith("and it has not acknowledged the assessment")
    assert state_of(session, plan.code) == "assessing"


def test_a_comment_without_acknowledgement_keeps_the_window_open(session: Session) -> None:
    plan = project_at(session, "assessment_recorded")
    lc.record_comment(
        session,
        plan.code,
        organization_actor(plan.winner),
        text="对满意度评分有异议",
        acknowledged=False,
    )

    with use_language("en"), pytest.raises(Refused, match="comment window is open"):
        lc.finalize_assessment(session, plan.code, ASSESSOR)


def test_finalizing_is_allowed_once_the_organization_acknowledged(session: Session) -> None:
    plan = project_at(session, "assessment_recorded")
    lc.record_comment(
        session, plan.code, organization_actor(plan.winner), text="无异议", acknowledged=True
    )

    assert lc.finalize_assessment(session, plan.code, ASSESSOR).to_state == "assessed"


def test_finalizing_is_allowed_after_the_fourteen_day_window(session: Session) -> None:
    plan = project_at(session, "assessment_recorded")

    with use_language("en"), pytest.raises(Refused, match="comment window is open"):
        lc.finalize_assessment(session, plan.code, ASSESSOR, at=days_after(13))
    result = lc.finalize_assessment(session, plan.code, ASSESSOR, at=days_after(15))

    assert result.to_state == "assessed"


def test_a_comment_needs_an_assessment_sheet_first(session: Session) -> None:
    plan = project_at(session, "assessing")

    with (
        use_language("en"),
        pytest.raises(Refused, match="SM-2019-001 has no assessment sheet recorded yet"),
    ):
        lc.record_comment(
            session, plan.code, organization_actor(plan.winner), text="无异议", acknowledged=True
        )


def test_renewal_is_refused_for_a_pass_grade_saying_what_the_policy_says(session: Session) -> None:
    plan = project_at(session, "assessed", Plan(assessment=ASSESSMENT_PASS))

    with pytest.raises(Refused) as refused:
        lc.renew(session, plan.code, OFFICER)

    assert str(refused.value).startswith("不能办理「续约」：续约政策的结论是整改，而不是续约：")
    assert str(refused.value).endswith("考核等级合格（70.00 分）：按续约政策整改")  # the policy's
    with use_language("en"), pytest.raises(Refused) as in_english:
        lc.renew(session, plan.code, OFFICER)
    assert str(in_english.value) == (
        "Renew refused: the renewal policy says rectify, not renew: "
        "Graded Pass (70.00): the policy requires rectification"
    )
    assert state_of(session, plan.code) == "assessed"


def test_dropping_a_good_project_is_refused(session: Session) -> None:
    plan = project_at(session, "assessed", Plan(assessment=ASSESSMENT_GOOD))

    with pytest.raises(Refused) as refused:
        lc.drop(session, plan.code, OFFICER, reason="不想续了")

    assert str(refused.value).startswith(
        "不能办理「不再合作」：续约政策的结论是续约，而不是不再合作："
    )
    assert "85.00" in str(refused.value)


def test_rectification_is_refused_for_a_failing_project(session: Session) -> None:
    plan = project_at(session, "assessed", Plan(assessment=ASSESSMENT_FAIL))

    with pytest.raises(
        Refused, match="^不能办理「要求整改」：续约政策的结论是不再合作，而不是整改："
    ):
        lc.require_rectification(session, plan.code, OFFICER)


def test_a_veto_item_drops_whatever_the_score(session: Session) -> None:
    plan = project_at(
        session, "assessed", Plan(assessment=ASSESSMENT_EXCELLENT, veto=["misuse_of_funds"])
    )
    project = queries.project_by_code(session, plan.code)
    assessment = queries.final_assessment(session, project)
    assert assessment is not None
    assert (str(assessment.total), assessment.grade) == ("93.00", "fail")

    with pytest.raises(Refused) as refused:
        lc.renew(session, plan.code, OFFICER)
    assert str(refused.value).startswith("不能办理「续约」：续约政策的结论是不再合作，而不是续约：")
    assert "挪用资金" in str(refused.value)  # the veto item the policy's reason names
    assert lc.decide(session, plan.code, OFFICER).to_state == "dropped"


def test_the_comment_window_closes_fourteen_days_after_the_recorded_moment(
    engine: Engine, session: Session
) -> None:
    recorded = datetime(2019, 12, 2, 9, 0, tzinfo=BEIJING)
    plan = project_at(session, "assessment_recorded", Plan(assessed_at=recorded))
    session.close()

    with new_session(engine) as later_session:  # another day, another process
        result = lc.finalize_assessment(
            later_session,
            plan.code,
            ASSESSOR,
            at=(recorded + timedelta(days=14, hours=1)).astimezone(UTC),
        )

    assert result.to_state == "assessed"
