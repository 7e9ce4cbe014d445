"""What is due or overdue: every running deadline of the open projects, as plain data.

A deadline of ``workflows/deadlines.yaml`` runs on a project while the project is in one
of its states, from its event (the project entering a state, a trigger's latest audit
row, or the end of the contract's service period) until one of its ``done_by`` triggers
fires after that event or the project leaves those states. Days are counted from the
event's day in Beijing time on the working-day calendar. A deadline whose count needs a
year the calendar does not know is listed with the problem instead of a guessed date; one
counted through a provisional (暂定) year says which (``provisional``), and a window that
holds stays due until ``held_until`` (see :mod:`procure.domain.deadlines`).

:func:`due_items` is what ``procure due`` prints and what the web dashboard renders.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, false, or_
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from procure.domain.deadlines import ENTERS, EXPIRED, OVERDUE, SERVICE_END, DeadlineRule, Window
from procure.domain.language import _, both
from procure.domain.workdays import OutsideCalendar, WorkingCalendar
from procure.services.browse.visibility import Reach, reach_clause, viewer_scope
from procure.services.deadlines.calendar_state import calendar_for
from procure.services.lifecycle.clock import now_utc
from procure.services.loading.replay import BEIJING
from procure.store.models import Contract, Organization, Project, Purchaser, TransitionLog
from procure.workflow.rules import Rules, default_rules

UNKNOWN = "unknown"
_CHUNK = 500


@dataclass(frozen=True)
class DueItem:
    """One running deadline of one project: what, for whom, by when, under which rule."""

    key: str  # project, deadline and the event it runs from: one reminder per key and person
    project: str
    title: str
    purchaser: str
    state: str
    deadline: str
    zh: str
    en: str
    role: str
    organization: str | None  # the awarded organization's USCC, for its own deadlines
    starts_on: date
    due_on: date | None
    status: str  # due, overdue, expired, or unknown (see problem)
    days_left: int | None  # calendar days until due_on; negative once passed
    rule: str
    basis: str
    fires: str | None
    problem: str | None = None
    problem_zh: str | None = None  # the problem in Chinese, short (JSON and records)
    provisional: tuple[int, ...] = ()  # the 暂定 years its last day was counted through
    held_until: date | None = None  # a window that holds: open until then while provisional
    unknown_year: int | None = None  # the year the calendar does not know (see problem)

    @property
    def label(self) -> str:
        """The deadline's name in the language in use."""
        return both(self.zh, self.en)

    @property
    def problem_label(self) -> str | None:
        """Why the deadline cannot be counted, short, in the language in use."""
        if self.problem is None:
            return None
        if self.unknown_year is None:
            return _(
                "Cannot be counted: the working calendar does not know that year's holidays; "
                "an administrator should enter that year's notice"
            )
        return _(
            "Cannot be counted: the working calendar does not know the holidays of %(year)s; "
            "an administrator should enter that year's notice",
            year=self.unknown_year,
        )

    @property
    def held(self) -> bool:
        """Whether the window is open only because its provisional last day may move."""
        return self.held_until is not None and self.due_on is not None and self.status == "due"

    def as_dict(self) -> dict[str, Any]:
        """The item as JSON-ready data (dates as ISO text)."""
        data = asdict(self)
        data.pop("unknown_year")
        data["provisional"] = list(self.provisional)
        for name in ("starts_on", "due_on", "held_until"):
            value = data[name]
            data[name] = None if value is None else value.isoformat()
        return data


@dataclass(frozen=True)
class _Event:
    seq: int
    trigger: str
    from_state: str | None
    to_state: str | None
    day: date


def beijing_day(moment: datetime) -> date:
    """The calendar day of ``moment`` in Beijing time."""
    return moment.astimezone(BEIJING).date()


