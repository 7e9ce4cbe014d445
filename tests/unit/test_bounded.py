"""Whole numbers from people and URLs: digits 0-9 only, within the bounds asked for."""

from __future__ import annotations

import pytest

from procure.domain.bounded import BIGINT_MAX, ROW_ID, YEAR
from procure.domain.errors import InvalidInput


def test_a_year_and_a_row_id_are_read_from_plain_digits() -> None:
    assert YEAR.parse(" 2019 ") == 2019
    assert ROW_ID.parse(str(BIGINT_MAX)) == BIGINT_MAX
    assert YEAR.parse_optional("") is None


@pytest.mark.parametrize(
    "text", ["99999999999999999999", "0", "1899", "２０１９", "²⁰¹⁹", "-1", "20.5"]
)
def test_a_year_outside_its_bounds_or_not_in_ascii_digits_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="年度"):
        YEAR.parse(text)


def test_a_row_id_beyond_a_64_bit_column_is_refused_before_the_database() -> None:
    with pytest.raises(InvalidInput, match="之间"):
        ROW_ID.parse(str(BIGINT_MAX + 1))
    with pytest.raises(InvalidInput, match="之间"):
        ROW_ID.parse("9" * 5000)
