"""One person, one account: logins are normalized, invisible look-alikes are refused."""

from __future__ import annotations

import pytest

from procure.domain.errors import InvalidInput
from procure.domain.identity import (
    check_password_strength,
    normalize_display_name,
    normalize_login,
)
from procure.domain.language import use_language


@pytest.mark.parametrize(
    "spelling",
    ["lixiumei", " lixiumei", "lixiumei ", "lixiumei\u3000", "LiXiuMei", "ｌｉｘｉｕｍｅｉ"],
)
def test_spellings_of_one_login_are_one_account(spelling: str) -> None:
    assert normalize_login(spelling) == "lixiumei"


def test_a_chinese_name_with_a_trailing_space_is_the_same_login() -> None:
    assert normalize_login("陈建华 ") == normalize_login("陈建华") == "陈建华"


@pytest.mark.parametrize(
    "look_alike", ["陈\u200b建华", "陈建华\u200d", "\ufeff陈建华", "陈\x07建华", "li\u202exiumei"]
)
def test_invisible_or_control_characters_in_a_login_are_refused(look_alike: str) -> None:
    with pytest.raises(InvalidInput, match="含有不可见字符或控制字符"):
        normalize_login(look_alike)
    with use_language("en"), pytest.raises(InvalidInput, match="invisible or control characters"):
        normalize_login(look_alike)


@pytest.mark.parametrize("login", ["li xiumei", "li/xiumei", "<script>", ""])
def test_spaces_and_symbols_in_a_login_are_refused(login: str) -> None:
    with pytest.raises(InvalidInput):
        normalize_login(login)


def test_a_display_name_keeps_one_plain_space_between_words() -> None:
    assert normalize_display_name("  刘建国\u3000（评估中心） ") == "刘建国 (评估中心)"


def test_a_display_name_with_a_zero_width_space_is_refused() -> None:
    with pytest.raises(InvalidInput, match="U\\+200B"):
        normalize_display_name("王\u200b五")


def test_a_password_needs_ten_characters_and_is_never_quoted() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_password_strength("short-pw")
    assert "short-pw" not in str(refused.value)
    check_password_strength("ten chars!")


@pytest.mark.parametrize("control", ["\u202a", "\u202e", "\u2066", "\u2069"])
def test_bidi_controls_in_a_display_name_are_refused(control: str) -> None:
    with pytest.raises(InvalidInput, match="显示名 .* 含有不可见字符或控制字符"):
        normalize_display_name(f"王{control}五")
    with use_language("en"), pytest.raises(InvalidInput, match="invisible or control characters"):
        normalize_display_name(f"王{control}五")
