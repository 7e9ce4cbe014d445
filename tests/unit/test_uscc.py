"""Rules for Unified Social Credit Codes (GB 32100-2015)."""

from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from procure.domain.errors import InvalidInput
from procure.domain.language import use_language
from procure.domain.uscc import USCC_CHARSET, make_uscc, uscc_check_character, validate_uscc


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """These rules' wording is asserted in English; the Chinese is asserted under zh_CN."""
    with use_language("en"):
        yield


REAL_EXAMPLE = "91350100M000100Y43"


def test_published_example_code_is_valid_by_the_algorithm() -> None:
    assert uscc_check_character(REAL_EXAMPLE[:17]) == "3"
    assert validate_uscc(REAL_EXAMPLE) == REAL_EXAMPLE


@pytest.mark.parametrize(
    "body",
    ["91350203MA31ABCD1", "52350203MJ0000001", "51350200500012345", "91110000100000000"],
)
def test_codes_built_with_make_uscc_validate(body: str) -> None:
    code = make_uscc(body)
    assert len(code) == 18
    assert validate_uscc(code) == code


def test_check_value_31_becomes_character_0() -> None:
    # Find a body whose weighted sum is a multiple of 31: all zeros is one.
    assert uscc_check_character("0" * 17) == "0"


def test_lowercase_and_surrounding_whitespace_are_normalized() -> None:
    assert validate_uscc(f"  {REAL_EXAMPLE.lower()}\n") == REAL_EXAMPLE


def test_wrong_length_is_refused_naming_code_and_length() -> None:
    with pytest.raises(InvalidInput, match="USCC 91350203MA31XXXX: must be 18 characters, got 16"):
        validate_uscc("91350203MA31XXXX")


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V", "-", "中"])
def test_characters_outside_the_set_are_refused(letter: str) -> None:
    code = REAL_EXAMPLE[:5] + letter + REAL_EXAMPLE[6:]
    with pytest.raises(InvalidInput, match="may not appear in a USCC"):
        validate_uscc(code)


def test_wrong_check_character_is_refused_naming_both() -> None:
    with pytest.raises(InvalidInput, match="check character is 4, expected 3"):
        validate_uscc(REAL_EXAMPLE[:17] + "4")


def test_non_text_is_refused() -> None:
    with pytest.raises(InvalidInput, match="must be text"):
        validate_uscc(913501001234567890)  # type: ignore[arg-type]


def test_make_uscc_refuses_a_body_of_the_wrong_length() -> None:
    with pytest.raises(InvalidInput, match="must be 17 characters"):
        make_uscc("9135010")


@given(st.text(alphabet=USCC_CHARSET, min_size=17, max_size=17))
def test_any_single_character_change_is_caught(body: str) -> None:
    code = make_uscc(body)
    for position in range(17):
        for replacement in USCC_CHARSET[:5]:
            if replacement != code[position]:
                changed = code[:position] + replacement + code[position + 1 :]
                with pytest.raises(InvalidInput):
                    validate_uscc(changed)


def test_a_bad_uscc_is_refused_in_chinese_by_default() -> None:
    with use_language("zh_CN"), pytest.raises(InvalidInput) as refused:
        validate_uscc(REAL_EXAMPLE[:17] + "4")

    assert str(refused.value) == (
        f"统一社会信用代码 {REAL_EXAMPLE[:17]}4：校验码为 4，应为 3；代码可能输入有误"
    )
