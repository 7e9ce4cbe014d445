"""Rules for combining assessors' sheets: average, points, veto, narratives and grade."""

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from procure.domain.assessment import AssessmentSheetFacts, combine_assessment
from procure.domain.errors import InvalidInput
from procure.domain.language import use_language
from procure.domain.scorecard import ScoredSheet, load_scorecard

CARD = load_scorecard(Path(__file__).resolve().parents[2] / "workflows/scorecards/assessment.yaml")
ALL_DIMENSIONS = ("management", "finance", "outputs", "outcomes", "satisfaction", "impact")


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Refusals are asserted in English, the language their rules are written in."""
    with use_language("en"):
        yield


def sheet(**changes: Any) -> ScoredSheet:
    raw: dict[str, Any] = {
        "project_management": "20",
        "financial_management": "15",
        "output_activities": {"planned": 10, "actual": 10},
        "output_person_times": {"planned": 100, "actual": 100},
        "outcomes": "20",
        "satisfaction": {"respondents": 10, "satisfied": 10},
        "impact_capacity": "5",
    }
    return CARD.score_sheet({**raw, **changes})


def facts(
    assessor: str,
    scored: ScoredSheet,
    veto: tuple[str, ...] = (),
    narratives: dict[str, str] | None = None,
) -> AssessmentSheetFacts:
    texts = {code: f"{code} ok" for code in ALL_DIMENSIONS} if narratives is None else narratives
    return AssessmentSheetFacts(assessor, scored, veto, texts)


def test_one_sheet_is_the_assessment() -> None:
    outcome = combine_assessment([facts("张三", sheet(outcomes="18"))], CARD)

    assert outcome.total == Decimal("98.00")
    assert outcome.points["outcomes"] == Decimal("18.00")
    assert outcome.grade.code == "excellent"
    assert outcome.narratives["outputs"] == "outputs ok"
    assert outcome.missing_narratives == ()


def test_the_total_is_the_plain_average_of_sheet_totals_rounded_half_up() -> None:
    sheets = [facts("甲", sheet(outcomes="19.99")), facts("乙", sheet(outcomes="0"))]
    outcome = combine_assessment(sheets, CARD)

    assert outcome.total == Decimal("90.00")  # (99.99 + 80) ÷ 2 = 89.995
    assert outcome.grade.code == "excellent"
    assert outcome.points["outcomes"] == Decimal("10.00")  # 9.995


def test_points_average_only_the_sheets_that_found_a_criterion_applicable() -> None:
    sheets = [facts("甲", sheet(impact_capacity="n/a")), facts("乙", sheet(impact_capacity="3"))]
    assert combine_assessment(sheets, CARD).points["impact_capacity"] == Decimal("3.00")

    both_na = [facts("甲", sheet(impact_capacity="n/a")), facts("乙", sheet(impact_capacity="N/A"))]
    assert combine_assessment(both_na, CARD).points["impact_capacity"] is None


def test_a_veto_over_a_98_score_gives_the_lowest_grade() -> None:
    outcome = combine_assessment([facts("张三", sheet(outcomes="18"), ("fraud",))], CARD)

    assert outcome.total == Decimal("98.00")
    assert (outcome.grade.code, outcome.grade.label_zh) == ("fail", "不合格")


def test_veto_items_are_the_sorted_union_of_every_sheet() -> None:
    sheets = [
        facts("甲", sheet(), ("misuse_of_funds", "fraud")),
        facts("乙", sheet(), ("fraud",)),
    ]
    assert combine_assessment(sheets, CARD).veto == ("fraud", "misuse_of_funds")


def test_narratives_of_several_sheets_are_joined_and_prefixed_by_assessor() -> None:
    sheets = [
        facts("甲", sheet(), narratives={"outputs": "场次达标", "finance": "  "}),
        facts("乙", sheet(), narratives={"outputs": " 人次略低 "}),
    ]
    outcome = combine_assessment(sheets, CARD)

    assert outcome.narratives == {"outputs": "甲: 场次达标\n乙: 人次略低"}
    assert outcome.missing_narratives == (
        "management",
        "finance",
        "outcomes",
        "satisfaction",
        "impact",
    )


def test_a_narrative_for_an_unknown_dimension_is_refused() -> None:
    with pytest.raises(
        InvalidInput, match="^The narrative of 甲 is for an unknown dimension output;"
    ):
        combine_assessment([facts("甲", sheet(), narratives={"output": "x"})], CARD)


def test_an_assessment_without_sheets_is_refused() -> None:
    with pytest.raises(InvalidInput, match="^An assessment needs at least one assessor's sheet"):
        combine_assessment([], CARD)


def test_a_sheet_of_another_scorecard_is_refused() -> None:
    other = ScoredSheet({"team": Decimal(5)}, {"team": "5"}, Decimal(10), Decimal(5), Decimal(50))
    with pytest.raises(
        InvalidInput,
        match=r"not scored on the scorecard Annual performance assessment scorecard \(version 2\)",
    ):
        combine_assessment([facts("甲", other)], CARD)


def test_a_sheet_read_back_with_its_points_in_another_order_is_accepted() -> None:
    scored = sheet(outcomes="18")
    reordered = ScoredSheet(
        dict(reversed(scored.points.items())),
        scored.inputs,
        scored.applicable_weight,
        scored.raw_total,
        scored.total,
    )
    outcome = combine_assessment([facts("甲", reordered)], CARD)

    assert list(outcome.points) == [c.code for c in CARD.criteria]
    assert outcome.total == Decimal("98.00")