def due_items(
    session: Session,
    *,
    login: str | None = None,
    today: date | None = None,
    overdue_only: bool = False,
    within_days: int | None = None,
    include_expired: bool = False,
    rules: Rules | None = None,
    calendar: WorkingCalendar | None = None,
) -> list[DueItem]:
    """List the running deadlines, soonest first.

    Args:
        session: an open session.
        login: only the deadlines this account must act on (a role it holds with a grant
            covering the project); every deadline when ``None``.
        today: the day to judge by (default: today in Beijing).
        overdue_only: only the deadlines passed and still owed.
        within_days: only those due within this many calendar days (passed ones included).
        include_expired: also the windows that closed (nobody owes anything there).
        rules: the configuration (default: the installed one).
        calendar: the working-day calendar (default: the installed one).

    Returns:
        The items, by due date (those with a calendar problem first), then project.

    Raises:
        InvalidInput: a malformed login.
    """
    rules = rules or default_rules()
    calendar = calendar or calendar_for(session)
    today = today or beijing_day(now_utc())
    reach = _reach_by_role(session, login, rules) if login is not None else None
    items = running_deadlines(session, rules=rules, calendar=calendar, today=today, reach=reach)
    kept = [
        item
        for item in items
        if (include_expired or item.status != EXPIRED)
        and (not overdue_only or item.status == OVERDUE)
        and (
            within_days is None
            or item.due_on is None
            or item.due_on <= today + timedelta(days=within_days)
        )
    ]
    return sorted(kept, key=lambda item: (item.due_on or date.min, item.project, item.deadline))


def running_deadlines(
    session: Session,
    *,
    rules: Rules,
    calendar: WorkingCalendar,
    today: date,
    reach: dict[str, Reach] | None = None,
) -> list[DueItem]:
    """Every deadline running on a project (within ``reach`` by role, when given)."""
    deadlines = rules.deadlines.rules
    if not deadlines:
        return []
    statement = (
        select(Project, Purchaser.code)
        .join(Purchaser, col(Purchaser.id) == col(Project.purchaser_id))
        .where(col(Project.state).in_(sorted(rules.deadlines.states())))
        .order_by(col(Project.code))
    )
    if reach is not None:
        statement = statement.where(_reach_clause(reach, deadlines))
    projects = list(session.exec(statement))
    codes = [project.code for project, _ in projects]
    events = _events(session, codes, deadlines)
    ids = [project.id for project, _ in projects if project.id is not None]
    contracts = _contract_ends(session, ids)
    organizations = _organizations(session, projects)
    hold = rules.deadlines.hold_working_days
    items: list[DueItem] = []
    for project, purchaser in projects:
        for rule in deadlines:
            if project.state not in rule.states:
                continue
            if reach is not None and not role_covers(reach.get(rule.role), rule.role, project):
                continue
            anchor = _anchor(rule, events.get(project.code, []), contracts.get(project.id))
            if anchor is None:
                continue
            key, seq, day = anchor
            if _done(rule, events.get(project.code, []), seq):
                continue
            organization = organizations.get(project.awarded_organization_id)
            items.append(
                _item(rule, project, purchaser, key, day, today, calendar, organization, hold)
            )
    return items


def _item(
    rule: DeadlineRule,
    project: Project,
    purchaser: str,
    key: str,
    day: date,
    today: date,
    calendar: WorkingCalendar,
    organization: str | None,
    hold: int,
) -> DueItem:
    try:
        window: Window | None = rule.window(day, calendar, hold)
        problem = problem_zh = unknown_year = None
    except OutsideCalendar as exc:
        window, problem, unknown_year = None, str(exc), exc.year or None
        problem_zh = f"无法计算：工作日历不知道{exc.year or '该'}年的放假安排，请管理员录入该年通知"
    due_on = None if window is None else window.last_day
    held_until = None if window is None else window.held_until
    return DueItem(
        key=f"{project.code}:{rule.code}:{key}",
        project=project.code,
        title=project.title,
        purchaser=purchaser,
        state=project.state,
        deadline=rule.code,
        zh=rule.zh,
        en=rule.en,
        role=rule.role,
        organization=organization if rule.role == "organization" else None,
        starts_on=day,
        due_on=due_on,
        status=UNKNOWN if due_on is None else rule.status(due_on, today, held_until),
        days_left=None if due_on is None else (due_on - today).days,
        rule=rule.describe(),
        basis=rule.basis,
        fires=rule.fire,
        problem=problem,
        problem_zh=problem_zh,
        provisional=() if window is None else window.provisional,
        held_until=held_until,
        unknown_year=unknown_year,
    )


