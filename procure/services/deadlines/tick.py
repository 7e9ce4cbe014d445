"""The daily tick: fire what a passed deadline fires, queue the reminders that are due.

``procure tick`` (run daily by cron or the job worker) judges every running deadline as of
one day. A deadline declared ``when_passed: {fire: TRIGGER}`` whose last day is behind is
fired through :func:`procure.services.lifecycle.fire.advance`, by the account the tick acts
through in the deadline's role, with the rule as its reason: guards, audit row and all,
each project in a transaction of its own, every row of one run sharing its batch id. A
refusal (a guard, a missing grant) is reported and the deadline stays overdue. Running
it again fires nothing twice: a fired deadline no longer runs (the project left its state).

Then each deadline within its ``remind_days`` or overdue gets one reminder per account
holding its role over the project (:func:`.outbox.queue_reminders`, once per deadline
and account, whatever the number of runs).

The tick is an action like any other: the account it acts through must be active and hold
an officer or admin grant (:func:`tick_actor`), and each run writes one ``tick`` audit row
(its day, batch, what it fired, refused and queued) in the transaction that queues the
reminders.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlmodel import Session, col, select

from procure.domain.deadlines import DUE, FIRE, OVERDUE
from procure.domain.errors import InvalidInput, NotFound, Refused
from procure.domain.identity import normalize_login
from procure.domain.language import _, pgettext
from procure.domain.workdays import WorkingCalendar
from procure.services.accounts.authorization import GrantMissing, Scope, authorize
from procure.services.browse.visibility import Reach, viewer_scope
from procure.services.deadlines.calendar_state import calendar_for
from procure.services.deadlines.due import DueItem, beijing_day, role_covers, running_deadlines
from procure.services.deadlines.due_view import rule_text
from procure.services.deadlines.outbox import queue_reminders
from procure.services.lifecycle.clock import now_utc
from procure.services.lifecycle.fire import advance
from procure.services.loading.replay import BEIJING
from procure.store import audit
from procure.store.models import Project
from procure.store.trust_models import RoleGrant, User
from procure.workflow.context import Actor
from procure.workflow.roles import role_label
from procure.workflow.rules import Rules, default_rules

TICK_HOUR = time(9)
TICK_TRIGGER = "tick"
TICK_ROLES = ("officer", "admin")


@dataclass(frozen=True)
class Fired:
    """A trigger a passed deadline fired (or tried to)."""

    project: str
    deadline: str
    trigger: str
    due_on: date
    seq: int | None = None  # the audit row, when fired
    refused: str | None = None  # why not, when refused


@dataclass
class TickResult:
    """What one tick did, for the person or script that ran it."""

    batch_id: str
    on: date
    fired: list[Fired] = field(default_factory=list)
    refused: list[Fired] = field(default_factory=list)
    queued: int = 0
    unreached: list[str] = field(default_factory=list)  # deadlines nobody holds the role for
    problems: list[str] = field(default_factory=list)  # deadlines the calendar cannot count
    held: list[str] = field(default_factory=list)  # windows kept open on a provisional day


def tick(
    session: Session,
    *,
    by: str,
    on: date | None = None,
    rules: Rules | None = None,
    calendar: WorkingCalendar | None = None,
) -> TickResult:
    """Fire the automatic triggers of passed deadlines and queue reminders, as of ``on``.

    Args:
        session: an open session; the tick commits its own transactions.
        by: the login of the account the tick acts through (it needs the deadline's role
            over the project, as anyone firing the trigger would).
        on: the day to judge by (default: today in Beijing); its transitions are stamped
            at 09:00 Beijing time of that day, or now when ``on`` is today.
        rules: the configuration (default: the installed one).
        calendar: the working-day calendar (default: the installed one).

    Raises:
        InvalidInput: a malformed login.
        Refused: the account is unknown, deactivated, or holds no officer or admin grant.
    """
    actor = tick_actor(session, by)
    rules = rules or default_rules()
    calendar = calendar or calendar_for(session)
    now = now_utc()
    today = beijing_day(now)
    on = on or today
    at = now if on == today else datetime.combine(on, TICK_HOUR, BEIJING)
    login = normalize_login(by)
    result = TickResult(batch_id=f"tick-{on.isoformat()}-{uuid.uuid4().hex[:8]}", on=on)
    for item in _judged(session, rules, calendar, on):
        rule = rules.deadlines.rule(item.deadline)
        if rule is None or rule.on_pass != FIRE or rule.fire is None or item.status != OVERDUE:
            continue
        assert item.due_on is not None
        reason = _(
            "Deadline %(deadline)s passed on %(day)s: %(rule)s",
            deadline=item.label,
            day=item.due_on.isoformat(),
            rule=rule_text(item.deadline, rules),
        )
        try:
            fired = advance(
                session,
                item.project,
                rule.fire,
                Actor(login, rule.role),
                reason=reason,
                at=at,
                batch_id=result.batch_id,
                rules=rules,
            )
        except (Refused, InvalidInput, NotFound) as exc:
            session.rollback()
            result.refused.append(
                Fired(item.project, item.deadline, rule.fire, item.due_on, refused=str(exc))
            )
            continue
        result.fired.append(Fired(item.project, item.deadline, rule.fire, item.due_on, fired.seq))
    _queue(session, rules, calendar, result, at)
    audit.append(
        session,
        audit.AuditEntry(
            actor=actor.name,
            role=actor.role,
            trigger=TICK_TRIGGER,
            at=at,
            reason=_("Deadline check %(day)s", day=on.isoformat()),
            data={
                "on": on.isoformat(),
                "fired": len(result.fired),
                "refused": len(result.refused),
                "queued": result.queued,
            },
            batch_id=result.batch_id,
            actor_name=actor.display,
        ),
    )
    session.commit()
    return result


def tick_actor(session: Session, by: str) -> Actor:
    """The account the tick acts through, in the first of its roles it holds anywhere.

    Raises:
        InvalidInput: a malformed login.
        Refused: no such active account, or it holds neither an officer nor an admin grant.
    """
    login = normalize_login(by)
    refusals: list[Refused] = []
    for role in TICK_ROLES:
        try:
            user = authorize(
                session, Actor(login, role), Scope(any_purchaser=True), _("tick"), allow_setup=False
            )
        except Refused as exc:
            refusals.append(exc)
            continue
        session.rollback()  # end the read: each fired project has its own transaction
        return Actor(login, role, user.name if user is not None else login)
    session.rollback()
    if all(isinstance(refusal, GrantMissing) for refusal in refusals):
        raise Refused(
            _(
                "The daily check refused: %(login)s holds neither a project officer nor an "
                "administrator grant; the check needs one",
                login=login,
            )
        )
    raise Refused(str(refusals[0]))


def _judged(session: Session, rules: Rules, calendar: WorkingCalendar, on: date) -> list[DueItem]:
    items = running_deadlines(session, rules=rules, calendar=calendar, today=on)
    session.rollback()  # end the read before each project's own transaction
    return items


def _queue(
    session: Session, rules: Rules, calendar: WorkingCalendar, result: TickResult, at: datetime
) -> None:
    items = _judged(session, rules, calendar, result.on)
    result.problems = [
        pgettext(
            "deadline",
            "%(code)s %(deadline)s: %(problem)s",
            code=i.project,
            deadline=i.label,
            problem=i.problem,
        )
        for i in items
        if i.problem
    ]
    result.held = [_held_line(item) for item in items if item.held]
    remind = [item for item in items if _reminds(rules, item)]
    holders = role_holders(session, {item.role for item in remind})
    projects = projects_by_code(session, {item.project for item in remind})
    recipients: list[tuple[DueItem, str]] = []
    for item in remind:
        logins = [
            login
            for login, reach in holders.get(item.role, [])
            if role_covers(reach, item.role, projects[item.project])
        ]
        if not logins:
            result.unreached.append(
                pgettext(
                    "deadline",
                    "%(code)s %(deadline)s (%(role)s)",
                    code=item.project,
                    deadline=item.label,
                    role=role_label(item.role),
                )
            )
        recipients.extend((item, login) for login in logins)
    result.queued = queue_reminders(session, recipients, batch_id=result.batch_id, at=at)


def _held_line(item: DueItem) -> str:
    """Why a window the provisional calendar would close stays open (for the summary)."""
    assert item.due_on is not None and item.held_until is not None
    values = {
        "code": item.project,
        "deadline": item.label,
        "day": item.due_on.isoformat(),
        "years": pgettext("list", ", ").join(str(year) for year in item.provisional),
        "held": item.held_until.isoformat(),
    }
    if (item.days_left or 0) < 0:
        return _(
            "%(code)s %(deadline)s: past its provisional last day %(day)s, counted on the "
            "provisional calendar of %(years)s; not closed, held open until the State Council "
            "notice is entered or until %(held)s",
            **values,
        )
    return _(
        "%(code)s %(deadline)s: provisional last day %(day)s, counted on the provisional "
        "calendar of %(years)s; not closed, held open until the State Council notice is "
        "entered or until %(held)s",
        **values,
    )


def _reminds(rules: Rules, item: DueItem) -> bool:
    rule = rules.deadlines.rule(item.deadline)
    if rule is None or item.days_left is None:
        return False
    return item.status == OVERDUE or (item.status == DUE and item.days_left <= rule.remind_days)


def role_holders(session: Session, roles: set[str]) -> dict[str, list[tuple[str, Reach]]]:
    """The active accounts holding each role, with where that role reaches."""
    if not roles:
        return {}
    statement = (
        select(User.login)
        .join(RoleGrant, col(RoleGrant.user_id) == col(User.id))
        .where(col(User.active).is_(True), col(RoleGrant.role).in_(sorted(roles)))
        .where(col(RoleGrant.revoked_at).is_(None))
        .distinct()
        .order_by(col(User.login))
    )
    holders: dict[str, list[tuple[str, Reach]]] = {}
    for login in session.exec(statement):
        scope = viewer_scope(session, login)
        for role, reach in scope.by_role.items():
            if role in roles:
                holders.setdefault(role, []).append((login, reach))
    return holders


def projects_by_code(session: Session, codes: set[str]) -> dict[str, Project]:
    """The projects named by ``codes``, by code (read in chunks)."""
    found: dict[str, Project] = {}
    for chunk in _chunks(sorted(codes)):
        found.update(
            (p.code, p) for p in session.exec(select(Project).where(col(Project.code).in_(chunk)))
        )
    return found


def _chunks(codes: list[str], size: int = 500) -> Iterator[list[str]]:
    for first in range(0, len(codes), size):
        yield codes[first : first + size]
