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
from procure.domain.workdays import CalendarYear

LAW_TITLE = "《全国年节及纪念日放假办法》（2024年11月修订，2025年1月1日起施行）"
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
        LawHoliday("元旦", (date(year, 1, 1),)),
        LawHoliday("春节", tuple(eve + timedelta(days=n) for n in range(4))),
        LawHoliday("清明节", (lunar.qingming,)),
        LawHoliday("劳动节", (date(year, 5, 1), date(year, 5, 2))),
        LawHoliday("端午节", (lunar.duanwu,)),
        LawHoliday("中秋节", (lunar.midautumn,)),
        LawHoliday("国庆节", tuple(date(year, 10, day) for day in (1, 2, 3))),
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
        for day, what in ((entry.first, "starts"), (entry.last, "ends")):
            if day.year != year:
                raise InvalidInput(
                    f"{where} 第{entry.line}行：放假日期 {day.isoformat()} 不在 {year} 年内"
                    f"（范围{'起' if what == 'starts' else '止'}日）"
                )
        if entry.last < entry.first:
            raise InvalidInput(
                f"{where} 第{entry.line}行：放假止日 {entry.last.isoformat()} "
                f"早于起日 {entry.first.isoformat()}"
            )
        day = entry.first
        while day <= entry.last:
            if day in off:
                raise InvalidInput(
                    f"{where} 第{entry.line}行：{day.isoformat()} 与第{off[day]}行的放假范围重叠"
                )
            off[day] = entry.line
            day += timedelta(days=1)
    worked: dict[date, int] = {}
    for item in sorted(makeup, key=lambda m: m.line):
        if item.day.year != year:
            raise InvalidInput(
                f"{where} 第{item.line}行：调休上班日 {item.day.isoformat()} 不在 {year} 年内"
            )
        if item.day in worked:
            raise InvalidInput(
                f"{where} 第{item.line}行：调休上班日 {item.day.isoformat()} "
                f"已在第{worked[item.day]}行给出"
            )
        if item.day in off:
            raise InvalidInput(
                f"{where} 第{item.line}行：{item.day.isoformat()} 既在第{off[item.day]}行放假，"
                "又是调休上班日"
            )
        if item.day.weekday() < 5:
            raise InvalidInput(
                f"{where} 第{item.line}行：调休上班日 {item.day.isoformat()} 是周一至周五，"
                "调休上班日只能是周六或周日"
            )
        worked[item.day] = item.line
    for holiday in holidays:
        missing = [day for day in holiday.days if day not in off]
        if missing:
            raise InvalidInput(
                f"{where}：{holiday.zh} 的法定假日 {missing[0].isoformat()} 不在任何放假范围内"
                f"（{LAW_TITLE}第二条）"
            )
    return CalendarYear(year, frozenset(off), frozenset(worked))