def _anchor(
    rule: DeadlineRule, events: Sequence[_Event], contract: tuple[int, date] | None
) -> tuple[str, int, date] | None:
    """The event a deadline runs from: (key, audit sequence, day), or ``None`` if none yet."""
    if rule.start.kind == SERVICE_END:
        if contract is None:
            return None
        contract_id, end_on = contract
        return f"contract{contract_id}", 0, end_on
    for event in reversed(events):
        if rule.start.kind == ENTERS:
            if event.to_state == rule.start.name and event.from_state != rule.start.name:
                return str(event.seq), event.seq, event.day
        elif event.trigger == rule.start.name:
            return str(event.seq), event.seq, event.day
    return None


def _done(rule: DeadlineRule, events: Sequence[_Event], since: int) -> bool:
    return any(event.seq > since and event.trigger in rule.done_by for event in events)


def _events(
    session: Session, codes: Sequence[str], deadlines: Iterable[DeadlineRule]
) -> dict[str, list[_Event]]:
    """The audit rows the deadlines look at, per project, in trail order."""
    triggers: set[str] = set()
    states: set[str] = set()
    for rule in deadlines:
        triggers.update(rule.done_by)
        if rule.start.kind == ENTERS:
            states.add(rule.start.name)
        elif rule.start.kind != SERVICE_END:
            triggers.add(rule.start.name)
    found: dict[str, list[_Event]] = {}
    log = TransitionLog
    for first in range(0, len(codes), _CHUNK):
        columns = (log.seq, log.at, log.project_code, log.trigger, log.from_state, log.to_state)
        statement = (
            select_columns(*(col(column) for column in columns))
            .where(col(log.project_code).in_(codes[first : first + _CHUNK]))
            .where(or_(col(log.trigger).in_(sorted(triggers)), col(log.to_state).in_(states)))
            .order_by(col(log.seq))
        )
        for seq, at, code, trigger, from_state, to_state in session.execute(statement):
            day = datetime.fromisoformat(at.replace("Z", "+00:00"))
            event = _Event(seq, trigger, from_state, to_state, beijing_day(day))
            found.setdefault(str(code), []).append(event)
    return found


def _contract_ends(session: Session, ids: Sequence[int]) -> dict[int | None, tuple[int, date]]:
    ends: dict[int | None, tuple[int, date]] = {}
    for first in range(0, len(ids), _CHUNK):
        statement = select(col(Contract.project_id), col(Contract.id), col(Contract.end_on)).where(
            col(Contract.project_id).in_(ids[first : first + _CHUNK])
        )
        for project_id, contract_id, end_on in session.exec(statement):
            ends[project_id] = (int(contract_id or 0), end_on)
    return ends


def _organizations(
    session: Session, projects: Sequence[tuple[Project, str]]
) -> dict[int | None, str]:
    ids = sorted({p.awarded_organization_id for p, _ in projects if p.awarded_organization_id})
    found: dict[int | None, str] = {}
    for first in range(0, len(ids), _CHUNK):
        statement = select(col(Organization.id), col(Organization.uscc)).where(
            col(Organization.id).in_(ids[first : first + _CHUNK])
        )
        found.update((org_id, uscc) for org_id, uscc in session.exec(statement))
    return found


def _reach_by_role(session: Session, login: str, rules: Rules) -> dict[str, Reach]:
    roles = {rule.role for rule in rules.deadlines.rules}
    scope = viewer_scope(session, login)
    return {role: reach for role, reach in scope.by_role.items() if role in roles}


def _reach_clause(reach: dict[str, Reach], deadlines: Iterable[DeadlineRule]) -> Any:
    roles = {rule.role for rule in deadlines}
    clauses: list[ColumnElement[bool]] = [
        reach_clause(reach[role], organization_by_award=True) for role in roles if role in reach
    ]
    return or_(false(), *clauses)


def role_covers(reach: Reach | None, role: str, project: Project) -> bool:
    """Whether a role's reach covers acting on ``project`` (as authorization judges it)."""
    if reach is None or reach.empty:
        return False
    if reach.everything:
        return True
    if role == "organization":
        return project.awarded_organization_id in reach.organization_ids
    return project.purchaser_id in reach.purchaser_ids
