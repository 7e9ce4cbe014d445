"""The annual assessment: attainment bands, surveys, several assessors, veto, narratives and
the organization's 14-day comment window, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from procure.domain.errors import Refused
from procure.services.lifecycle import fire as lc
from procure.services.lifecycle.fire import now_utc
from procure.services.scoring.sheets import assessment_view, comment
from procure.store.models import Assessment, Project
from procure.workflow.context import Actor
from tests.integration.builders import (
    ASSESSMENT_EXCELLENT,
    ASSESSMENT_GOOD,
    ASSESSMENT_PASS,
    ASSESSOR,
    CODE,
    NARRATIVES,
    OFFICER,
    QIHANG,
    Plan,
    organization_actor,
    project_at,
    snapshot,
)

SECOND_ASSESSOR = Actor("陈敏", "assessor")


def points(view: dict[str, Any], assessor: str) -> dict[str, Decimal | None]:
    sheet = next(s for s in view["sheets"] if s["assessor"] == assessor)
    return {code: None if p is None else Decimal(p) for code, p in sheet["points"].items()}


def record(
    session: Session,
    scores: dict[str, object],
    *,
    by: Actor = ASSESSOR,
    at: datetime | None = None,
    narratives: dict[str, str] = NARRATIVES,
    veto: list[str] | None = None,
) -> None:
    options: dict[str, Any] = {"at": at} if at else {}
    lc.record_assessment(
        session, CODE, by, scores=scores, narratives=narratives, veto=veto, **options
    )


def state(session: Session) -> str:
    session.expire_all()
    return session.exec(select(Project.state).where(Project.code == CODE)).one()


# --------------------------------------------------------------------------- the points


def test_attainment_of_exactly_80_percent_earns_two_thirds_and_just_below_one_third(
    session: Session,
) -> None:
    project_at(session, "assessing")
    at_80 = {
        **ASSESSMENT_GOOD,
        "output_activities": {"planned": 60, "actual": 48},
        "output_person_times": {"planned": 1000, "actual": 800},
    }
    just_below = {**ASSESSMENT_GOOD, "output_person_times": {"planned": 1000, "actual": 799}}

    record(session, at_80)
    record(session, just_below, by=SECOND_ASSESSOR)

    view = assessment_view(session, CODE)
    first = points(view, ASSESSOR.name)
    assert first["output_activities"] == Decimal("6.67")  # 10 × 2/3, half up
    assert first["output_person_times"] == Decimal("10.00")  # 15 × 2/3
    assert view["sheets"][0]["total"] == Decimal("76.67")  # 17+13+6.67+10+17+9+4
    assert points(view, SECOND_ASSESSOR.name)["output_person_times"] == Decimal("5.00")


def test_satisfaction_earns_its_weight_times_the_satisfied_share_rounded_half_up(
    session: Session,
) -> None:
    project_at(session, "assessing")

    record(session, {**ASSESSMENT_GOOD, "satisfaction": {"respondents": 7, "satisfied": 5}})
    record(
        session,
        {**ASSESSMENT_GOOD, "satisfaction": {"respondents": 250, "satisfied": 241}},
        by=SECOND_ASSESSOR,
    )

    view = assessment_view(session, CODE)
    assert points(view, ASSESSOR.name)["satisfaction"] == Decimal("10.71")  # 15 × 5/7
    assert points(view, SECOND_ASSESSOR.name)["satisfaction"] == Decimal("14.46")  # 15 × 241/250


def test_two_assessors_sheets_combine_to_their_average(session: Session) -> None:
    project_at(session, "assessing")
    record(session, ASSESSMENT_EXCELLENT)  # 93
    record(session, ASSESSMENT_PASS, by=SECOND_ASSESSOR)  # 70

    result = assessment_view(session, CODE)["result"]
    assert result["total"] == Decimal("81.50")
    assert (result["grade"], result["grade_zh"]) == ("good", "良好")
    assert Decimal(result["points"]["project_management"]) == Decimal("16.50")
    assert Decimal(result["points"]["output_person_times"]) == Decimal("12.50")
    assert result["narratives"]["outcomes"] == (
        f"{ASSESSOR.name}: {NARRATIVES['outcomes']}\n"
        f"{SECOND_ASSESSOR.name}: {NARRATIVES['outcomes']}"
    )

    comment(session, CODE, "无异议", acknowledged=True, actor=organization_actor(QIHANG))
    lc.finalize_assessment(session, CODE, ASSESSOR)

    final = session.exec(select(Assessment).where(Assessment.final)).one()
    assert (final.total, final.grade) == (Decimal("81.50"), "good")
    assert final.assessor == f"{ASSESSOR.name}、{SECOND_ASSESSOR.name}"


def test_a_veto_makes_a_high_score_fail_and_the_decision_drops_the_organization(
    session: Session,
) -> None:
    plan = Plan(assessment=dict(ASSESSMENT_EXCELLENT), veto=["misuse_of_funds"])
    project_at(session, "assessed", plan)

    result = assessment_view(session, CODE)["result"]
    assert result["total"] == Decimal("93.00")
    assert (result["grade"], result["grade_zh"]) == ("fail", "不合格")
    assert result["veto"] == ["misuse_of_funds"]
    assert result["policy"]["action"] == "drop"

    decided = lc.decide(session, CODE, OFFICER)
    assert decided.to_state == "dropped"


# ---------------------------------------------------------------------------- the rules


def test_finalize_is_refused_while_a_dimension_has_no_narrative(
    session: Session, engine: Engine
) -> None:
    project_at(session, "assessing")
    without_outcomes = {k: v for k, v in NARRATIVES.items() if k != "outcomes"}
    record(session, ASSESSMENT_GOOD, narratives=without_outcomes)
    comment(session, CODE, "无异议", acknowledged=True, actor=organization_actor(QIHANG))
    before = snapshot(session, engine)

    with pytest.raises(Refused, match="^不能办理「确定考核结果」：以下维度尚无评语：服务成效$"):
        lc.finalize_assessment(session, CODE, ASSESSOR)

    assert snapshot(session, engine) == before
    assert state(session) == "assessing"


def test_an_assessor_records_only_one_sheet_per_project(session: Session, engine: Engine) -> None:
    project_at(session, "assessment_recorded")
    before = snapshot(session, engine)

    with pytest.raises(Refused, match=f"{ASSESSOR.name} 已为 {CODE} 录入考核评分表"):
        record(session, ASSESSMENT_EXCELLENT)

    assert snapshot(session, engine) == before


def test_a_comment_later_than_14_days_after_the_last_sheet_is_refused(
    session: Session, engine: Engine
) -> None:
    project_at(session, "assessing")
    recorded = now_utc() - timedelta(days=20)  # a comment is never dated in the future
    record(session, ASSESSMENT_GOOD, at=recorded)
    closes = (recorded + timedelta(days=14)).date()
    before = snapshot(session, engine)

    with pytest.raises(Refused, match=f"承接方 14 天的意见期已于 {closes.isoformat()} 结束"):
        comment(
            session,
            CODE,
            "我们不同意产出评分",
            acknowledged=False,
            actor=organization_actor(QIHANG),
            commented_on=closes + timedelta(days=1),
        )
    assert snapshot(session, engine) == before

    comment(
        session,
        CODE,
        "我们不同意产出评分",
        acknowledged=False,
        actor=organization_actor(QIHANG),
        commented_on=closes,
    )
    assert [c["commented_on"] for c in assessment_view(session, CODE)["comments"]] == [closes]


def test_finalize_inside_the_window_is_refused_unless_the_organization_acknowledged(
    session: Session,
) -> None:
    project_at(session, "assessing")
    recorded = now_utc()
    record(session, ASSESSMENT_GOOD, at=recorded)
    three_days_on = recorded + timedelta(days=3)

    with pytest.raises(Refused, match="承接方 14 天的意见期至 .* 截止，且承接方尚未确认无异议"):
        lc.finalize_assessment(session, CODE, ASSESSOR, at=three_days_on)
    comment(session, CODE, "对产出评分有异议", acknowledged=False, actor=organization_actor(QIHANG))
    with pytest.raises(Refused, match="且承接方尚未确认无异议"):
        lc.finalize_assessment(session, CODE, ASSESSOR, at=three_days_on)

    comment(session, CODE, "经沟通，无异议", acknowledged=True, actor=organization_actor(QIHANG))
    lc.finalize_assessment(session, CODE, ASSESSOR, at=three_days_on)
    assert state(session) == "assessed"


def test_finalize_after_the_window_is_allowed_without_a_comment(session: Session) -> None:
    project_at(session, "assessing")
    recorded = now_utc()
    record(session, ASSESSMENT_GOOD, at=recorded)

    lc.finalize_assessment(session, CODE, ASSESSOR, at=recorded + timedelta(days=14))

    assert state(session) == "assessed"
    final = session.exec(select(Assessment).where(Assessment.final)).one()
    assert (final.total, final.grade) == (Decimal("85.00"), "good")
