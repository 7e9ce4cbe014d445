"""Deadlines as data: from which event, how many days, who must act, what happens after.

A :class:`DeadlineRule` is one line of ``workflows/deadlines.yaml`` once validated
(:mod:`procure.workflow.deadlines` checks its states, triggers and roles against the
workflow). Its last day is counted on a :class:`~procure.domain.workdays.WorkingCalendar`
from the day of the event, which never counts itself (民法典 第二百零一条): 10 calendar
days from 1 March end on 11 March; 7 working days skip weekends and holidays and count
make-up working days (调休).

What a passed deadline means (``on_pass``):

* ``overdue``: someone owes an action; the deadline stays listed as overdue until done.
* ``expires``: a window closes (the organization's comment window, an objection period):
  nobody owes anything, the right to act simply ends; listed as due until then.
* ``fire``: the trigger ``fire`` is fired automatically by ``procure tick`` (e.g. the call
  closes); listed as overdue while the tick has not run or was refused.

A last day counted through a provisional (暂定) year of the calendar (issue 18) is itself
provisional: :meth:`DeadlineRule.window` says which years it depends on. A deadline that
``holds`` (a window granted to someone outside the federation) is then not passed on its
provisional last day: it stays open until a bound (``held_until``, a number of working days
later) or until the year's notice is entered and the day is counted again. One that does
not hold (what the federation owes itself) runs on the provisional day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from procure.domain.workdays import WorkingCalendar

ENTERS = "enters"
TRIGGER = "trigger"
SERVICE_END = "service_end"
START_KINDS = (ENTERS, TRIGGER, SERVICE_END)

OVERDUE = "overdue"
EXPIRES = "expires"
FIRE = "fire"

DUE = "due"
EXPIRED = "expired"

HOLD = "hold"
RUN = "run"
PROVISIONAL_CHOICES = (HOLD, RUN)
DEFAULT_HOLD_WORKING_DAYS = 10


@dataclass(frozen=True)
class Window:
    """A deadline's last day as counted on one calendar.

    Attributes:
        last_day: the last day on which it is still met.
        provisional: the provisional (暂定) years the count went through (empty: official).
        held_until: for a deadline that holds, the day it stays open until while its last
            day is provisional (the bound); ``None`` otherwise.
    """

    last_day: date
    provisional: tuple[int, ...] = ()
    held_until: date | None = None

    def closes_on(self) -> date:
        """The last day on which the deadline is still open or met."""
        return self.held_until or self.last_day


@dataclass(frozen=True)
class DeadlineStart:
    """The event a deadline runs from.

    ``kind`` is ``enters`` (the project last entered state ``name``), ``trigger`` (the
    latest firing of trigger ``name``) or ``service_end`` (the last day of the contract's
    service period; ``name`` is empty).
    """

    kind: str
    name: str = ""

    def describe(self) -> str:
        """The event in words, e.g. ``entering soliciting``."""
        if self.kind == ENTERS:
            return f"entering {self.name}"
        if self.kind == TRIGGER:
            return self.name
        return "the end of the service period"


@dataclass(frozen=True)
class DeadlineRule:
    """One configured deadline.

    Attributes:
        code: its name, e.g. ``sign_contract``.
        zh: its Chinese label.
        en: its English label.
        start: the event it runs from.
        days: how many days after that event.
        working: whether ``days`` counts working days (else calendar days).
        ends_on_working_day: a calendar-day period ending on a day off ends on the next
            working day instead (民法典 第二百零三条).
        role: who must act.
        states: the states in which the deadline runs; leaving them meets it.
        done_by: triggers that meet it once fired after the start event.
        on_pass: ``overdue``, ``expires`` or ``fire``.
        fire: the trigger fired automatically when ``on_pass`` is ``fire``.
        remind_days: a reminder is queued once the last day is this many calendar days
            away or nearer.
        basis: where the default comes from, shown with the rule (in Chinese).
        basis_en: the same in English (empty: the Chinese is shown in both languages).
    """

    code: str
    zh: str
    en: str
    start: DeadlineStart
    days: int
    working: bool
    role: str
    states: tuple[str, ...]
    done_by: tuple[str, ...] = ()
    on_pass: str = OVERDUE
    fire: str | None = None
    ends_on_working_day: bool = False
    remind_days: int = 3
    basis: str = ""
    holds: bool = False
    basis_en: str = ""

    def counted_days(self, event_day: date, last_day: date) -> tuple[date, date] | None:
        """The first and last day the calendar was asked about, or ``None`` if none was."""
        if self.working:
            return (event_day + timedelta(days=1), last_day) if last_day > event_day else None
        if self.ends_on_working_day:
            return event_day + timedelta(days=self.days), last_day
        return None

    def window(self, event_day: date, calendar: WorkingCalendar, hold_working_days: int) -> Window:
        """Count the last day, and say whether it is provisional and how long it holds.

        Raises:
            OutsideCalendar: if the count needs a year the calendar does not know.
        """
        last = self.last_day(event_day, calendar)
        span = self.counted_days(event_day, last)
        provisional = calendar.provisional_years(*span) if span else ()
        held = None
        if provisional and self.holds:
            held = calendar.add_working_days(last, hold_working_days)
        return Window(last, provisional, held)

    def last_day(self, event_day: date, calendar: WorkingCalendar) -> date:
        """Return the last day on which the deadline is still met.

        Raises:
            OutsideCalendar: if the count needs a year the calendar does not know.
        """
        if self.working:
            return calendar.add_working_days(event_day, self.days)
        end = event_day + timedelta(days=self.days)
        return calendar.first_working_day_from(end) if self.ends_on_working_day else end

    def status(self, last_day: date, today: date, held_until: date | None = None) -> str:
        """``due`` up to and including ``last_day`` (or ``held_until``, when held); then
        ``expired`` or ``overdue``."""
        if today <= (held_until or last_day):
            return DUE
        return EXPIRED if self.on_pass == EXPIRES else OVERDUE

    def describe(self) -> str:
        """The rule in words, e.g. ``7 working days from award, by officer, then overdue``."""
        unit = "working days" if self.working else "calendar days"
        after = {OVERDUE: "then overdue", EXPIRES: "then closed"}.get(
            self.on_pass, f"then {self.fire} automatically"
        )
        return f"{self.days} {unit} from {self.start.describe()}, by {self.role}, {after}"
