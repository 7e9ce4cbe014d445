"""What waits for a viewer: the projects where one of its roles may fire a trigger now.

A project waits for an account when a transition leaves the project's state, one of
the account's roles may fire it, a grant of that role covers the project (as
:mod:`procure.services.accounts.authorization` judges acting: a purchaser grant covers the
purchasers below it, an ``organization`` grant the projects awarded to it) and every
guard that needs no fact from the person (the ones ``procure actions`` checks) holds.

Guards cost queries, so the work is bounded: SQL first keeps the projects in a state
some held role may act in, inside that role's reach, oldest first, at most ``limit``
of them; only those candidates have their guards checked. A candidate whose guards
all refuse is left out, so the list may hold fewer than ``limit`` projects while more
wait further on: the page says "the first N"; the projects list filtered by state
shows them all. ``cancel`` is not counted: a project may be withdrawn at any stage
before its contract, which is not something it waits for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_
from sqlmodel import Session, col, select

from procure.domain.language import both
from procure.services.browse.visibility import Reach, ViewerScope, reach_clause
from procure.services.lifecycle.clock import now_utc
from procure.store.models import Assessment, Project
from procure.store.notice_models import AwardNotice, Objection, ObjectionAnswer
from procure.workflow.context import ActionContext, Actor
from procure.workflow.definition import TransitionDef
from procure.workflow.guards import FACT_GUARDS
from procure.workflow.next_year import UNBARRED, barred_next_year
from procure.workflow.roles import READ_ONLY_ROLES
from procure.workflow.rules import Rules, default_rules

ASIDE_TRIGGERS: frozenset[str] = frozenset(
    {
        "cancel",
        "record_recusal",
        "lodge_objection",
        "uphold_objection",
        "reject_objection",
        "withdraw_proposal",
        "replace_review",
        "replace_assessment",
    }
)
"""Triggers that are at hand rather than awaited; they make no project wait. A recusal or an
objection comes when someone declares it. An objection awaiting its answer makes its project
wait, by a query of its own (:func:`objections_waiting`), with the day it must be answered
by. A withdrawal or a replaced sheet comes when its author changes their mind."""

ANSWERING_ROLE = "officer"
ANSWER = ("answer_objection", "答复质疑", "Answer the objection")
"""What waits while an objection has no answer: the officer's answer (uphold or reject)."""


@dataclass(frozen=True)
class WaitingAction:
    """A trigger the viewer may fire now, and the role it fires it in."""

    trigger: str
    zh: str
    en: str
    role: str
    since: date | None = None  # for an answer: the day the objection was lodged
    due: date | None = None  # the last day to do it, where it has one

    @property
    def label(self) -> str:
        """The step as people name it, in the language in use."""
        return both(self.zh, self.en)


@dataclass(frozen=True)
class WaitingProject:
    """A project waiting for the viewer, with what the viewer may do there."""

    code: str
    year: int
    title: str
    state: str
    state_zh: str
    actions: list[WaitingAction]


def waiting_for(
    session: Session, scope: ViewerScope, login: str, limit: int = 20, *, rules: Rules | None = None
) -> list[WaitingProject]:
    """Return up to ``limit`` projects where ``login`` may fire a trigger now, oldest first.

    Args:
        scope: ``viewer_scope(session, login)``: the roles and where each reaches.
        login: the account, named in the guards that ask who acts (e.g. a second sheet).
        limit: how many candidates at most have their guards checked (see the module).
    """
    return waiting_and_checked(session, scope, login, limit, rules=rules)[0]


def waiting_and_checked(
    session: Session, scope: ViewerScope, login: str, limit: int = 20, *, rules: Rules | None = None
) -> tuple[list[WaitingProject], frozenset[str]]:
    """:func:`waiting_for`, and the codes of every project whose guards it checked (the
    candidates, waiting or not): what a later change must name to alter the list
    (:mod:`procure.services.browse.waiting_cache`)."""
    rules = rules or default_rules()
    acting = {role: reach for role, reach in scope.by_role.items() if role not in READ_ONLY_ROLES}
    if limit < 1 or not acting:
        return [], frozenset()
    transitions = [
        t for t in rules.engine.definition.transitions if t.trigger not in ASIDE_TRIGGERS
    ]
    chosen = (
        select(col(Project.id))
        .where(or_(false(), *_role_clauses(acting, transitions)))
        .order_by(col(Project.id))
        .limit(limit)
        .subquery()
    )
    statement = (  # each candidate with its final assessment and whether a bar refuses it
        select(Project, Assessment, barred_next_year().label("barred"))
        .join(chosen, col(chosen.c.id) == col(Project.id))
        .outerjoin(
            Assessment,
            and_(col(Assessment.project_id) == col(Project.id), col(Assessment.final).is_(True)),
        )
        .order_by(col(Project.id), col(Assessment.id))
    )
    candidates: dict[int | None, tuple[Project, Assessment | None]] = {}
    barred: set[int | None] = set()
    for project, sheet, is_barred in session.exec(statement):
        candidates.setdefault(project.id, (project, sheet))  # the first final sheet, as queries
        if is_barred:
            barred.add(project.id)
    unbarred = frozenset(set(candidates) - barred)
    answers = objections_waiting(session, acting, limit, rules=rules)
    waiting = []
    for project, final in candidates.values():
        facts = {"final_assessment": final, UNBARRED: unbarred}
        actions = _actions(session, rules, project, login, acting, transitions, facts)
        actions = [*answers.pop(project.id, []), *actions]
        if actions:
            waiting.append(_waiting(project, actions, rules))
    for project_id, actions in answers.items():  # waits for nothing but the answer
        answered = session.get(Project, project_id)
        if answered is not None:
            waiting.append(_waiting(answered, actions, rules))
    checked = frozenset(project.code for project, _final in candidates.values())
    return waiting, checked | {project.code for project in waiting}


