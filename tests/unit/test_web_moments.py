"""Recorded moments (UTC) are shown to people in Beijing time with a Chinese date."""

from __future__ import annotations

from procure.web.pages import templates


def _moment(value: object) -> str:
    return str(templates().env.filters["moment"](value))


def test_a_utc_moment_is_shown_in_beijing_time_with_a_chinese_date() -> None:
    assert _moment("2019-12-31T17:30:05.123456Z") == "2020年01月01日 01:30:05"


def test_a_missing_moment_is_a_dash_and_an_unreadable_one_is_shown_as_stored() -> None:
    assert _moment(None) == "—"
    assert _moment("yesterday") == "yesterday"


def test_in_english_a_moment_is_shown_in_beijing_time_with_an_english_date() -> None:
    from procure.domain.language import use_language

    with use_language("en"):
        assert _moment("2019-12-31T17:30:05.123456Z") == "1 Jan 2020 01:30:05"
        assert str(templates().env.filters["day"](None)) == "—"
