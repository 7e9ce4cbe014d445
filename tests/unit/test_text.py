"""The shared text rules: values quoted safely in messages, digits 0-9 only in numbers, no
bidi controls in names, control characters spelled out on the terminal, no formulas in
spreadsheet cells."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from procure.domain.errors import InvalidInput
from procure.domain.language import use_language
from procure.domain.text import (
    check_no_bidi,
    check_number_text,
    quoted,
    spreadsheet_cell,
    visible,
)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """These rules' wording is asserted in English; the Chinese is asserted under zh_CN."""
    with use_language("en"):
        yield


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("启航", "'启航'"),
        ("a\nb", "'a\\nb'"),
        ("nul\x00", "'nul\\x00'"),
        ("\x1b[2J", "'\\x1b[2J'"),
        ("职工\u202e成长", "'职工\\u202e成长'"),
        (12, "12"),
    ],
)
def test_a_value_is_quoted_on_one_line_with_controls_spelled_out(value: object, shown: str) -> None:
    assert quoted(value) == shown


@pytest.mark.parametrize("size", [61, 10_000, 2_000_000])
def test_a_long_value_is_cut_and_its_length_given(size: int) -> None:
    shown = quoted("x" * size)

    assert len(shown) < 100 and shown.endswith(f"… ({size} characters)")


def test_a_huge_structure_is_quoted_in_bounded_length() -> None:
    nested: list[object] = ["lol"] * 9
    for _ in range(8):
        nested = [nested] * 9

    assert len(quoted(nested)) <= 121


@pytest.mark.parametrize(
    ("text", "digit"),
    [("１２３", "FULLWIDTH DIGIT ONE"), ("١٢٣", "ARABIC-INDIC DIGIT ONE"), ("12३", "DEVANAGARI")],
)
def test_digits_other_than_0_to_9_are_refused_naming_the_digit(text: str, digit: str) -> None:
    with pytest.raises(InvalidInput, match=f"uses the digit .* \\({digit}"):
        check_number_text(text, "amount")


def test_number_text_longer_than_40_characters_is_refused() -> None:
    with pytest.raises(InvalidInput, match="too long to be a number"):
        check_number_text("9" * 41, "amount")


@pytest.mark.parametrize("control", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066",
                                     "\u2067", "\u2068", "\u2069"])  # fmt: skip
def test_every_bidi_control_is_refused_in_a_name(control: str) -> None:
    with pytest.raises(InvalidInput, match=f"U\\+{ord(control):04X}"):
        check_no_bidi(f"启航{control}中心", "name")


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain 中文\u3000全角空格", "plain 中文\u3000全角空格"),
        ("\x1b[31mred\x07", "\\x1b[31mred\\x07"),
        ("tab\there", "tab here"),
        ("\x9b31m", "\\x9b31m"),
        ("over\u202eride", "over\\u202eride"),
        ("[bold]x[/bold]", "[bold]x[/bold]"),
    ],
)
def test_terminal_text_spells_out_controls_and_keeps_the_rest(text: str, shown: str) -> None:
    assert visible(text) == shown


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_cell_that_would_start_a_formula_gets_a_quote(cell: str) -> None:
    assert spreadsheet_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["启航", "SM-2019-001", 85, None])
def test_other_cells_are_left_as_they_are(cell: object) -> None:
    assert spreadsheet_cell(cell) == cell


def test_text_refusals_are_said_in_chinese_by_default() -> None:
    with use_language("zh_CN"):
        with pytest.raises(InvalidInput) as refused:
            check_number_text("9" * 41, "金额")
        shown = quoted("x" * 61)

    assert "金额" in str(refused.value) and "太长，不是数字（最多 40 个字符）" in str(refused.value)
    assert shown.endswith("…（共 61 个字符）")