def objections_waiting(
    session: Session, acting: dict[str, Reach], limit: int, *, rules: Rules
) -> dict[int | None, list[WaitingAction]]:
    """The projects in the officer's reach with an objection still unanswered, oldest
    objection first, at most ``limit``: one answer each (since its oldest objection)."""
    reach = acting.get(ANSWERING_ROLE)
    if reach is None:
        return {}
    answering = {"uphold_objection", "reject_objection"}
    states = {
        s for t in rules.engine.definition.transitions if t.trigger in answering for s in t.sources
    }
    statement = (
        select(Project.id, func.min(Objection.lodged_on))
        .join(AwardNotice, col(AwardNotice.project_id) == col(Project.id))
        .join(Objection, col(Objection.notice_id) == col(AwardNotice.id))
        .outerjoin(ObjectionAnswer, col(ObjectionAnswer.objection_id) == col(Objection.id))
        .where(col(ObjectionAnswer.id).is_(None), col(Project.state).in_(sorted(states)))
        .where(reach_clause(reach, organization_by_award=True))
        .group_by(col(Project.id))
        .order_by(func.min(Objection.lodged_on), col(Project.id))
        .limit(limit)
    )
    return {
        project_id: [WaitingAction(*ANSWER, ANSWERING_ROLE, since=lodged_on)]
        for project_id, lodged_on in session.exec(statement)
    }


def _role_clauses(
    acting: dict[str, Reach], transitions: list[TransitionDef]
) -> list[ColumnElement[bool]]:
    clauses = []
    for role, reach in sorted(acting.items()):
        states = sorted({s for t in transitions if role in t.roles for s in t.sources})
        if states:
            where = reach_clause(reach, organization_by_award=True)
            clauses.append(and_(col(Project.state).in_(states), where))
    return clauses


def _actions(
    session: Session,
    rules: Rules,
    project: Project,
    login: str,
    acting: dict[str, Reach],
    transitions: list[TransitionDef],
    facts: dict[str, Any],
) -> list[WaitingAction]:
    actions: list[WaitingAction] = []
    for transition in transitions:
        if project.state not in transition.sources:
            continue
        if any(action.trigger == transition.trigger for action in actions):
            continue  # another entry of the same trigger already allowed it
        role = _role_allowed(session, rules, project, login, acting, transition, facts)
        if role is not None:
            actions.append(WaitingAction(transition.trigger, transition.zh, transition.en, role))
    return actions


def _role_allowed(
    session: Session,
    rules: Rules,
    project: Project,
    login: str,
    acting: dict[str, Reach],
    transition: TransitionDef,
    facts: dict[str, Any],
) -> str | None:
    """Return the first held role that may fire ``transition`` on ``project`` now, if any."""
    for role in transition.roles:
        reach = acting.get(role)
        if reach is None or not _covers(reach, project):
            continue
        if _guards_hold(session, rules, project, Actor(login, role), transition, facts):
            return role
    return None


def _covers(reach: Reach, project: Project) -> bool:
    if reach.everything or project.purchaser_id in reach.purchaser_ids:
        return True
    return project.awarded_organization_id in reach.organization_ids


def _guards_hold(
    session: Session,
    rules: Rules,
    project: Project,
    actor: Actor,
    transition: TransitionDef,
    facts: dict[str, Any],
) -> bool:
    context = ActionContext(
        session=session,
        rules=rules,
        project=project,
        actor=actor,
        trigger=transition.trigger,
        params={},
        reason="",
        at=now_utc(),
        facts=facts,
    )
    factless = (guard for guard in transition.guards if guard not in FACT_GUARDS)
    return not any(rules.engine.guard(guard)(context) for guard in factless)


def _waiting(project: Project, actions: list[WaitingAction], rules: Rules) -> WaitingProject:
    return WaitingProject(
        code=project.code,
        year=project.year,
        title=project.title,
        state=project.state,
        state_zh=rules.engine.definition.state(project.state).zh,
        actions=actions,
    )
