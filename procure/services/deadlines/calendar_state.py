"""The working-day calendar a database counts on, and how it stands (official or 暂定).

The installed calendar (:func:`procure.services.deadlines.calendar.default_calendar`: the
``chinesecalendar`` library and ``workflows/calendar.yaml``) plus the State Council's notices
entered in this database (``procure calendar add``, table ``calendar_notice``); a later
year is provisional, built from the law. :func:`calendar_for` is what every deadline,
award notice and objection counts on; :func:`calendar_line` is the one line ``/due`` shows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from procure.domain.workdays import CalendarYear, WorkingCalendar
from procure.services.deadlines.calendar import default_calendar
from procure.store.calendar_models import CalendarNotice


def _days(text: str) -> frozenset[date]:
    return frozenset(date.fromisoformat(day) for day in json.loads(text))


def entered_notices(session: Session) -> list[CalendarNotice]:
    """The notices entered in this database, by year."""
    return list(session.exec(select(CalendarNotice).order_by(col(CalendarNotice.year))))


def entered_year(notice: CalendarNotice) -> CalendarYear:
    """The official year an entered notice makes."""
    return CalendarYear(notice.year, _days(notice.days_off), _days(notice.makeup_workdays))


def calendar_for(session: Session, base: WorkingCalendar | None = None) -> WorkingCalendar:
    """The calendar this database counts on: ``base`` (the installed one) and its notices."""
    base = base or default_calendar()
    notices = entered_notices(session)
    if not notices:
        return base
    years = {entry.year: entry for entry in base.years()}
    years.update((notice.year, entered_year(notice)) for notice in notices)
    return WorkingCalendar(years.values(), provisional=base.source)


@dataclass(frozen=True)
class YearState:
    """How one year of the calendar stands."""

    year: int
    official: bool
    source: str  # 国务院通知（已录入：TITLE）, the library or file, 暂定 (the law), or 未知


def year_state(session: Session, year: int, calendar: WorkingCalendar | None = None) -> YearState:
    """Whether ``year`` is official, and where its days come from."""
    calendar = calendar or calendar_for(session)
    notice = session.exec(select(CalendarNotice).where(CalendarNotice.year == year)).first()
    if notice is not None:
        return YearState(year, True, f"已录入国务院通知《{notice.title}》")
    entry = calendar.year_entry(year)
    if entry is None:
        return YearState(year, False, "未知（早于法定放假办法可推算的年份）")
    if entry.provisional:
        return YearState(year, False, "暂定：按《全国年节及纪念日放假办法》推算，通知尚未录入")
    return YearState(year, True, "国务院通知（随程序提供）")


def calendar_line(session: Session, today: date, calendar: WorkingCalendar | None = None) -> str:
    """One short Chinese line on the calendar of this year and the next."""
    calendar = calendar or calendar_for(session)
    years = (today.year, today.year + 1)
    provisional = [year for year in years if calendar.is_provisional(year)]
    if not provisional:
        return f"工作日历：{today.year}年、{today.year + 1}年的放假安排均为正式（国务院通知）。"
    official = [year for year in years if year not in provisional]
    said = f"{_years(official)}放假安排为正式；" if official else ""
    more = "为暂定" if official else "放假安排为暂定"
    return (
        f"工作日历：{said}{_years(provisional)}{more}（按法定节假日推算，国务院通知尚未录入），"
        "标“暂定”的期限在通知录入后重新计算。"
    )


def _years(years: list[int]) -> str:
    return "、".join(f"{year}年" for year in years)
