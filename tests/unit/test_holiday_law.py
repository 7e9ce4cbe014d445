"""The law's holidays and the provisional year built from them; a notice checked against
the year and the law before it is entered (issue 18)."""

from __future__ import annotations

from datetime import date

import pytest
from chinese_calendar import constants as announced

from procure.domain.errors import InvalidInput
from procure.domain.holiday_law import MakeupDay, OffRange, check_notice, provisional_year
from procure.domain.language import use_language
from procure.services.deadlines.calendar_law import (
    holidays_of,
    lunar_dates,
    provisional_calendar_year,
)
from procure.services.deadlines.calendar_notice_file import parse_notice


@pytest.mark.parametrize(
    ("year", "eve", "qingming", "duanwu", "midautumn"),
    [
        (2025, date(2025, 1, 28), date(2025, 4, 4), date(2025, 5, 31), date(2025, 10, 6)),
        (2026, date(2026, 2, 16), date(2026, 4, 5), date(2026, 6, 19), date(2026, 9, 25)),
        (2027, date(2027, 2, 5), date(2027, 4, 5), date(2027, 6, 9), date(2027, 9, 15)),
    ],
)
def test_the_lunar_days_the_law_names_are_computed_not_typed(
    year: int, eve: date, qingming: date, duanwu: date, midautumn: date
) -> None:
    days = lunar_dates(year)
    assert (days.spring_eve, days.qingming, days.duanwu, days.midautumn) == (
        eve,
        qingming,
        duanwu,
        midautumn,
    )


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_day_the_law_gives_was_off_in_the_announced_years(year: int) -> None:
    law = provisional_calendar_year(year)
    assert law is not None and len(law.days_off) == 13
    assert law.days_off <= set(announced.holidays)


def test_the_provisional_year_has_the_law_s_days_only_and_is_marked() -> None:
    year = provisional_calendar_year(2027)
    assert year is not None and year.provisional
    assert year.makeup_workdays == frozenset()
    assert sorted(year.days_off)[:5] == [
        date(2027, 1, 1),
        date(2027, 2, 5),  # 除夕, a Friday
        date(2027, 2, 6),  # 初一 and 初二 fall on the weekend: no substitute weekday
        date(2027, 2, 7),
        date(2027, 2, 8),
    ]


def test_no_provisional_year_before_the_revised_law_or_past_2199() -> None:
    assert provisional_calendar_year(2024) is None
    assert provisional_calendar_year(2200) is None
    with pytest.raises(InvalidInput, match="from 2025"):
        provisional_year(2024, lunar_dates(2024))


def _ranges(*spans: tuple[str, str]) -> list[OffRange]:
    return [
        OffRange(date.fromisoformat(a), date.fromisoformat(b), line)
        for line, (a, b) in enumerate(spans, start=1)
    ]


LAW_2027 = (
    ("2027-01-01", "2027-01-01"),
    ("2027-02-05", "2027-02-08"),
    ("2027-04-05", "2027-04-05"),
    ("2027-05-01", "2027-05-02"),
    ("2027-06-09", "2027-06-09"),
    ("2027-09-15", "2027-09-15"),
    ("2027-10-01", "2027-10-03"),
)


def test_a_notice_with_the_law_s_days_makes_the_official_year() -> None:
    year = check_notice(2027, _ranges(*LAW_2027), [], holidays_of(2027), "n.yaml")
    assert not year.provisional and len(year.days_off) == 13


@pytest.mark.parametrize(
    ("spans", "makeup", "message"),
    [
        (
            (("2026-12-31", "2027-01-01"), *LAW_2027[1:]),
            [],
            "n.yaml 第1行：放假日期 2026-12-31 不在 2027 年内",
        ),
        (
            (*LAW_2027, ("2027-10-03", "2027-10-05")),
            [],
            "n.yaml 第8行：2027-10-03 与第7行的放假范围重叠",
        ),
        (
            (*LAW_2027[:6], ("2027-10-03", "2027-10-01")),
            [],
            "n.yaml 第7行：放假止日 2027-10-01 早于起日 2027-10-03",
        ),
        (LAW_2027, [MakeupDay(date(2027, 2, 6), 9)], "第9行：2027-02-06 既在第2行放假"),
        (LAW_2027, [MakeupDay(date(2027, 2, 19), 9)], "第9行：调休上班日 2027-02-19 是周一至周五"),
        (
            LAW_2027,
            [MakeupDay(date(2027, 2, 20), 9), MakeupDay(date(2027, 2, 20), 10)],
            "第10行：调休上班日 2027-02-20 已在第9行给出",
        ),
        (LAW_2027[:6], [], "n.yaml：国庆节 的法定假日 2027-10-01 不在任何放假范围内"),
    ],
    ids=["outside", "overlap", "reversed", "both", "weekday", "twice", "law-missing"],
)
def test_a_bad_notice_is_refused_naming_the_line(
    spans: tuple[tuple[str, str], ...], makeup: list[MakeupDay], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        check_notice(2027, _ranges(*spans), makeup, holidays_of(2027), "n.yaml")


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"title: [\n", "n.yaml", r"n.yaml 第2行：不是有效的 YAML"),
        (b"title: t\npublished_on: 2026-11-10\nholidays: []\n", "n.yaml", "第3行：未知的键"),
        (b"title: t\ndays_off: [{from: 2027-01-01}]\n", "n.yaml", "缺少通知发布日期"),
        (b"kind,name,from,to\nrest,,2027-01-01,\n", "n.csv", "n.csv 第2行：未知的类型 'rest'"),
        (b"off,x,2027-13-01,\n", "n.csv", "n.csv 第1行：放假起日 '2027-13-01' 不是日期"),
        (b"\xff\xfe", "n.yaml", "不是 UTF-8"),
    ],
    ids=["yaml-syntax", "unknown-key", "no-date", "csv-kind", "csv-date", "not-utf8"],
)
def test_a_notice_file_that_cannot_be_read_is_refused_naming_the_line(
    content: bytes, name: str, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_notice(content, name)


def test_a_bad_notice_is_refused_in_english_to_an_english_reader() -> None:
    with use_language("en"):
        with pytest.raises(InvalidInput, match=r"n\.csv line 1: First day off '2027-13-01' is not"):
            parse_notice(b"off,x,2027-13-01,\n", "n.csv")
        with pytest.raises(
            InvalidInput, match="the statutory holiday 2027-01-01 of New Year's Day"
        ):
            check_notice(2027, [], [], holidays_of(2027), "n.yaml")
