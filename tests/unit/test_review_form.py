"""A reviewer's form read into a sheet: each bad value named beside its own field, in Chinese."""

from __future__ import annotations

from decimal import Decimal

import pytest

from procure.services.lifecycle.project_actions import FormInvalid
from procure.services.scoring.review_forms import criterion_fields, sheet_from_form
from procure.workflow.rules import default_rules

CARD = default_rules().review
GOOD = {f"score-{c.code}": "5" for c in CARD.criteria if c.kind != "price"}


def _errors(**changes: str) -> dict[str, str]:
    with pytest.raises(FormInvalid) as refused:
        sheet_from_form(CARD, {**GOOD, **changes})
    return refused.value.errors


def test_a_good_form_gives_every_judged_criterion_and_no_price() -> None:
    scores = sheet_from_form(CARD, GOOD)
    assert "price" not in scores
    assert set(scores) == {c.code for c in CARD.criteria if c.kind == "judged"}


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("25", "超过满分 20 分"),
        ("-1", "不能为负数"),
        ("很好", "请填写数字"),
        ("1e1", "请填写数字"),
        ("NaN", "请填写数字"),
        ("١٥", "请填写数字"),  # Arabic-Indic digits: 0-9 only
        ("", "必填"),
    ],
)
def test_a_bad_score_is_named_beside_its_field_alone(value: str, said: str) -> None:
    errors = _errors(**{"score-service_plan": value})
    assert list(errors) == ["score-service_plan"]
    assert said in errors["score-service_plan"]


def test_not_applicable_only_where_the_scorecard_allows_it() -> None:
    assert sheet_from_form(CARD, {**GOOD, "na-past_performance": "1"})["past_performance"] == "n/a"
    assert "不能选“不适用”" in _errors(**{"na-team": "1"})["score-team"]
    assert "不能选“不适用”" in _errors(**{"score-team": "不适用"})["score-team"]


def test_a_price_typed_into_a_forged_form_is_refused() -> None:
    assert "自动计算" in _errors(**{"score-price": "20"})["score-price"]


def test_the_price_points_are_computed_from_the_lowest_quote() -> None:
    fields = {f.code: f for f in criterion_fields(CARD, Decimal(868000), Decimal(880000))}
    assert str(fields["price"].computed) == "19.73"
    assert fields["past_performance"].allow_na and not fields["team"].allow_na
    assert str(fields["service_plan"].maximum) == "20"
