"""Rules for scoring one sheet: judged, price, attainment and satisfaction criteria, n/a.

Refusals name the criterion by its name, never its code; they are asserted in English (the
language a rule's wording is written in) and, for a few, in Chinese."""

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from procure.domain.errors import InvalidInput
from procure.domain.language import use_language
from procure.domain.scorecard import (
    Criterion,
    PriceContext,
    Scorecard,
    load_scorecard,
    price_points,
)

SCORECARDS = Path(__file__).resolve().parents[2] / "workflows" / "scorecards"
PRICES = PriceContext(lowest=Decimal("80000"), price=Decimal("80000"))


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with use_language("en"):
        yield


@pytest.fixture
def review() -> Scorecard:
    return load_scorecard(SCORECARDS / "review.yaml")


@pytest.fixture
def assessment() -> Scorecard:
    return load_scorecard(SCORECARDS / "assessment.yaml")


def review_full_marks() -> dict[str, Any]:
    """Every judged review criterion at its maximum (price is computed)."""
    return {
        "needs_analysis": "10",
        "service_plan": "20",
        "outputs_outcomes": "10",
        "management_risk": "10",
        "team": "10",
        "past_performance": "10",
        "budget_reasonableness": "10",
    }


def assessment_full_marks() -> dict[str, Any]:
    return {
        "project_management": "20",
        "financial_management": "15",
        "output_activities": {"planned": 12, "actual": 12},
        "output_person_times": {"planned": "1000", "actual": "1000"},
        "outcomes": "20",
        "satisfaction": {"respondents": 50, "satisfied": 50},
        "impact_capacity": "5",
    }


def attainment(card: Scorecard, planned: object, actual: object) -> Decimal | None:
    raw = {**assessment_full_marks(), "output_activities": {"planned": planned, "actual": actual}}
    return card.score_sheet(raw).points["output_activities"]


def satisfaction(card: Scorecard, respondents: object, satisfied: object) -> Decimal | None:
    raw = {
        **assessment_full_marks(),
        "satisfaction": {"respondents": respondents, "satisfied": satisfied},
    }
    return card.score_sheet(raw).points["satisfaction"]


# --- a whole sheet ------------------------------------------------------------------------


def test_a_full_review_sheet_totals_100(review: Scorecard) -> None:
    sheet = review.score_sheet(review_full_marks(), prices=PRICES)

    assert sheet.total == Decimal("100.00")
    assert sheet.raw_total == Decimal(100)
    assert sheet.applicable_weight == Decimal(100)
    assert list(sheet.points) == [c.code for c in review.criteria]


def test_price_points_come_from_the_prices(review: Scorecard) -> None:
    prices = PriceContext(lowest=Decimal("80000"), price=Decimal("100000"))
    sheet = review.score_sheet(review_full_marks(), prices=prices)

    assert sheet.points["price"] == Decimal("16.00")
    assert sheet.inputs["price"] == {"lowest": "80000", "price": "100000"}
    assert sheet.total == Decimal("96.00")


def test_a_price_given_by_a_person_is_refused(review: Scorecard) -> None:
    with pytest.raises(InvalidInput, match=r"^Price is computed from the quoted prices"):
        review.score_sheet({**review_full_marks(), "price": "20"}, prices=PRICES)


def test_a_price_criterion_without_prices_is_refused(review: Scorecard) -> None:
    with pytest.raises(InvalidInput, match=r"^Price needs the lowest valid price"):
        review.score_sheet(review_full_marks())


def test_inputs_are_normalized_to_text(assessment: Scorecard) -> None:
    raw = {**assessment_full_marks(), "outcomes": Decimal("17.5"), "impact_capacity": "N/A"}
    sheet = assessment.score_sheet(raw)

    assert sheet.inputs["outcomes"] == "17.5"
    assert sheet.inputs["impact_capacity"] == "n/a"
    assert sheet.inputs["output_activities"] == {"planned": "12", "actual": "12"}
    assert sheet.inputs["satisfaction"] == {"respondents": "50", "satisfied": "50"}


def test_judged_points_are_kept_as_given_and_only_the_total_is_rounded(
    assessment: Scorecard,
) -> None:
    raw = {**assessment_full_marks(), "outcomes": "17.125", "financial_management": "12.88"}
    sheet = assessment.score_sheet(raw)

    assert sheet.points["outcomes"] == Decimal("17.125")
    assert sheet.raw_total == Decimal("95.005")
    assert sheet.total == Decimal("95.01")


