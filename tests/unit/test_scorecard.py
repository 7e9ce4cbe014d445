"""Rules for scorecards: loading the YAML, adding up a sheet, grading and price points."""

from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from procure.domain.errors import InvalidInput, NotFound
from procure.domain.language import use_language
from procure.domain.scorecard import PanelRules, Scorecard, load_scorecard

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"


REVIEW = WORKFLOWS / "scorecards" / "review.yaml"


ASSESSMENT = WORKFLOWS / "scorecards" / "assessment.yaml"


Writer = Callable[[Any], Path]


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Refusals are asserted in English, the language their rules are written in."""
    with use_language("en"):
        yield


@pytest.fixture
def review() -> Scorecard:
    return load_scorecard(REVIEW)


@pytest.fixture
def assessment() -> Scorecard:
    return load_scorecard(ASSESSMENT)


def base() -> dict[str, Any]:
    """A valid scorecard as plain data, to break one rule at a time."""
    return yaml.safe_load(ASSESSMENT.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def full_marks(card: Scorecard) -> dict[str, Decimal]:
    return {c.code: c.weight for c in card.criteria}


def test_review_scorecard_has_the_documented_weights(review: Scorecard) -> None:
    assert (review.name, review.version, review.title_zh) == ("review", 2, "评审评分表")
    assert {c.code: int(c.weight) for c in review.criteria} == {
        "price": 20,
        "needs_analysis": 10,
        "service_plan": 20,
        "outputs_outcomes": 10,
        "management_risk": 10,
        "team": 10,
        "past_performance": 10,
        "budget_reasonableness": 10,
    }
    assert review.criterion("price").kind == "price"
    assert review.criterion("service_plan").label_zh == "服务方案"
    assert review.pass_mark == Decimal(60)
    assert review.max_total == Decimal(100)


def test_only_past_performance_may_be_not_applicable_on_review(review: Scorecard) -> None:
    assert [c.code for c in review.criteria if c.allow_na] == ["past_performance"]


def test_review_scorecard_has_the_panel_rules(review: Scorecard) -> None:
    assert review.panel == PanelRules(quorum=3, trim_from=5, spread_flag_share=Decimal("0.20"))


def test_without_dimensions_each_criterion_is_its_own_dimension(review: Scorecard) -> None:
    assert [(d.code, d.criteria, d.weight) for d in review.dimensions][:2] == [
        ("price", ("price",), Decimal(20)),
        ("needs_analysis", ("needs_analysis",), Decimal(10)),
    ]
    assert review.dimension("team").label_zh == "团队配置"


def test_assessment_scorecard_has_the_documented_weights(assessment: Scorecard) -> None:
    assert (assessment.name, assessment.version, assessment.title_zh) == (
        "assessment",
        2,
        "绩效考核评分表",
    )
    assert [(c.code, c.kind, int(c.weight), c.dimension) for c in assessment.criteria] == [
        ("project_management", "judged", 20, "management"),
        ("financial_management", "judged", 15, "finance"),
        ("output_activities", "attainment", 10, "outputs"),
        ("output_person_times", "attainment", 15, "outputs"),
        ("outcomes", "judged", 20, "outcomes"),
        ("satisfaction", "satisfaction", 15, "satisfaction"),
        ("impact_capacity", "judged", 5, "impact"),
    ]
    assert assessment.criterion("output_activities").unit == "场"
    assert assessment.criterion("output_person_times").unit == "人次"
    assert [c.code for c in assessment.criteria if c.allow_na] == ["impact_capacity"]
    assert assessment.panel == PanelRules()


def test_assessment_dimensions_group_the_outputs(assessment: Scorecard) -> None:
    assert [(d.code, d.label_zh, int(d.weight)) for d in assessment.dimensions] == [
        ("management", "项目管理", 20),
        ("finance", "财务管理", 15),
        ("outputs", "服务产出", 25),
        ("outcomes", "服务成效", 20),
        ("satisfaction", "服务对象满意度", 15),
        ("impact", "社会影响与能力建设", 5),
    ]
    assert assessment.dimension("outputs").criteria == (
        "output_activities",
        "output_person_times",
    )


def test_both_scorecards_have_the_documented_grade_ranges(
    review: Scorecard, assessment: Scorecard
) -> None:
    for card in (review, assessment):
        assert [(g.code, g.label_zh, int(g.minimum), int(g.maximum)) for g in card.grades] == [
            ("excellent", "优秀", 90, 100),
            ("good", "良好", 80, 90),
            ("pass", "合格", 60, 80),
            ("fail", "不合格", 0, 60),
        ]


def test_unknown_criterion_lookup_is_not_found(review: Scorecard) -> None:
    with pytest.raises(
        NotFound, match=r"Proposal review scorecard \(version 2\) has no criterion pricing"
    ):
        review.criterion("pricing")


def test_unknown_dimension_lookup_is_not_found(assessment: Scorecard) -> None:
    with pytest.raises(
        NotFound, match=r"performance assessment scorecard \(version 2\) has no dimension output"
    ):
        assessment.dimension("output")


def test_total_adds_every_criterion(assessment: Scorecard) -> None:
    scores = {
        "project_management": Decimal("18.5"),
        "financial_management": Decimal("13"),
        "output_activities": Decimal("10"),
        "output_person_times": Decimal("12.25"),
        "outcomes": Decimal("17"),
        "satisfaction": Decimal("12.75"),
        "impact_capacity": Decimal("4"),
    }
    assert assessment.total(scores) == Decimal("87.50")
    assert assessment.total(full_marks(assessment)) == Decimal("100.00")


def test_a_missing_score_is_refused_naming_the_criterion(review: Scorecard) -> None:
    scores = full_marks(review)
    del scores["service_plan"]
    with pytest.raises(InvalidInput, match=r"^No score for the criterion Service plan$"):
        review.total(scores)


def test_several_missing_scores_are_all_named(review: Scorecard) -> None:
    with pytest.raises(InvalidInput, match=r"^No score for the criteria Price, Needs analysis, "):
        review.total({})
    with (
        use_language("zh_CN"),
        pytest.raises(InvalidInput, match="^以下评分项未评分：报价、需求分析、"),
    ):
        review.total({})


def test_a_score_for_an_unknown_criterion_is_refused(review: Scorecard) -> None:
    scores = {**full_marks(review), "charm": Decimal(5)}
    with pytest.raises(InvalidInput, match="unknown criterion charm"):
        review.total(scores)


def test_score_above_maximum_is_refused_not_clamped(review: Scorecard) -> None:
    scores = {**full_marks(review), "service_plan": Decimal(25)}
    with pytest.raises(InvalidInput, match="The score 25 for Service plan exceeds its maximum 20"):
        review.total(scores)


def test_a_score_at_its_maximum_is_accepted(review: Scorecard) -> None:
    assert review.parse_scores({**full_marks(review)})["service_plan"] == Decimal(20)


def test_a_negative_score_is_refused(review: Scorecard) -> None:
    with pytest.raises(InvalidInput, match="The score -1 for Team must not be negative"):
        review.total({**full_marks(review), "team": Decimal(-1)})


@pytest.mark.parametrize("value", [12.5, True, None])
def test_float_bool_and_missing_values_are_refused(review: Scorecard, value: object) -> None:
    with pytest.raises(
        InvalidInput, match="^The score for Service plan .* is (a binary fraction|not a number)"
    ):
        review.parse_scores({**full_marks(review), "service_plan": value})


@pytest.mark.parametrize("value", ["abc", "1e1", "NaN", ""])
def test_text_that_is_not_a_plain_number_is_refused(review: Scorecard, value: str) -> None:
    with pytest.raises(InvalidInput, match="The score for Service plan"):
        review.parse_scores({**full_marks(review), "service_plan": value})


def test_parse_scores_converts_text_and_int(review: Scorecard) -> None:
    raw: dict[str, object] = {**full_marks(review), "service_plan": " 17.5 ", "team": 8}
    parsed = review.parse_scores(raw)
    assert parsed["service_plan"] == Decimal("17.5")
    assert parsed["team"] == Decimal(8)
    assert list(parsed) == [c.code for c in review.criteria]


def test_a_draft_sheet_may_be_incomplete_but_still_checked(review: Scorecard) -> None:
    assert review.parse_scores({"team": "7"}, complete=False) == {"team": Decimal(7)}
    with pytest.raises(InvalidInput, match="exceeds its maximum 10"):
        review.parse_scores({"team": "11"}, complete=False)


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        ("0", "fail"),
        ("59.99", "fail"),
        ("59.994", "fail"),
        ("60.00", "pass"),
        ("79.99", "pass"),
        ("79.994", "pass"),
        ("80", "good"),
        ("89.99", "good"),
        ("90", "excellent"),
        ("99.999", "excellent"),
        ("100", "excellent"),
    ],
)
def test_grade_bands_include_their_minimum(assessment: Scorecard, total: str, grade: str) -> None:
    assert assessment.grade(Decimal(total)).code == grade


def test_grade_rounds_half_up_before_banding(assessment: Scorecard) -> None:
    band = assessment.grade(Decimal("79.995"))
    assert (band.code, band.label_zh) == ("good", "良好")
    assert assessment.grade(Decimal("59.995")).code == "pass"
    assert assessment.grade(Decimal("89.995")).code == "excellent"


def test_just_below_a_band_after_rounding_stays_in_the_band_below(assessment: Scorecard) -> None:
    assert assessment.grade(Decimal("89.994")).code == "good"
    assert assessment.grade(Decimal("90.00")).code == "excellent"


@pytest.mark.parametrize("total", ["100.01", "-0.01", "1000"])
def test_totals_outside_0_to_100_cannot_be_graded(assessment: Scorecard, total: str) -> None:
    with pytest.raises(InvalidInput, match="outside 0 to 100"):
        assessment.grade(Decimal(total))


def test_a_float_total_cannot_be_graded(assessment: Scorecard) -> None:
    with pytest.raises(InvalidInput, match="The total 80.0 is a binary fraction"):
        assessment.grade(80.0)  # type: ignore[arg-type]


@pytest.mark.parametrize(("total", "passes"), [("59.99", False), ("59.995", True), ("60", True)])
def test_pass_mark_is_inclusive_after_rounding(review: Scorecard, total: str, passes: bool) -> None:
    assert review.passes(Decimal(total)) is passes


def _break(data: dict[str, Any], dotted: str, value: Any) -> None:
    """Set (or with value ``...`` delete) the key at a path like ``criteria.2.kind``."""
    *parents, last = dotted.split(".")
    target: Any = data
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    key: Any = int(last) if last.isdigit() else last
    if value is ...:
        del target[key]
    else:
        target[key] = value
