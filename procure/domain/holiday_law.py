"""The holidays the law itself fixes, and a provisional year built from them (issue 18).

《全国年节及纪念日放假办法》 (as revised by the State Council in November 2024, in force from
1 January 2025), 第二条: every citizen has these days off: 元旦 1 day (1 January), 春节 4 days
(农历除夕 and 正月初一 to 初三), 清明节 1 day (the day of the 清明 solar term), 劳动节 2 days
(1 and 2 May), 端午节 1 day (农历五月初五), 中秋节 1 day (农历八月十五), 国庆节 3 days (1 to 3
October): 13 days.

Each year the State Council's notice (国务院办公厅关于某年部分节假日安排的通知) turns them into
the year's arrangement: bridging days off (调休) paid for by make-up working days on
weekends, and a weekday off in place of a holiday that falls on a weekend (第六条 asks for one
but does not say which day). Until that notice is out, a :func:`provisional_year` holds the
13 days of the law and nothing else: no bridging day, no substitute day, no make-up working
day. That is the conservative choice: every official arrangement so far has had at least
these days off, so a count of working days on the provisional year ends no later than the
same count on the official one, apart from a make-up working day inside the count (which
the notice always pairs with a longer break nearby). The deadlines the federation owes
itself therefore never look later than they will be; the windows granted to outsiders are
held open instead (``provisional: hold`` in ``workflows/deadlines.yaml``).

This module is pure: the lunar dates and the 清明 term are given to it
(:mod:`procure.services.deadlines.calendar_law` computes them with the ``lunar_python`` library).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from procure.domain.errors import InvalidInput
from procure.domain.language import _, both
from procure.domain.workdays import CalendarYear

LAW_TITLE = "《全国年节及纪念日放假办法》（2024年11月修订，2025年1月1日起施行）"
LAW_TITLE_EN = (
    "the Regulations on National Holidays and Memorial Days (revised November 2024, in force "
    "from 1 January 2025)"
)
LAW_FIRST_YEAR = 2025
"""The first year the revised law fixes (春节 4 days with 除夕, 劳动节 2 days)."""


@dataclass(frozen=True)
class LunarDates:
    """The days of one Gregorian year that the Chinese calendar fixes.

    Attributes:
        spring_eve: 农历除夕, the eve of the Spring Festival that falls in this year.
        qingming: the day of the 清明 solar term (Beijing time).
        duanwu: 农历五月初五.
        midautumn: 农历八月十五.
    """

    spring_eve: date
    qingming: date
    duanwu: date
    midautumn: date


@dataclass(frozen=True)
class LawHoliday:
    """One holiday of the law and its days in one year."""

    zh: str
    days: tuple[date, ...]
    en: str = ""

    @property
    def label(self) -> str:
        """The holiday's name in the language in use."""
        return both(self.zh, self.en or self.zh)


def law_holidays(year: int, lunar: LunarDates) -> tuple[LawHoliday, ...]:
    """The seven holidays of the law in ``year``, each with its days.

    Raises:
        InvalidInput: a lunar date that does not lie in ``year``.
    """
    for name, day in vars(lunar).items():
        if day.year != year:
            raise InvalidInput(f"{name} {day.isoformat()} is not in {year}")
    eve = lunar.spring_eve
    return (
        LawHoliday("元旦", (date(year, 1, 1),), "New Year's Day"),
        LawHoliday("春节", tuple(eve + timedelta(days=n) for n in range(4)), "Spring Festival"),
        LawHoliday("清明节", (lunar.qingming,), "Qingming Festival"),
        LawHoliday("劳动节", (date(year, 5, 1), date(year, 5, 2)), "Labour Day"),
        LawHoliday("端午节", (lunar.duanwu,), "Dragon Boat Festival"),
        LawHoliday("中秋节", (lunar.midautumn,), "Mid-Autumn Festival"),
        LawHoliday("国庆节", tuple(date(year, 10, day) for day in (1, 2, 3)), "National Day"),
    )


