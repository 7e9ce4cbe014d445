"""Assessments with two assessors (issue 10): the organization's comment is dated within its
window, which counts from the LAST assessor's sheet, never before the sheet it answers and
never in the future; a vetoed sheet is 不合格 whatever its score, beside the other sheet."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session

from procure.domain.errors import Refused
from procure.services.lifecycle import fire as lc
from procure.services.scoring.sheets import assessment_view
from procure.store import queries
from procure.workflow.scoring_guards import CHINA
from tests.integration.builders import (
    ASSESSMENT_GOOD,
    ASSESSOR,
    NARRATIVES,
    QIHANG,
    Actor,
    Plan,
    organization_actor,
    project_at,
)

FIRST = datetime(2019, 12, 2, 9, 0, tzinfo=CHINA)  # 刘建国's sheet
SECOND = FIRST + timedelta(days=5)  # 陈敏's sheet, five days later
SECOND_ASSESSOR = Actor("陈敏", "assessor")  # registered by the builders


def two_sheets(session: Session) -> str:
    plan = project_at(session, "assessment_recorded", Plan(assessed_at=FIRST))
    lc.record_assessment(
        session,
        plan.code,
        SECOND_ASSESSOR,
        scores=ASSESSMENT_GOOD,
        narratives=NARRATIVES,
        at=SECOND.astimezone(UTC),
    )
    return plan.code


def comment(session: Session, code: str, on: date, at: datetime) -> None:
    facts = {"text": "对满意度评分有异议", "commented_on": on.isoformat()}
    organization = organization_actor(QIHANG)  # the winner's own account
    lc.advance(session, code, "record_comment", organization, params=facts, at=at.astimezone(UTC))


def test_the_window_counts_from_the_last_assessors_sheet(session: Session) -> None:
    code = two_sheets(session)
    day = (FIRST + timedelta(days=17)).date()  # 17 days after the first, 12 after the last

    comment(session, code, day, FIRST + timedelta(days=17))

    project = queries.project_by_code(session, code)
    assert [c.text for c in queries.comments_of(session, project)] == ["对满意度评分有异议"]


def test_a_comment_after_the_window_of_the_last_sheet_is_refused(session: Session) -> None:
    code = two_sheets(session)
    late = (SECOND + timedelta(days=15)).date()

    with pytest.raises(Refused, match=f"意见期已于 {SECOND.date() + timedelta(14)} 结束"):
        comment(session, code, late, SECOND + timedelta(days=15))


def test_finalizing_waits_for_the_window_of_the_last_sheet(session: Session) -> None:
    code = two_sheets(session)

    with pytest.raises(Refused, match="意见期至 2019-12-21 截止"):
        lc.finalize_assessment(session, code, ASSESSOR, at=(FIRST + timedelta(days=15)))

    later = SECOND + timedelta(days=14, hours=1)
    assert lc.finalize_assessment(session, code, ASSESSOR, at=later).to_state == "assessed"


@pytest.mark.parametrize("days_before", [1, 4, 30])
def test_a_comment_dated_before_the_sheet_it_answers_is_refused(
    session: Session, days_before: int
) -> None:
    code = two_sheets(session)
    early = SECOND.date() - timedelta(days=days_before)

    with pytest.raises(Refused, match="早于其所回应的最后一份考核评分表"):
        comment(session, code, early, SECOND + timedelta(days=1))


@pytest.mark.parametrize("days_ahead", [1, 3, 10])
def test_a_comment_dated_in_the_future_is_refused(session: Session, days_ahead: int) -> None:
    code = two_sheets(session)
    now = SECOND + timedelta(days=1)

    with pytest.raises(Refused, match="晚于今天"):
        comment(session, code, now.date() + timedelta(days=days_ahead), now)


def test_the_day_is_the_day_in_china_not_in_utc(session: Session) -> None:
    code = two_sheets(session)
    just_after_midnight = datetime(2019, 12, 8, 0, 30, tzinfo=CHINA)  # 12-07 16:30 UTC

    comment(session, code, just_after_midnight.date(), just_after_midnight)


def test_a_vetoed_sheet_is_graded_fail_beside_a_sheet_graded_by_its_score(
    session: Session,
) -> None:
    plan = project_at(
        session, "assessment_recorded", Plan(assessed_at=FIRST, veto=["misuse_of_funds"])
    )
    lc.record_assessment(
        session,
        plan.code,
        SECOND_ASSESSOR,
        scores=ASSESSMENT_GOOD,
        narratives=NARRATIVES,
        at=SECOND.astimezone(UTC),
    )

    view = assessment_view(session, plan.code)

    assert [(s["assessor"], s["grade_zh"], s["veto"]) for s in view["sheets"]] == [
        (ASSESSOR.name, "不合格", ["misuse_of_funds"]),
        (SECOND_ASSESSOR.name, "良好", []),
    ]
    assert view["result"]["grade_zh"] == "不合格"
