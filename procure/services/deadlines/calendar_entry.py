"""Enter a year's holiday notice (``procure calendar add``, ``/admin/calendar``) and show a year.

:func:`add_notice` checks the file before anything changes (every date in the year, no day
both off and worked, make-up working days on weekends, every holiday of the law inside a
range, no overlap), then in one transaction: records the notice (table ``calendar_notice``)
and an audit row (who, when, the notice, what moved), which turns the year official;
counts every running deadline again on the new calendar, lists those whose last day moved,
and queues a reminder (:mod:`procure.services.deadlines.outbox`) for each that moved
earlier, to every account holding its role over the project.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from procure.domain.errors import InvalidInput, Refused
from procure.domain.holiday_law import check_notice
from procure.domain.language import LANGUAGES, _, both, use_language
from procure.domain.workdays import CalendarYear, WorkingCalendar
from procure.services.accounts.authorization import Scope, authorize, display_name
from procure.services.deadlines.calendar_law import holidays_of, provisional_calendar_year
from procure.services.deadlines.calendar_notice_file import parse_notice
from procure.services.deadlines.calendar_state import calendar_for, year_state
from procure.services.deadlines.due import DueItem, beijing_day, role_covers, running_deadlines
from procure.services.deadlines.outbox import queue_reminders
from procure.services.deadlines.tick import projects_by_code, role_holders
from procure.services.lifecycle.clock import now_utc
from procure.store import audit
from procure.store.calendar_models import CalendarNotice
from procure.store.models import TransitionLog
from procure.workflow.context import Actor
from procure.workflow.rules import Rules, default_rules

TRIGGER = "calendar_add"


@dataclass(frozen=True)
class Moved:
    """A running deadline whose last day the entered notice moved."""

    key: str
    project: str
    deadline: str
    zh: str
    before: date
    after: date
    was_provisional: bool

    @property
    def earlier(self) -> bool:
        """Whether it moved earlier (its people are reminded again)."""
        return self.after < self.before


@dataclass
class NoticeAdded:
    """What entering one notice did."""

    year: int
    title: str
    published_on: date
    days_off: int
    makeup_workdays: int
    audit_seq: int
    moved: list[Moved] = field(default_factory=list)
    reminded: int = 0


def _admin(session: Session, by: Actor, year: int) -> None:
    if by.role != "admin":
        raise Refused(
            _(
                "Entering the holidays of %(year)s needs the administrator role (--as admin)",
                year=year,
            )
        )
    authorize(
        session,
        by,
        Scope(any_purchaser=True),
        _("enter the holidays of %(year)s", year=year),
        allow_setup=False,
    )


def add_notice(
    session: Session,
    year: int,
    content: bytes,
    source: str,
    by: Actor,
    *,
    at: datetime | None = None,
    rules: Rules | None = None,
) -> NoticeAdded:
    """Check and enter the State Council's notice for ``year``; commits once, or not at all.

    Args:
        session: an open session.
        year: the year the notice arranges.
        content: the file as uploaded or read (YAML, or CSV when ``source`` ends in .csv).
        source: the file's name, for the messages.
        by: the administrator entering it.
        at: the moment (default: now).
        rules: the configuration (default: the installed one).

    Raises:
        Refused: not an administrator, or the year is already official.
        InvalidInput: a bad file, naming the line; nothing is changed.
    """
    rules = rules or default_rules()
    _admin(session, by, year)
    before = calendar_for(session)
    if provisional_calendar_year(year) is None:
        raise InvalidInput(
            _(
                "%(year)s is not a year whose holidays may be entered (from 2025, under the "
                "present holiday law)",
                year=year,
            )
        )
    if not before.is_provisional(year):
        state = year_state(session, year, before)
        raise Refused(
            _(
                "The holidays of %(year)s are already official (%(source)s); they cannot be "
                "entered again",
                year=year,
                source=state.source,
            )
        )
    notice = parse_notice(content, source)
    if notice.year is not None and notice.year != year:
        raise InvalidInput(
            _(
                "%(source)s: the file is for %(file_year)s, the command for %(year)s",
                source=source,
                file_year=notice.year,
                year=year,
            )
        )
    entered = check_notice(year, notice.ranges, notice.makeup, holidays_of(year), source)
    moment = at or now_utc()
    after = _with(before, entered)
    today = beijing_day(moment)
    moved = _moved(session, rules, before, after, today)
    data: dict[str, Any] = {
        "year": year,
        "title": notice.title,
        "published_on": notice.published_on.isoformat(),
        "days_off": sorted(day.isoformat() for day in entered.days_off),
        "makeup_workdays": sorted(day.isoformat() for day in entered.makeup_workdays),
        "source": source,
        "source_sha256": hashlib.sha256(content).hexdigest(),
        "moved": [_moved_data(item) for item in moved],
    }
    row = audit.append(
        session,
        audit.AuditEntry(
            actor=by.name,
            role=by.role,
            trigger=TRIGGER,
            at=moment,
            reason=_("Entered the holidays of %(year)s: %(title)s", year=year, title=notice.title),
            data=data,
            actor_name=display_name(session, by),
        ),
    )
    session.add(
        CalendarNotice(
            year=year,
            title=notice.title,
            published_on=notice.published_on,
            days_off=json.dumps(data["days_off"]),
            makeup_workdays=json.dumps(data["makeup_workdays"]),
            source_sha256=data["source_sha256"],
            entered_by=by.name,
            entered_at=moment,
            audit_seq=row.seq,
        )
    )
    try:
        session.flush()  # entered by another administrator at the same moment: say so
    except IntegrityError as exc:
        session.rollback()
        raise Refused(
            _(
                "The holidays of %(year)s were just entered by another administrator; they "
                "were not entered again",
                year=year,
            )
        ) from exc
    result = NoticeAdded(
        year,
        notice.title,
        notice.published_on,
        len(entered.days_off),
        len(entered.makeup_workdays),
        row.seq,
        moved,
    )
    result.reminded = _remind_earlier(session, rules, after, today, moved, year, moment)
    session.commit()
    return result


def _with(calendar: WorkingCalendar, entered: CalendarYear) -> WorkingCalendar:
    years = {entry.year: entry for entry in calendar.years()}
    years[entered.year] = entered
    return WorkingCalendar(years.values(), provisional=calendar.source)


def _moved(
    session: Session, rules: Rules, before: WorkingCalendar, after: WorkingCalendar, today: date
) -> list[Moved]:
    old = {i.key: i for i in running_deadlines(session, rules=rules, calendar=before, today=today)}
    new = running_deadlines(session, rules=rules, calendar=after, today=today)
    moved = []
    for item in new:
        was = old.get(item.key)
        if was is None or was.due_on is None or item.due_on is None or was.due_on == item.due_on:
            continue
        moved.append(
            Moved(
                item.key,
                item.project,
                item.deadline,
                item.zh,
                was.due_on,
                item.due_on,
                bool(was.provisional),
            )
        )
    return sorted(moved, key=lambda m: (m.after, m.project, m.deadline))


def _moved_data(item: Moved) -> dict[str, Any]:
    return {
        "key": item.key,
        "project": item.project,
        "deadline": item.deadline,
        "zh": item.zh,
        "before": item.before.isoformat(),
        "after": item.after.isoformat(),
    }


def _remind_earlier(
    session: Session,
    rules: Rules,
    calendar: WorkingCalendar,
    today: date,
    moved: list[Moved],
    year: int,
    at: datetime,
) -> int:
    """Queue a reminder of each deadline that moved earlier, once per account and year."""
    earlier = {item.key: item for item in moved if item.earlier}
    if not earlier:
        return 0
    items = [
        i
        for i in running_deadlines(session, rules=rules, calendar=calendar, today=today)
        if i.key in earlier
    ]
    holders = role_holders(session, {item.role for item in items})
    projects = projects_by_code(session, {item.project for item in items})
    recipients: list[tuple[DueItem, str]] = []
    for item in items:
        was = earlier[item.key].before
        notice = _moved_earlier(item, year, was)
        recipients.extend(
            (notice, login)
            for login, reach in holders.get(item.role, [])
            if role_covers(reach, item.role, projects[item.project])
        )
    return queue_reminders(session, recipients, batch_id=f"calendar-{year}", at=at)


def _moved_earlier(item: DueItem, year: int, was: date) -> DueItem:
    """``item`` named in both languages as moved earlier (a reminder is written in its
    recipient's language)."""
    said = {}
    for language in LANGUAGES:
        with use_language(language):
            said[language] = _(
                "%(deadline)s (earlier since the holidays of %(year)s were entered; it was "
                "%(was)s)",
                deadline=item.label,
                year=year,
                was=was.isoformat(),
            )
    return replace(item, key=f"{item.key}:calendar{year}", zh=said["zh_CN"], en=said["en"])


@dataclass(frozen=True)
class YearShown:
    """One year of the calendar as ``procure calendar show`` prints it."""

    year: int
    official: bool
    source: str
    days_off: list[tuple[date, date]]  # ranges of consecutive days off (weekends not listed)
    makeup_workdays: list[date]
    notice: dict[str, Any] | None  # title, published_on, entered_by, entered_at when entered


def show_year(session: Session, year: int) -> YearShown:
    """The year's days off and make-up working days and whether it is official.

    Raises:
        InvalidInput: a year the calendar cannot count (neither announced nor provisional).
    """
    calendar = calendar_for(session)
    entry = calendar.year_entry(year)
    if entry is None:
        raise InvalidInput(
            _(
                "The working calendar does not know %(year)s (it knows the years from %(first)s)",
                year=year,
                first=calendar.known_years[0],
            )
        )
    state = year_state(session, year, calendar)
    stored = session.exec(select(CalendarNotice).where(CalendarNotice.year == year)).first()
    notice = None
    if stored is not None:
        notice = {
            "title": stored.title,
            "published_on": stored.published_on.isoformat(),
            "entered_by": stored.entered_by,
            "entered_at": stored.entered_at.isoformat(),
        }
    return YearShown(
        year,
        state.official,
        state.source,
        _ranges(sorted(entry.days_off)),
        sorted(entry.makeup_workdays),
        notice,
    )


def _ranges(days: list[date]) -> list[tuple[date, date]]:
    ranges: list[tuple[date, date]] = []
    for day in days:
        if ranges and (day - ranges[-1][1]).days == 1:
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


def recent_moves(session: Session) -> tuple[CalendarNotice, list[dict[str, Any]]] | None:
    """The latest notice entered and the deadlines it moved (from its audit row)."""
    notice = session.exec(
        select(CalendarNotice).order_by(CalendarNotice.entered_at.desc())  # type: ignore[attr-defined]
    ).first()
    if notice is None:
        return None
    row = session.exec(select(TransitionLog).where(TransitionLog.seq == notice.audit_seq)).first()
    data = json.loads(row.data) if row is not None and isinstance(row.data, str) else {}
    moved = data.get("moved", []) if isinstance(data, dict) else []
    return notice, [_named(item) for item in moved if isinstance(item, dict)]


def _named(moved: dict[str, Any]) -> dict[str, Any]:
    """A moved deadline as recorded, with its rule's name in the language in use
    (``label``; the record's own Chinese name when the rule is gone)."""
    rule = default_rules().deadlines.rule(str(moved.get("deadline", "")))
    label = both(rule.zh, rule.en) if rule is not None else str(moved.get("zh", ""))
    return {**moved, "label": label}