def provisional_year(year: int, lunar: LunarDates) -> CalendarYear:
    """The year as the law alone fixes it, marked provisional (暂定): see the module."""
    if year < LAW_FIRST_YEAR:
        raise InvalidInput(f"the revised law fixes the holidays from {LAW_FIRST_YEAR}, not {year}")
    days = frozenset(day for holiday in law_holidays(year, lunar) for day in holiday.days)
    return CalendarYear(year, days, frozenset(), provisional=True)


@dataclass(frozen=True)
class OffRange:
    """One 放假 range of a notice as entered, with where it was written."""

    first: date
    last: date
    line: int
    name: str = ""


@dataclass(frozen=True)
class MakeupDay:
    """One 调休上班 day of a notice as entered, with where it was written."""

    day: date
    line: int


def check_notice(
    year: int,
    ranges: Sequence[OffRange],
    makeup: Sequence[MakeupDay],
    holidays: Sequence[LawHoliday],
    where: str,
) -> CalendarYear:
    """Check a year's notice as entered and return the official year it makes.

    Every date lies in ``year``; a range does not end before it starts and overlaps no other;
    a make-up working day is a Saturday or Sunday, given once, and not inside a range; each
    day of each holiday of the law lies inside a range.

    Raises:
        InvalidInput: naming ``where`` and the line of the first problem found.
    """
    off: dict[date, int] = {}
    for entry in sorted(ranges, key=lambda r: r.line):
        at = {"where": where, "line": entry.line, "year": year}
        if entry.first.year != year:
            raise InvalidInput(
                _(
                    "%(where)s line %(line)s: the day off %(day)s is not in %(year)s (the "
                    "range's first day)",
                    day=entry.first.isoformat(),
                    **at,
                )
            )
        if entry.last.year != year:
            raise InvalidInput(
                _(
                    "%(where)s line %(line)s: the day off %(day)s is not in %(year)s (the "
                    "range's last day)",
                    day=entry.last.isoformat(),
                    **at,
                )
            )
        if entry.last < entry.first:
            raise InvalidInput(
                _(
                    "%(where)s line %(line)s: the last day off %(last)s is before the first "
                    "%(first)s",
                    where=where,
                    line=entry.line,
                    last=entry.last.isoformat(),
                    first=entry.first.isoformat(),
                )
            )
        day = entry.first
        while day <= entry.last:
            if day in off:
                raise InvalidInput(
                    _(
                        "%(where)s line %(line)s: %(day)s overlaps the days off of line %(other)s",
                        where=where,
                        line=entry.line,
                        day=day.isoformat(),
                        other=off[day],
                    )
                )
            off[day] = entry.line
            day += timedelta(days=1)
    worked: dict[date, int] = {}
    for item in sorted(makeup, key=lambda m: m.line):
        at = {"where": where, "line": item.line, "day": item.day.isoformat()}
        if item.day.year != year:
            raise InvalidInput(
                _(
                    "%(where)s line %(line)s: the make-up working day %(day)s is not in %(year)s",
                    year=year,
                    **at,
                )
            )
        if item.day in worked:
            raise InvalidInput(
                _(
                    "%(where)s line %(line)s: the make-up working day %(day)s is already given "
                    "on line %(other)s",
                    other=worked[item.day],
                    **at,
                )
            )
        if item.day in off:
            raise InvalidInput(
                _(
                    "%(where)s line %(line)s: %(day)s is both a day off (line %(other)s) and a "
                    "make-up working day",
                    other=off[item.day],
                    **at,
                )
            )
        if item.day.weekday() < 5:
            raise InvalidInput(
                _(
                    "%(where)s line %(line)s: the make-up working day %(day)s is a weekday; a "
                    "make-up working day can only be a Saturday or Sunday",
                    **at,
                )
            )
        worked[item.day] = item.line
    for holiday in holidays:
        missing = [day for day in holiday.days if day not in off]
        if missing:
            raise InvalidInput(
                _(
                    "%(where)s: the statutory holiday %(day)s of %(holiday)s is in no range of "
                    "days off (%(law)s, Article 2)",
                    where=where,
                    holiday=holiday.label,
                    day=missing[0].isoformat(),
                    law=both(LAW_TITLE, LAW_TITLE_EN),
                )
            )
    return CalendarYear(year, frozenset(off), frozenset(worked))