# --- errors name the criterion and nothing is clamped -------------------------------------


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("service_plan", "20.01", "The score 20.01 for Service plan exceeds its maximum 20"),
        ("team", "-0.5", "The score -0.5 for Team must not be negative"),
        ("team", 7.5, r"The score for Team 7.5 is a binary fraction; give it as text or a Decimal"),
        ("team", True, "The score for Team True is not a number"),
        ("team", "seven", "The score for Team 'seven' is not a number"),
        ("team", "n/a", r"^Team cannot be answered not applicable"),
        ("team", "不适用", r"^Team cannot be answered not applicable"),
    ],
)
def test_a_bad_score_is_refused_naming_the_criterion(
    review: Scorecard, code: str, value: object, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        review.score_sheet({**review_full_marks(), code: value}, prices=PRICES)


def test_an_unknown_criterion_is_refused(review: Scorecard) -> None:
    with pytest.raises(InvalidInput, match="A score was given for an unknown criterion charm"):
        review.score_sheet({**review_full_marks(), "charm": "5"}, prices=PRICES)


def test_a_missing_criterion_is_refused(review: Scorecard) -> None:
    raw = review_full_marks()
    del raw["team"]
    with pytest.raises(InvalidInput, match=r"No score for the criterion Team$"):
        review.score_sheet(raw, prices=PRICES)


# --- not applicable: the remaining weights are rescaled to 100 -----------------------------


@pytest.mark.parametrize("answer", ["n/a", "N/A", " n/a ", "不适用"])
def test_a_not_applicable_criterion_at_full_marks_elsewhere_still_totals_100(
    review: Scorecard, answer: str
) -> None:
    sheet = review.score_sheet({**review_full_marks(), "past_performance": answer}, prices=PRICES)

    assert sheet.points["past_performance"] is None
    assert sheet.applicable_weight == Decimal(90)
    assert sheet.raw_total == Decimal(90)
    assert sheet.total == Decimal("100.00")


def test_the_rescaled_total_is_points_times_100_over_applicable_weight(
    assessment: Scorecard,
) -> None:
    raw = {**assessment_full_marks(), "impact_capacity": "n/a", "outcomes": "0.99"}
    sheet = assessment.score_sheet(raw)

    assert sheet.applicable_weight == Decimal(95)
    assert sheet.raw_total == Decimal("75.99")
    assert sheet.total == Decimal("79.99")  # 75.99 × 100 ÷ 95 = 79.989…


def test_a_sheet_with_every_criterion_not_applicable_is_refused() -> None:
    card = Scorecard(
        "tiny",
        1,
        "小",
        (
            Criterion("a", "甲", "A", Decimal(50), "judged", allow_na=True),
            Criterion("b", "乙", "B", Decimal(50), "judged", allow_na=True),
        ),
        None,
        (),
    )
    assert card.score_sheet({"a": "n/a", "b": "40"}).total == Decimal("80.00")
    with pytest.raises(InvalidInput, match="Every criterion of the scorecard 小 is not applicable"):
        card.score_sheet({"a": "n/a", "b": "n/a"})


# --- attainment: actual ÷ planned into bands ----------------------------------------------


@pytest.mark.parametrize(
    ("planned", "actual", "points"),
    [
        (10000, 12000, "10.00"),
        (10000, 10000, "10.00"),
        (10000, 9999, "6.67"),
        (10000, 8000, "6.67"),
        (10000, 7999, "3.33"),
        (10000, 6000, "3.33"),
        (10000, 5999, "0.00"),
        (10000, 0, "0.00"),
    ],
)
def test_attainment_bands_start_at_100_80_and_60_percent(
    assessment: Scorecard, planned: int, actual: int, points: str
) -> None:
    assert attainment(assessment, planned, actual) == Decimal(points)


def test_attainment_shares_are_exact_fractions_of_the_weight(assessment: Scorecard) -> None:
    raw = {**assessment_full_marks(), "output_person_times": {"planned": 100, "actual": 85}}
    assert assessment.score_sheet(raw).points["output_person_times"] == Decimal("10.00")
    raw["output_person_times"] = {"planned": 100, "actual": 65}
    assert assessment.score_sheet(raw).points["output_person_times"] == Decimal("5.00")


def test_attainment_accepts_whole_numbers_as_text_or_decimal(assessment: Scorecard) -> None:
    assert attainment(assessment, " 10 ", Decimal("8.0")) == Decimal("6.67")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"planned": 0, "actual": 5}, "planned number for Service activities held must be greater"),
        (
            {"planned": -3, "actual": 5},
            "planned number for Service activities held must be greater",
        ),
        (
            {"planned": 10, "actual": -1},
            "actual number for Service activities held must not be neg",
        ),
        (
            {"planned": 10, "actual": "8.5"},
            "actual number for Service activities held '8.5' must be",
        ),
        ({"planned": 10, "actual": Decimal("8.5")}, "must be a whole number"),
        (
            {"planned": 10.0, "actual": 8},
            "planned number for Service activities held 10.0 is a bin",
        ),
        (
            {"planned": 10},
            "^Service activities held needs exactly the planned and the actual number",
        ),
        (
            {"planned": 10, "actual": 8, "extra": 1},
            "needs exactly the planned and the actual number",
        ),
        ("8", "^Service activities held needs exactly the planned and the actual number$"),
        ("n/a", "^Service activities held cannot be answered not applicable"),
    ],
)
def test_bad_attainment_facts_are_refused_naming_the_criterion(
    assessment: Scorecard, value: object, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        assessment.score_sheet({**assessment_full_marks(), "output_activities": value})


# --- satisfaction: weight × satisfied ÷ respondents ---------------------------------------


@pytest.mark.parametrize(
    ("respondents", "satisfied", "points"),
    [
        (50, 50, "15.00"),
        (50, 45, "13.50"),
        (3, 2, "10.00"),
        (7, 1, "2.14"),
        (200, 1, "0.08"),  # 0.075 rounds half up
        (50, 0, "0.00"),
    ],
)
def test_satisfaction_points_are_the_weight_times_the_satisfied_share(
    assessment: Scorecard, respondents: int, satisfied: int, points: str
) -> None:
    assert satisfaction(assessment, respondents, satisfied) == Decimal(points)


@pytest.mark.parametrize(
    ("respondents", "satisfied", "message"),
    [
        (0, 0, "respondents for Beneficiary satisfaction must be greater than zero"),
        (
            50,
            51,
            "satisfied for Beneficiary satisfaction must lie between 0 and the 50 respondents",
        ),
        (50, -1, "satisfied for Beneficiary satisfaction must lie between 0"),
        (50.0, 45, "respondents for Beneficiary satisfaction 50.0 is a binary fraction"),
    ],
)
def test_bad_satisfaction_facts_are_refused(
    assessment: Scorecard, respondents: object, satisfied: object, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        satisfaction(assessment, respondents, satisfied)


# --- the old way: a complete sheet of plain numbers ---------------------------------------


def test_total_still_adds_a_plain_sheet_of_numbers(review: Scorecard) -> None:
    assert review.total({**review_full_marks(), "price": Decimal("16.00")}) == Decimal("96.00")


# --- price points (财政部令第87号) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("lowest", "price", "points"),
    [
        ("80000", "80000", "20.00"),
        ("80000", "100000", "16.00"),
        ("1", "3", "6.67"),
        ("2", "3", "13.33"),
        ("3599999.99", "3600000", "20.00"),
    ],
)
def test_price_points_are_lowest_over_price_times_weight(
    lowest: str, price: str, points: str
) -> None:
    assert price_points(Decimal(lowest), Decimal(price), Decimal(20)) == Decimal(points)


@pytest.mark.parametrize(
    ("lowest", "price", "message"),
    [
        ("0", "100", "^The lowest valid price must be greater than zero"),
        ("100", "0", "^The price must be greater than zero, got 0"),
        ("100", "-5", "^The price must be greater than zero"),
        ("120", "100", "The lowest valid price 120 is higher than the price scored 100"),
    ],
)
def test_price_points_refuse_impossible_prices(lowest: str, price: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        price_points(Decimal(lowest), Decimal(price), Decimal(20))


def test_price_points_refuse_floats() -> None:
    with pytest.raises(InvalidInput, match="is a binary fraction"):
        price_points(Decimal(1), 2.0, Decimal(20))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("service_plan", "20.01", "服务方案的得分 20.01 超过满分 20"),
        ("team", "n/a", "^团队配置不能填“不适用”$"),
        ("team", "seven", "团队配置的得分 'seven' 不是数字"),
    ],
)
def test_a_refusal_names_the_criterion_in_chinese_by_default(
    review: Scorecard, code: str, value: object, message: str
) -> None:
    with use_language("zh_CN"), pytest.raises(InvalidInput, match=message):
        review.score_sheet({**review_full_marks(), code: value}, prices=PRICES)


def test_a_missing_criterion_is_named_in_chinese_by_default(review: Scorecard) -> None:
    raw = review_full_marks()
    del raw["team"], raw["needs_analysis"]
    with (
        use_language("zh_CN"),
        pytest.raises(InvalidInput, match="^以下评分项未评分：需求分析、团队配置$"),
    ):
        review.score_sheet(raw, prices=PRICES)
