"""The provisional (暂定) years of the working-day calendar, from the law and the lunar calendar.

:mod:`procure.domain.holiday_law` says which days the law gives off; this module finds the
days of the Chinese calendar it names (除夕, 端午, 中秋 and the 清明 solar term) with the
``lunar_python`` library, which computes them (寿星天文历 algorithms: new moons and solar
terms from astronomical series, in Beijing time) rather than reading a table typed in by
hand. It is pure Python with no compiled part and no data files, covers any year the
calendar could be asked about, and is kept up to date by its author (6tail/lunar-python).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from lunar_python import Lunar

from procure.domain.holiday_law import (
    LAW_FIRST_YEAR,
    LawHoliday,
    LunarDates,
    law_holidays,
    provisional_year,
)
from procure.domain.workdays import CalendarYear

LAST_YEAR = 2199
"""The last year a provisional calendar is built for (the calendar refuses later ones)."""


def _day(solar: object) -> date:
    return date(solar.getYear(), solar.getMonth(), solar.getDay())  # type: ignore[attr-defined]


@lru_cache(maxsize=64)
def lunar_dates(year: int) -> LunarDates:
    """除夕, 清明, 端午 and 中秋 of the Gregorian ``year``."""
    new_year = Lunar.fromYmd(year, 1, 1)  # 正月初一 of the lunar year that begins in ``year``
    return LunarDates(
        spring_eve=_day(new_year.next(-1).getSolar()),
        qingming=_day(Lunar.fromYmd(year, 3, 1).getJieQiTable()["清明"]),
        duanwu=_day(Lunar.fromYmd(year, 5, 5).getSolar()),
        midautumn=_day(Lunar.fromYmd(year, 8, 15).getSolar()),
    )


def holidays_of(year: int) -> tuple[LawHoliday, ...]:
    """The law's seven holidays in ``year`` with their days."""
    return law_holidays(year, lunar_dates(year))


@lru_cache(maxsize=64)
def provisional_calendar_year(year: int) -> CalendarYear | None:
    """The provisional year ``year``, or ``None`` outside the years the law and library cover."""
    if not LAW_FIRST_YEAR <= year <= LAST_YEAR:
        return None
    return provisional_year(year, lunar_dates(year))
