"""Every guard refuses with the rule it enforces, in words a finance officer can act on."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest
from sqlmodel import Session

from procure.domain.errors import Refused
from procure.domain.language import use_language
from procure.services.lifecycle import fire as lc
from procure.store import queries
from tests.integration.builders import (
    LEADER,
    OFFICER,
    QIHANG,
    REVIEW_AT_PASS,
    REVIEW_BELOW_PASS,
    REVIEW_GOOD,
    REVIEWERS,
    TONGXIN,
    UNREGISTERED,
    Actor,
    Plan,
    create_project,
    drive,
    project_at,
    setup_registry,
)

QIHANG_NAME = "厦门市思明区启航社会工作服务中心"


ONE_PROPOSAL = {QIHANG: "868000.00"}


BEIJING = timezone(timedelta(hours=8), "CST")


def state_of(session: Session, code: str) -> str:
    return queries.project_by_code(session, code).state


def test_submitting_a_project_without_budget_is_refused(session: Session) -> None:
    setup_registry(session)
    plan = create_project(session, Plan(budget="0.00"))

    with pytest.raises(Refused) as refused:
        lc.submit(session, plan.code, OFFICER)

    assert str(refused.value) == "不能办理「提交立项申报」：预算 ¥0.00 须大于零"
    assert state_of(session, plan.code) == "draft"


def test_approval_is_refused_over_the_purchasers_remaining_funds(session: Session) -> None:
    project_at(session, "approved")  # 900,000.00 of 3,600,000.00 committed
    second = drive(
        session, create_project(session, Plan(code="SM-2019-002", budget="2700000.01")), "proposed"
    )

    with pytest.raises(Refused) as refused:
        lc.approve(session, second.code, LEADER)

    assert str(refused.value) == (
        "不能办理「批准立项」：预算 ¥2,700,000.01 超出厦门市思明区总工会 2019 年度剩余资金 "
        "¥2,700,000.00"
    )
    with use_language("en"), pytest.raises(Refused) as in_english:
        lc.approve(session, second.code, LEADER)
    assert str(in_english.value) == (
        "Approve refused: budget ¥2,700,000.01 exceeds what remains of "
        "厦门市思明区总工会's 2019 funds, ¥2,700,000.00"
    )
    assert state_of(session, second.code) == "proposed"


def test_approval_may_use_the_remaining_funds_to_the_last_fen(session: Session) -> None:
    project_at(session, "approved")
    second = drive(
        session, create_project(session, Plan(code="SM-2019-002", budget="2700000.00")), "proposed"
    )

    assert lc.approve(session, second.code, LEADER).to_state == "approved"


def test_a_cancelled_project_gives_its_budget_back(session: Session) -> None:
    first = project_at(session, "approved")
    lc.cancel(session, first.code, OFFICER, reason="合并到二号项目")
    second = drive(
        session, create_project(session, Plan(code="SM-2019-002", budget="3600000.00")), "proposed"
    )

    assert lc.approve(session, second.code, LEADER).to_state == "approved"


def test_another_years_budget_does_not_count_against_this_year(session: Session) -> None:
    project_at(session, "approved")
    next_year = Plan(code="SM-2020-001", year=2020, budget="3600000.00")
    drive(session, create_project(session, next_year), "proposed")

    assert lc.approve(session, next_year.code, LEADER).to_state == "approved"


def test_an_organization_may_propose_only_once(session: Session) -> None:
    plan = project_at(session, "soliciting")

    with pytest.raises(Refused) as refused:
        lc.add_proposal(session, plan.code, OFFICER, organization=QIHANG, price="800000.00")

    assert (
        str(refused.value)
        == f"不能办理「登记申报方案」：{QIHANG_NAME} 已就 SM-2019-001 提交申报方案"
    )


def test_a_price_over_the_budget_is_refused(session: Session) -> None:
    plan = project_at(session, "soliciting", Plan(proposals={}))

    with pytest.raises(Refused) as refused:
        lc.add_proposal(session, plan.code, OFFICER, organization=QIHANG, price="900000.01")

    assert str(refused.value) == "不能办理「登记申报方案」：报价 ¥900,000.01 超出预算 ¥900,000.00"
    with use_language("en"), pytest.raises(Refused) as in_english:
        lc.add_proposal(session, plan.code, OFFICER, organization=QIHANG, price="900000.01")
    assert str(in_english.value) == (
        "Register a proposal refused: quoted price ¥900,000.01 exceeds the budget ¥900,000.00"
    )


def test_a_proposal_from_an_unregistered_organization_is_refused(session: Session) -> None:
    plan = project_at(session, "soliciting")

    with pytest.raises(Refused) as refused:
        lc.add_proposal(session, plan.code, OFFICER, organization=UNREGISTERED, price="1.00")

    assert str(refused.value) == f"不能办理「登记申报方案」：社会组织 {UNREGISTERED} 未登记"


def test_closing_a_call_without_proposals_is_refused(session: Session) -> None:
    plan = project_at(session, "soliciting", Plan(proposals={}))

    with pytest.raises(Refused) as refused:
        lc.close_call(session, plan.code, OFFICER)

    assert str(refused.value) == "不能办理「截止征集并进入评审」：SM-2019-001 尚无可评审的申报方案"
    with use_language("en"), pytest.raises(Refused, match="SM-2019-001 has no proposal to review$"):
        lc.close_call(session, plan.code, OFFICER)
    assert state_of(session, plan.code) == "soliciting"


def test_a_reviewer_may_score_a_proposal_only_once(session: Session) -> None:
    plan = project_at(session, "reviewed")

    with pytest.raises(Refused) as refused:
        lc.record_review(session, plan.code, REVIEWERS[0], organization=QIHANG, scores=REVIEW_GOOD)

    assert str(refused.value) == f"不能办理「录入评审评分」：陈建华 已为{QIHANG_NAME}的申报方案评分"


def test_a_review_of_an_organization_that_did_not_propose_is_refused(session: Session) -> None:
    plan = project_at(session, "reviewing", Plan(proposals=ONE_PROPOSAL))

    with pytest.raises(Refused, match=f"未就 {plan.code} 提交申报方案"):
        lc.record_review(session, plan.code, REVIEWERS[0], organization=TONGXIN, scores=REVIEW_GOOD)


def _review_with_a_conflict(session: Session, plan: Plan) -> None:
    for reviewer in REVIEWERS[:2]:
        lc.record_review(session, plan.code, reviewer, organization=QIHANG, scores=REVIEW_GOOD)
    lc.record_review(
        session,
        plan.code,
        Actor("郑回避", "reviewer"),
        organization=QIHANG,
        scores=REVIEW_GOOD,
        conflict=True,
    )


def test_award_needs_a_quorum_of_three_sheets_without_conflict(session: Session) -> None:
    plan = project_at(session, "reviewing", Plan(proposals=ONE_PROPOSAL))
    _review_with_a_conflict(session, plan)

    with pytest.raises(Refused) as refused:
        lc.award(session, plan.code, OFFICER, organization=QIHANG)

    assert str(refused.value) == (
        f"不能办理「确定中选组织」：{QIHANG_NAME} 的申报方案有效评分 2 份（1 人回避），"
        "法定人数为 3 份"
    )
    with use_language("en"), pytest.raises(Refused) as in_english:
        lc.award(session, plan.code, OFFICER, organization=QIHANG)
    assert str(in_english.value) == (
        f"Award refused: The proposal by {QIHANG_NAME} has 2 valid review sheets (1 recused); "
        "the quorum is 3"
    )
    assert state_of(session, plan.code) == "reviewing"


def test_award_is_allowed_once_a_third_sheet_without_conflict_arrives(session: Session) -> None:
    plan = project_at(session, "reviewing", Plan(proposals=ONE_PROPOSAL))
    _review_with_a_conflict(session, plan)
    lc.record_review(session, plan.code, REVIEWERS[2], organization=QIHANG, scores=REVIEW_GOOD)

    assert lc.award(session, plan.code, OFFICER, organization=QIHANG).to_state == "awarded"


def test_award_needs_the_quorum_on_every_proposal_not_only_the_winner(session: Session) -> None:
    plan = project_at(session, "reviewing")
    for reviewer in REVIEWERS:
        lc.record_review(session, plan.code, reviewer, organization=QIHANG, scores=REVIEW_GOOD)

    with pytest.raises(Refused, match="同心社会组织发展中心 的申报方案有效评分 0 份"):
        lc.award(session, plan.code, OFFICER, organization=QIHANG)


def test_award_is_refused_below_the_pass_mark(session: Session) -> None:
    plan = project_at(session, "reviewed", Plan(proposals=ONE_PROPOSAL, review=REVIEW_BELOW_PASS))

    with pytest.raises(Refused) as refused:
        lc.award(session, plan.code, OFFICER, organization=QIHANG)

    assert str(refused.value) == (
        f"不能办理「确定中选组织」：{QIHANG_NAME} 的申报方案得分 58.50，低于合格线 60.00"
    )
    with use_language("en"), pytest.raises(Refused) as in_english:
        lc.award(session, plan.code, OFFICER, organization=QIHANG)
    assert str(in_english.value) == (
        f"Award refused: The proposal by {QIHANG_NAME} scored 58.50, below the pass mark 60.00"
    )
    assert state_of(session, plan.code) == "reviewing"


def test_award_is_allowed_at_exactly_the_pass_mark(session: Session) -> None:
    plan = project_at(session, "reviewed", Plan(proposals=ONE_PROPOSAL, review=REVIEW_AT_PASS))

    assert lc.award(session, plan.code, OFFICER, organization=QIHANG).to_state == "awarded"


def test_award_to_an_organization_without_a_proposal_is_refused(session: Session) -> None:
    plan = project_at(session, "reviewed", Plan(proposals=ONE_PROPOSAL))

    with pytest.raises(Refused) as refused:
        lc.award(session, plan.code, OFFICER, organization=TONGXIN)

    assert str(refused.value) == (
        "不能办理「确定中选组织」：厦门市思明区同心社会组织发展中心 未就 SM-2019-001 提交申报方案"
    )
