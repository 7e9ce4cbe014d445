"""Rules for money: Decimal yuan with two places, display, and capitals (大写金额)."""

from collections.abc import Iterator
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from procure.domain.errors import InvalidInput
from procure.domain.language import use_language
from procure.domain.money import (
    MAX_AMOUNT,
    format_yuan,
    parse_money,
    quantize2,
    yuan_in_capitals,
)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """These rules' wording is asserted in English; the Chinese is asserted under zh_CN."""
    with use_language("en"):
        yield


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1200.50", Decimal("1200.50")),
        (" 3600000 ", Decimal("3600000.00")),
        (3600000, Decimal("3600000.00")),
        (Decimal("12.3"), Decimal("12.30")),
        ("0", Decimal("0.00")),
        ("12.3400", Decimal("12.34")),
        (".5", Decimal("0.50")),
    ],
)
def test_text_int_and_decimal_amounts_become_two_place_decimals(
    value: object, expected: Decimal
) -> None:
    amount = parse_money(value, field="budget")
    assert amount == expected
    assert amount.as_tuple().exponent == -2


@pytest.mark.parametrize("value", [1200.5, True, None, [1]])
def test_floats_bools_and_other_types_are_refused(value: object) -> None:
    with pytest.raises(InvalidInput, match="budget .* is of type"):
        parse_money(value, field="budget")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("288,000.00", "288000.00"),
        ("1,200.5", "1200.50"),
        ("1,234,567", "1234567.00"),
        ("999", "999.00"),
        ("288，000.00", "288000.00"),  # the full-width comma of a Chinese keyboard
        (" 3,600,000.00 ", "3600000.00"),
    ],
)
def test_thousands_separators_as_procure_prints_them_are_accepted(text: str, expected: str) -> None:
    assert parse_money(text, field="budget") == Decimal(expected)


@pytest.mark.parametrize("text", ["2,88,000", "1,200,5", "1200,50", ",100", "100,", "1,,000"])
def test_a_comma_out_of_its_place_is_refused_as_a_likely_slip(text: str) -> None:
    with pytest.raises(InvalidInput, match="thousands separators go every three digits"):
        parse_money(text, field="budget")
    with use_language("zh_CN"), pytest.raises(InvalidInput, match="千位分隔符应每三位数字一个"):
        parse_money(text, field="预算")


@pytest.mark.parametrize("text", ["NaN", "Infinity", "1e3", "1_000", "¥100", "abc", "", "1.2.3"])
def test_text_that_is_not_a_plain_amount_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="budget"):
        parse_money(text, field="budget")


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity")])
def test_non_finite_decimals_are_refused(value: Decimal) -> None:
    with pytest.raises(InvalidInput, match="budget must be a finite amount"):
        parse_money(value, field="budget")


def test_negative_amounts_are_refused_naming_the_field() -> None:
    with pytest.raises(InvalidInput, match="budget must not be negative, got -5.00"):
        parse_money("-5.00", field="budget")


def test_more_than_two_decimal_places_are_refused_not_rounded() -> None:
    with pytest.raises(InvalidInput, match="budget 12.345 has more than 2 decimal places"):
        parse_money("12.345", field="budget")


def test_zero_is_refused_when_not_allowed() -> None:
    with pytest.raises(InvalidInput, match="budget must be greater than zero, got 0.00"):
        parse_money("0", field="budget", allow_zero=False)


def test_amounts_above_the_largest_supported_are_refused() -> None:
    assert parse_money("999999999999.99", field="budget") == MAX_AMOUNT
    with pytest.raises(InvalidInput, match="larger than the largest supported amount"):
        parse_money("1000000000000", field="budget")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2.005", "2.01"), ("2.004", "2.00"), ("-2.005", "-2.01"), ("79.995", "80.00")],
)
def test_quantize2_rounds_half_up(value: str, expected: str) -> None:
    assert quantize2(Decimal(value)) == Decimal(expected)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("3600000", "¥3,600,000.00"),
        ("0", "¥0.00"),
        ("1234.5", "¥1,234.50"),
        ("-5", "-¥5.00"),
        ("0.005", "¥0.01"),
    ],
)
def test_format_yuan_shows_sign_separators_and_two_places(amount: str, expected: str) -> None:
    assert format_yuan(Decimal(amount)) == expected


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("3600000", "叁佰陆拾万元整"),
        ("1000.50", "壹仟元伍角整"),
        ("10.05", "壹拾元零伍分"),
        ("0", "零元整"),
        ("0.00", "零元整"),
        ("100000000", "壹亿元整"),
        ("1010", "壹仟零壹拾元整"),
        ("100010", "壹拾万零壹拾元整"),
        ("1", "壹元整"),
        ("10", "壹拾元整"),
        ("15", "壹拾伍元整"),
        ("105", "壹佰零伍元整"),
        ("1001", "壹仟零壹元整"),
        ("10000", "壹万元整"),
        ("10001", "壹万零壹元整"),
        ("11000", "壹万壹仟元整"),
        ("100100", "壹拾万零壹佰元整"),
        ("1000000", "壹佰万元整"),
        ("100000001", "壹亿零壹元整"),
        ("100001000", "壹亿零壹仟元整"),
        ("110000000", "壹亿壹仟万元整"),
        ("101000000", "壹亿零壹佰万元整"),
        ("1000000100", "壹拾亿零壹佰元整"),
        ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
        ("1680.30", "壹仟陆佰捌拾元叁角整"),
        ("0.50", "伍角整"),
        ("0.05", "伍分"),
        ("0.55", "伍角伍分"),
        ("80000", "捌万元整"),
        ("12873", "壹万贰仟捌佰柒拾叁元整"),
        ("999999999999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ],
)
def test_capitals_follow_the_payment_settlement_convention(amount: str, expected: str) -> None:
    assert yuan_in_capitals(Decimal(amount)) == expected


def test_capitals_round_half_up_to_the_fen_first() -> None:
    assert yuan_in_capitals(Decimal("0.995")) == "壹元整"


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (Decimal("-1"), "is negative"),
        (Decimal("1000000000000"), "largest amount that can be written in capitals"),
        (Decimal("NaN"), "must be a finite Decimal"),
        (1000.5, "must be a finite Decimal"),
    ],
)
def test_capitals_refuse_amounts_they_cannot_write(amount: object, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        yuan_in_capitals(amount)  # type: ignore[arg-type]


@given(st.integers(min_value=1, max_value=999_999_999_999))
def test_capitals_never_repeat_or_end_with_zero(yuan: int) -> None:
    text = yuan_in_capitals(Decimal(yuan))
    assert "零零" not in text
    assert not text.startswith("零")
    assert "零元" not in text and "零万" not in text and "零亿" not in text
    assert text.endswith("元整")


def test_refusals_of_money_are_said_in_chinese_by_default() -> None:
    with use_language("zh_CN"):
        with pytest.raises(InvalidInput) as negative:
            parse_money("-5", field="预算")
        with pytest.raises(InvalidInput) as places:
            parse_money("12.345", field="预算")
        with pytest.raises(InvalidInput) as capitals:
            yuan_in_capitals(Decimal("-1"))

    assert str(negative.value) == "预算不能为负数，而给出的是 -5"
    assert str(places.value) == "预算 12.345 的小数超过 2 位"
    assert str(capitals.value) == "金额 -1 为负数，不能写成大写"
