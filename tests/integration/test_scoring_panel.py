"""The review panel: recusals, trimmed averages, spread flags, ranking, pass mark, n/a answers.

Every rule is exercised through the services a person uses (``record_review``,
``procure.services.scoring.sheets.recuse``, ``award``) and read back through
``procure.services.scoring.sheets.panel_view``, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from procure.domain.errors import InvalidInput, ProcureError, Refused
from procure.resources import resource_dir
from procure.services.lifecycle import fire as lc
from procure.services.scoring.sheets import panel_view, recuse
from procure.store.models import Recusal, Review, ScorecardVersion
from procure.workflow.context import Actor
from procure.workflow.rules import Rules, load_rules
from tests.integration.builders import (
    CODE,
    OFFICER,
    ORGANIZATIONS,
    QIHANG,
    REVIEW_AT_PASS,
    REVIEW_BELOW_PASS,
    REVIEW_GOOD,
    REVIEWERS,
    TONGXIN,
    Plan,
    project_at,
    snapshot,
)

CHEN, ZHOU, WU = REVIEWERS


CONFLICT = "曾为该机构的申报方案提供咨询意见"


PANEL_OF_FIVE = tuple(
    Actor(name, "reviewer") for name in ("陈建华", "周敏", "吴海峰", "林晓燕", "黄志明")
)


JUDGED_TOTALS: dict[str, dict[str, str | int]] = {
    "60": {**REVIEW_GOOD, "service_plan": 13},
    "65": dict(REVIEW_GOOD),
    "70": {**REVIEW_GOOD, "service_plan": 20, "past_performance": 8},
    "72.5": {
        **REVIEW_GOOD,
        "service_plan": 20,
        "past_performance": 10,
        "budget_reasonableness": "8.5",
    },
    "75": {
        **REVIEW_GOOD,
        "service_plan": 20,
        "past_performance": 10,
        "needs_analysis": 10,
        "team": 10,
        "budget_reasonableness": 9,
    },
}
"""Sheets whose judged points add up to the key (REVIEW_GOOD is 65)."""


def judged(total: str) -> dict[str, str | int]:
    scores = JUDGED_TOTALS[total]
    assert sum(Decimal(str(v)) for v in scores.values()) == Decimal(total)
    return dict(scores)


def proposal(view: Mapping[str, Any], uscc: str) -> dict[str, Any]:
    found: dict[str, Any] = next(p for p in view["proposals"] if p["uscc"] == uscc)
    return found


def sheet_of(view: Mapping[str, Any], uscc: str, reviewer: str) -> dict[str, Any]:
    found: dict[str, Any] = next(
        s for s in proposal(view, uscc)["sheets"] if s["reviewer"] == reviewer
    )
    return found


def score_all(session: Session, uscc: str, sheets: list[dict[str, str | int]]) -> None:
    for reviewer, scores in zip(PANEL_OF_FIVE, sheets, strict=False):
        lc.record_review(session, CODE, reviewer, organization=uscc, scores=scores)


def test_a_reviewer_who_declares_a_conflict_is_excluded_and_shown_recused_with_the_reason(
    session: Session,
) -> None:
    project_at(session, "reviewed")

    recuse(session, CODE, QIHANG, CHEN.name, CONFLICT, CHEN)

    view = panel_view(session, CODE)
    qihang = proposal(view, QIHANG)
    assert sheet_of(view, QIHANG, CHEN.name)["status"] == "recused"
    assert sheet_of(view, QIHANG, CHEN.name)["recusal_reason"] == CONFLICT
    assert qihang["valid_sheets"] == 2
    assert qihang["quorum_met"] is False and qihang["passes"] is False
    assert qihang["recusals"] == [
        {"reviewer": CHEN.name, "reason": CONFLICT, "recorded_by": CHEN.name}
    ]
    assert proposal(view, TONGXIN)["valid_sheets"] == 3, "the recusal is for one proposal only"


def test_award_is_refused_below_quorum_naming_the_recused_sheets(session: Session) -> None:
    project_at(session, "reviewed")
    recuse(session, CODE, QIHANG, CHEN.name, CONFLICT, CHEN)

    with pytest.raises(Refused) as refused:
        lc.award(session, CODE, OFFICER, organization=QIHANG)

    message = str(refused.value)
    assert f"{ORGANIZATIONS[QIHANG]} 的申报方案有效评分 2 份（1 人回避）" in message
    assert "法定人数为 3 份" in message


def test_an_officer_may_record_a_recusal_for_any_reviewer(session: Session) -> None:
    project_at(session, "reviewed")

    recuse(session, CODE, TONGXIN, ZHOU.name, CONFLICT, OFFICER)

    row = session.exec(select(Recusal)).one()
    assert (row.reviewer, row.recorded_by, row.recorded_role) == (
        ZHOU.name,
        OFFICER.name,
        "officer",
    )
    view = panel_view(session, CODE)
    assert sheet_of(view, TONGXIN, ZHOU.name)["status"] == "recused"
    assert proposal(view, TONGXIN)["recusals"][0]["recorded_by"] == OFFICER.name


def test_a_reviewer_cannot_recuse_another_reviewer_and_nothing_is_stored(
    session: Session, engine: Engine
) -> None:
    project_at(session, "reviewed")
    before = snapshot(session, engine)

    with pytest.raises(Refused, match=f"{CHEN.name} 只能声明本人的利益冲突"):
        recuse(session, CODE, QIHANG, ZHOU.name, CONFLICT, CHEN)

    assert snapshot(session, engine) == before


def test_recusing_the_same_reviewer_twice_is_refused_and_nothing_is_stored(
    session: Session, engine: Engine
) -> None:
    project_at(session, "reviewed")
    recuse(session, CODE, QIHANG, CHEN.name, CONFLICT, CHEN)
    before = snapshot(session, engine)

    with pytest.raises(Refused, match=f"{CHEN.name} 已回避该方案"):
        recuse(session, CODE, QIHANG, CHEN.name, "又一次", OFFICER)

    assert snapshot(session, engine) == before


def test_five_valid_sheets_drop_one_highest_and_one_lowest_and_average_the_other_three(
    session: Session,
) -> None:
    project_at(session, "reviewing", Plan(proposals={QIHANG: "868000.00"}))
    # The only (so lowest) price earns all 20 price points: totals 80, 85, 90, 92.5, 95.
    score_all(session, QIHANG, [judged(t) for t in ("60", "65", "70", "72.5", "75")])

    qihang = proposal(panel_view(session, CODE), QIHANG)

    assert qihang["trimmed"] is True and qihang["valid_sheets"] == 5
    assert qihang["score"] == Decimal("89.17")  # (85 + 90 + 92.5) / 3 = 89.1666…
    statuses = {s["reviewer"]: s["status"] for s in qihang["sheets"]}
    assert statuses == {
        "陈建华": "trimmed_low",
        "周敏": "counted",
        "吴海峰": "counted",
        "林晓燕": "counted",
        "黄志明": "trimmed_high",
    }


def test_four_valid_sheets_are_a_plain_average_rounded_half_up(session: Session) -> None:
    project_at(session, "reviewing", Plan(proposals={QIHANG: "868000.00"}))
    score_all(session, QIHANG, [judged(t) for t in ("60", "65", "70", "72.5")])

    qihang = proposal(panel_view(session, CODE), QIHANG)

    assert qihang["trimmed"] is False
    assert qihang["score"] == Decimal("86.88")  # 347.5 / 4 = 86.875, half up
    assert {s["status"] for s in qihang["sheets"]} == {"counted"}


def test_a_recused_fifth_sheet_leaves_four_and_no_trimming(session: Session) -> None:
    project_at(session, "reviewing", Plan(proposals={QIHANG: "868000.00"}))
    score_all(session, QIHANG, [judged(t) for t in ("60", "65", "70", "72.5", "75")])
    recuse(session, CODE, QIHANG, "黄志明", CONFLICT, OFFICER)

    qihang = proposal(panel_view(session, CODE), QIHANG)

    assert (qihang["valid_sheets"], qihang["trimmed"]) == (4, False)
    assert qihang["score"] == Decimal("86.88")


def test_a_criterion_is_flagged_when_the_spread_exceeds_a_fifth_of_its_points_not_at_it(
    session: Session,
) -> None:
    project_at(session, "reviewing", Plan(proposals={QIHANG: "868000.00"}))
    # service_plan (20 points, limit 4): 14 to 18, exactly 4 -> not flagged.
    # needs_analysis (10 points, limit 2): 6.5 to 9, 2.5 -> flagged.
    sheets: list[dict[str, str | int]] = [
        {**REVIEW_GOOD, "service_plan": 18, "needs_analysis": 9},
        {**REVIEW_GOOD, "service_plan": 14, "needs_analysis": "6.5"},
        {**REVIEW_GOOD, "service_plan": 16, "needs_analysis": 8},
    ]
    score_all(session, QIHANG, sheets)

    flags = proposal(panel_view(session, CODE), QIHANG)["flags"]

    assert [f["criterion"] for f in flags] == ["needs_analysis"]
    assert (flags[0]["low"], flags[0]["high"], flags[0]["spread"]) == (
        Decimal("6.5"),
        Decimal(9),
        Decimal("2.5"),
    )
    assert flags[0]["limit"] == Decimal(2)


def test_equal_scores_rank_the_lower_price_first_whatever_the_registration_order(
    session: Session,
) -> None:
    # TONGXIN registers first at the higher price: 800,000 / 880,000 × 20 = 18.18 points.
    plan = Plan(proposals={TONGXIN: "880000.00", QIHANG: "800000.00"})
    project_at(session, "reviewing", plan)
    score_all(session, QIHANG, [dict(REVIEW_GOOD)] * 3)  # 65 + 20.00 = 85.00
    tongxin_scores = {**REVIEW_GOOD, "service_plan": "19.82"}  # 66.82 + 18.18 = 85.00
    score_all(session, TONGXIN, [tongxin_scores] * 3)

    view = panel_view(session, CODE)

    assert [(p["uscc"], p["rank"], p["score"]) for p in view["proposals"]] == [
        (QIHANG, 1, Decimal("85.00")),
        (TONGXIN, 2, Decimal("85.00")),
    ]


def test_a_panel_score_of_exactly_60_passes_and_58_50_fails_and_cannot_be_awarded(
    session: Session,
) -> None:
    plan = Plan(proposals={QIHANG: "868000.00", TONGXIN: "868000.00"})
    project_at(session, "reviewing", plan)
    score_all(session, QIHANG, [dict(REVIEW_AT_PASS)] * 3)
    score_all(session, TONGXIN, [dict(REVIEW_BELOW_PASS)] * 3)

    view = panel_view(session, CODE)
    assert (proposal(view, QIHANG)["score"], proposal(view, QIHANG)["passes"]) == (
        Decimal("60.00"),
        True,
    )
    assert (proposal(view, TONGXIN)["score"], proposal(view, TONGXIN)["passes"]) == (
        Decimal("58.50"),
        False,
    )
    with pytest.raises(Refused, match="得分 58.50，低于合格线 60.00"):
        lc.award(session, CODE, OFFICER, organization=TONGXIN)
    lc.award(session, CODE, OFFICER, organization=QIHANG)


def test_past_performance_not_applicable_rescales_the_sheet_to_100(session: Session) -> None:
    project_at(session, "reviewing", Plan(proposals={QIHANG: "868000.00"}))
    scores = {**REVIEW_GOOD, "past_performance": "n/a"}  # 60 judged + 20 price over 90 points

    lc.record_review(session, CODE, CHEN, organization=QIHANG, scores=scores)

    review = session.exec(select(Review)).one()
    assert review.total == Decimal("88.89")  # 80 × 100 / 90 = 88.888…
    assert review.scores["past_performance"] is None
    assert review.inputs is not None and review.inputs["past_performance"] == "n/a"
    assert sheet_of(panel_view(session, CODE), QIHANG, CHEN.name)["total"] == Decimal("88.89")


def test_not_applicable_is_refused_for_a_criterion_that_does_not_allow_it(
    session: Session, engine: Engine
) -> None:
    project_at(session, "reviewing", Plan(proposals={QIHANG: "868000.00"}))
    before = snapshot(session, engine)

    with pytest.raises(InvalidInput) as refused:
        lc.record_review(
            session, CODE, CHEN, organization=QIHANG, scores={**REVIEW_GOOD, "team": "不适用"}
        )

    assert "团队配置不能填“不适用”" in str(refused.value)
    assert snapshot(session, engine) == before


def test_a_score_above_a_criterion_maximum_is_refused_not_clamped(session: Session) -> None:
    project_at(session, "reviewing", Plan(proposals={QIHANG: "868000.00"}))

    with pytest.raises(ProcureError, match="服务方案的得分 21 超过满分 20"):
        lc.record_review(
            session, CODE, CHEN, organization=QIHANG, scores={**REVIEW_GOOD, "service_plan": 21}
        )


LABEL_EDIT = ("label_zh: 团队配置,", "label_zh: 团队配置与分工,")


WEIGHT_SPLIT = (
    (
        "label_en: Needs analysis, weight: 10",
        "label_en: Needs analysis, weight: 15",
    ),
    ("label_en: Service plan, weight: 20", "label_en: Service plan, weight: 15"),
)


VERSION_BUMP = ("\nversion: 2\n", "\nversion: 3\n")


def edited_rules(tmp_path: Path, *edits: tuple[str, str]) -> Rules:
    """Rules loaded from a copy of workflows/ whose review scorecard has ``edits`` applied."""
    folder = tmp_path / "workflows"
    shutil.copytree(resource_dir("workflows"), folder)
    review = folder / "scorecards" / "review.yaml"
    content = review.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in content, old
        content = content.replace(old, new, 1)
    review.write_text(content, encoding="utf-8")
    return load_rules(folder)


def pinned(session: Session, name: str = "review") -> list[ScorecardVersion]:
    statement = select(ScorecardVersion).where(ScorecardVersion.name == name)
    return list(session.exec(statement.order_by(col(ScorecardVersion.version))))


def reviews(session: Session) -> list[Review]:
    return list(session.exec(select(Review).order_by(col(Review.id))))
