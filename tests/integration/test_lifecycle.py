"""A project's whole lifecycle through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlmodel import Session, select

from procure.domain.errors import Refused
from procure.services.browse import project_view as views
from procure.services.lifecycle import fire as lc
from procure.store import queries
from procure.store.audit import verify_chain
from procure.store.models import Bar, Organization, Project
from tests.integration.builders import (
    ASSESSMENT_EXCELLENT,
    ASSESSMENT_FAIL,
    ASSESSMENT_PASS,
    LEADER,
    OFFICER,
    QIHANG,
    REVIEWERS,
    SUPERVISOR,
    Plan,
    create_project,
    drive,
    project_at,
)


def state_of(session: Session, code: str) -> str:
    return queries.project_by_code(session, code).state


def test_a_well_assessed_project_goes_through_every_stage_to_renewed(session: Session) -> None:
    plan = project_at(session, "assessed", named=True)
    detail = views.project_detail(session, plan.code)
    assert detail["state"] == "assessed"
    assert [p["uscc"] for p in detail["proposals"]] == list(plan.proposals)
    assert detail["proposals"][0]["panel_score"] == Decimal("85.00")
    assert detail["contract"]["number"] == plan.contract_number
    assert detail["contract"]["amount"] == Decimal("868000.00")
    assert [p["amount"] for p in detail["contract"]["payments"]] == [Decimal("400000.00")]
    assert detail["assessment"]["total"] == Decimal("85.00")
    assert detail["assessment"]["grade_zh"] == "良好"
    assert detail["assessment"]["final"] is True

    result = lc.renew(session, plan.code, OFFICER)

    assert (result.from_state, result.to_state) == ("assessed", "renewed")
    assert state_of(session, plan.code) == "renewed"
    assert session.exec(select(Bar)).all() == []
    assert verify_chain(session).ok


def test_decide_renews_an_excellent_project(session: Session) -> None:
    plan = project_at(session, "assessed", Plan(assessment=ASSESSMENT_EXCELLENT))

    result = lc.decide(session, plan.code, OFFICER)

    assert result.to_state == "renewed"
    history = views.project_history(session, plan.code)
    assert history[-1]["reason"] == "graded 优秀 (93.00): policy renews"


def test_a_passing_project_is_rectified_then_renewed_once_accepted(session: Session) -> None:
    plan = project_at(session, "assessed", Plan(assessment=ASSESSMENT_PASS), named=True)

    decided_at = datetime(2020, 1, 6, 2, 0, tzinfo=UTC)  # the rectification runs from 6 January
    assert lc.decide(session, plan.code, OFFICER, at=decided_at).to_state == "rectifying"
    lc.record_inspection(
        session,
        plan.code,
        SUPERVISOR,
        inspected_on="2020-01-10",
        findings="整改材料齐全",
        rectification_required=False,
    )
    lc.record_payment(session, plan.code, OFFICER, amount="100000.00", paid_on="2020-01-15")
    result = lc.accept_rectification(session, plan.code, OFFICER)

    assert (result.from_state, result.to_state) == ("rectifying", "renewed")
    assert session.exec(select(Bar)).all() == []


def test_a_rejected_rectification_drops_and_bars_the_organization(session: Session) -> None:
    plan = project_at(session, "assessed", Plan(assessment=ASSESSMENT_PASS))
    lc.require_rectification(session, plan.code, OFFICER)

    result = lc.drop(session, plan.code, OFFICER, reason="整改未通过验收")

    assert (result.from_state, result.to_state) == ("rectifying", "dropped")
    bar = session.exec(select(Bar)).one()
    assert bar.year == 2020


def test_a_failing_project_is_dropped_and_its_organization_barred_next_year(
    session: Session,
) -> None:
    plan = project_at(session, "assessed", Plan(assessment=ASSESSMENT_FAIL), named=True)

    result = lc.decide(session, plan.code, OFFICER)

    assert (result.from_state, result.to_state) == ("assessed", "dropped")
    bar = session.exec(select(Bar)).one()
    organization = session.get(Organization, bar.organization_id)
    project = queries.project_by_code(session, plan.code)
    assert organization is not None and organization.uscc == QIHANG
    assert (bar.year, bar.purchaser_id, bar.project_id) == (2020, project.purchaser_id, project.id)
    assert "dropped after SM-2019-001" in bar.reason
    assert "不合格" in bar.reason


def test_the_same_purchaser_refuses_to_award_next_year_to_a_dropped_organization(
    session: Session,
) -> None:
    project_at(session, "assessed", Plan(assessment=ASSESSMENT_FAIL))
    lc.decide(session, "SM-2019-001", OFFICER)
    next_year = create_project(session, Plan(code="SM-2020-001", year=2020))
    drive(session, next_year, "reviewed")

    with pytest.raises(Refused) as refused:
        lc.award(session, next_year.code, OFFICER, organization=QIHANG)

    message = str(refused.value)
    assert message.startswith("不能办理「确定中选组织」：厦门市思明区启航社会工作服务中心 不得承接")
    assert "该购买方 2020 年度的项目" in message
    assert "dropped after SM-2019-001" in message
    assert state_of(session, next_year.code) == "reviewing"


def test_a_bar_does_not_reach_beyond_the_next_year(session: Session) -> None:
    project_at(session, "assessed", Plan(assessment=ASSESSMENT_FAIL))
    lc.decide(session, "SM-2019-001", OFFICER)
    two_years_on = create_project(session, Plan(code="SM-2021-001", year=2021))
    drive(session, two_years_on, "reviewed")

    assert lc.award(session, two_years_on.code, OFFICER, organization=QIHANG).to_state == "awarded"


def test_the_other_organization_may_still_win_next_year(session: Session) -> None:
    project_at(session, "assessed", Plan(assessment=ASSESSMENT_FAIL))
    lc.decide(session, "SM-2019-001", OFFICER)
    next_year = drive(
        session,
        create_project(session, Plan(code="SM-2020-001", year=2020)),
        "reviewed",
    )
    other = list(next_year.proposals)[1]

    assert lc.award(session, next_year.code, OFFICER, organization=other).to_state == "awarded"


def test_a_leader_may_reject_a_proposed_project_with_a_reason(session: Session) -> None:
    plan = project_at(session, "proposed")

    result = lc.reject(session, plan.code, LEADER, reason="与其他项目重复")

    assert result.to_state == "rejected"
    assert views.project_history(session, plan.code)[-1]["reason"] == "与其他项目重复"


def test_rejecting_without_a_reason_is_refused(session: Session) -> None:
    plan = project_at(session, "proposed")

    with pytest.raises(Refused, match="^不能办理「不予立项」：须填写理由$"):
        lc.reject(session, plan.code, LEADER, reason="  ")


@pytest.mark.parametrize("stage", ["draft", "awarded"])
def test_a_project_can_be_cancelled_before_it_is_contracted(session: Session, stage: str) -> None:
    plan = project_at(session, stage)

    assert lc.cancel(session, plan.code, OFFICER, reason="经费调整").to_state == "cancelled"


def test_a_contracted_project_cannot_be_cancelled(session: Session) -> None:
    plan = project_at(session, "contracted")

    with pytest.raises(Refused, match="^不能办理「撤销项目」：项目当前为「已签约」状态"):
        lc.cancel(session, plan.code, OFFICER, reason="经费调整")


def test_the_project_row_version_counts_its_transitions(session: Session) -> None:
    plan = project_at(session, "awarded")

    project = session.exec(select(Project).where(Project.code == plan.code)).one()
    fired = [row for row in views.project_history(session, plan.code) if row["trigger"] != "create"]
    assert project.version == 1 + len(fired)
    assert len(fired) == 3 + len(plan.proposals) + 1 + len(REVIEWERS) * len(plan.proposals) + 1
