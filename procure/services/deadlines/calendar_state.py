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

from procure.domain.language import _
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
        return YearState(
            year, True, _("State Council notice entered: “%(title)s”", title=notice.title)
        )
    entry = calendar.year_entry(year)
    if entry is None:
        return YearState(
            year, False, _("Unknown (earlier than the years the statutory holiday rules can count)")
        )
    if entry.provisional:
        return YearState(
            year,
            False,
            _(
                "Provisional: counted on the Regulations on National Holidays and Memorial "
                "Days; the notice is not yet entered"
            ),
        )
    return YearState(year, True, _("State Council notice (shipped with the program)"))


def calendar_line(session: Session, today: date, calendar: WorkingCalendar | None = None) -> str:
    """One short line on the calendar of this year and the next, in the language in use."""
    calendar = calendar or calendar_for(session)
    this, following = today.year, today.year + 1
    provisional = [year for year in (this, following) if calendar.is_provisional(year)]
    if not provisional:
        return _(
            "Working calendar: the holidays of %(this)s and %(next)s are both official (State "
            "Council notices).",
            this=this,
            next=following,
        )
    if len(provisional) == 2:
        return _(
            "Working calendar: the holidays of %(this)s and %(next)s are provisional (counted "
            "on the statutory holidays; the State Council notice is not yet entered); "
            "deadlines marked provisional are counted again once it is entered.",
            this=this,
            next=following,
        )
    return _(
        "Working calendar: the holidays of %(official)s are official; those of "
        "%(provisional)s are provisional (counted on the statutory holidays; the State "
        "Council notice is not yet entered); deadlines marked provisional are counted again "
        "once it is entered.",
        official=following if provisional[0] == this else this,
        provisional=provisional[0],
    )
