"""Rules for the review panel's score of one proposal (average, trimmed from five sheets)."""

from decimal import Decimal
from random import Random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from procure.domain.panel import TRIM_FROM, panel_score


def totals(*values: str) -> list[Decimal]:
    return [Decimal(value) for value in values]


def test_trimming_starts_at_five_sheets() -> None:
    assert TRIM_FROM == 5


def test_one_sheet_is_the_score() -> None:
    result = panel_score(totals("82.50"))

    assert (result.score, result.valid_sheets, result.trimmed) == (Decimal("82.50"), 1, False)


def test_below_five_sheets_the_plain_average_counts() -> None:
    result = panel_score(totals("60", "70", "80", "98"))

    assert result.score == Decimal("77.00")
    assert result.valid_sheets == 4
    assert result.trimmed is False


def test_at_exactly_five_sheets_the_highest_and_lowest_are_dropped() -> None:
    result = panel_score(totals("40", "80", "82", "84", "100"))

    assert result.score == Decimal("82.00")
    assert result.valid_sheets == 5
    assert result.trimmed is True


def test_above_five_sheets_only_one_highest_and_one_lowest_are_dropped() -> None:
    result = panel_score(totals("50", "50", "80", "90", "100", "100"))

    assert result.score == Decimal("80.00")
    assert result.valid_sheets == 6
    assert result.trimmed is True


def test_the_score_always_has_two_places() -> None:
    assert str(panel_score(totals("80")).score) == "80.00"


def test_halves_of_a_fen_round_up() -> None:
    assert panel_score(totals("80.00", "80.01")).score == Decimal("80.01")
    assert panel_score(totals("80.02", "80.03")).score == Decimal("80.03")


def test_a_repeating_average_rounds_to_the_nearest_fen() -> None:
    assert panel_score(totals("80", "80", "81")).score == Decimal("80.33")
    assert panel_score(totals("80", "81", "81")).score == Decimal("80.67")


def test_a_panel_without_a_valid_sheet_is_refused() -> None:
    with pytest.raises(ValueError, match="needs at least one valid review sheet"):
        panel_score([])


sheet_totals = st.lists(
    st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=12,
)


@given(sheet_totals)
def test_the_score_lies_between_the_lowest_and_highest_sheet(values: list[Decimal]) -> None:
    result = panel_score(values)

    assert min(values) <= result.score <= max(values)
    assert result.valid_sheets == len(values)
    assert result.trimmed is (len(values) >= TRIM_FROM)


@given(sheet_totals, st.randoms(use_true_random=False))
def test_the_score_does_not_depend_on_the_order_of_sheets(
    values: list[Decimal], random: Random
) -> None:
    shuffled = list(values)
    random.shuffle(shuffled)

    assert panel_score(shuffled) == panel_score(values)
