"""Objections (质疑) to an award notice: lodge one, answer one.

Both are triggers of the project's lifecycle (``lodge_objection``, ``uphold_objection``,
``reject_objection`` in ``workflows/service_project.yaml``), so they are authorized by
grants, guarded, and audited like every other step.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from procure.domain.deadlines import Window
from procure.domain.errors import InvalidInput, NotFound
from procure.domain.notices import OUTCOME_LABELS, OUTCOMES
from procure.domain.workdays import OutsideCalendar
from procure.services.deadlines.calendar_state import calendar_for
from procure.services.lifecycle.fire import TransitionResult, advance
from procure.store import accounts as account_store
from procure.store import notices, queries
from procure.store.models import Organization
from procure.store.trust_models import User
from procure.workflow.context import Actor
from procure.workflow.rules import default_rules

ANSWER_TRIGGERS = {"upheld": "uphold_objection", "rejected": "reject_objection"}


def lodge(
    session: Session,
    code: str,
    actor: Actor,
    *,
    organization: str,
    text: str,
    lodged_on: date | str | None = None,
    document: str | None = None,
    **options: Any,
) -> TransitionResult:
    """Lodge an organization's objection to the project's award notice.

    The organization's own account lodges it for itself; an officer records it citing the
    reference of the document it came in (``document``).
    """
    params: dict[str, Any] = {"organization": organization, "text": text}
    if lodged_on is not None:
        params["lodged_on"] = lodged_on
    if document is not None:
        params["document"] = document
    return advance(session, code, "lodge_objection", actor, params=params, **options)


def answer(
    session: Session,
    code: str,
    actor: Actor,
    *,
    organization: str,
    outcome: str,
    reason: str,
    **options: Any,
) -> TransitionResult:
    """Answer the organization's oldest unanswered objection: ``upheld`` reopens the award
    for review, ``rejected`` keeps it; either way the reason is recorded and published."""
    trigger = ANSWER_TRIGGERS.get(outcome)
    if trigger is None:
        raise InvalidInput(f"an objection is answered {' or '.join(OUTCOMES)}, not {outcome!r}")
    params = {"organization": organization}
    return advance(session, code, trigger, actor, params=params, reason=reason, **options)


def objecting_organizations(session: Session, user: User, code: str) -> list[Organization]:
    """The organizations ``user`` acts for (its organization grants) that bid on project
    ``code`` and were not awarded it: those it may object for."""
    project = queries.project_by_code(session, code)
    own = {
        grant.organization_id
        for grant in account_store.active_grants(session, user)
        if grant.role == "organization" and grant.organization_id is not None
    }
    return [
        organization
        for proposal in queries.proposals_of(session, project)
        if proposal.organization_id in own
        and proposal.organization_id != project.awarded_organization_id
        and (organization := session.get(Organization, proposal.organization_id)) is not None
    ]


def objection_page(session: Session, code: str, user: User, today: date) -> dict[str, Any]:
    """What a bidder's objection page shows: the current notice and its window, the bidder's
    objections to the project's notices with their answers, and whether it may object now.

    Raises:
        NotFound: unknown project, or ``user`` acts for no organization that lost its award.
    """
    project = queries.project_by_code(session, code)
    organizations = objecting_organizations(session, user, code)
    notice = notices.current_notice(session, project)
    if not organizations or notice is None:
        raise NotFound(f"project {code} has no award notice you may object to")
    ours = {organization.id for organization in organizations}
    lodged = [row for row in notices.objections_of(session, project) if row.organization.id in ours]
    lodged_now = {row.organization.id for row in lodged if row.notice.id == notice.id}
    window = objection_window(session, notice.published_on)
    closes = notice.objections_close_on if window is None else window.closes_on()
    return {
        "window": window,
        "project": {"code": project.code, "title": project.title, "state": project.state},
        "notice": notice,
        "open": project.state == "awarded" and today <= closes,
        "organizations": [o for o in organizations if o.id not in lodged_now],
        "objections": [
            {
                "organization": row.organization.name,
                "notice": row.notice.number,
                "text": row.objection.text,
                "lodged_on": row.objection.lodged_on,
                "outcome_zh": OUTCOME_LABELS[row.answer.outcome] if row.answer else "待答复",
                "reason": row.answer.reason if row.answer else None,
                "answered_on": row.answer.answered_on if row.answer else None,
            }
            for row in lodged
        ],
    }


def objection_window(session: Session, published_on: date) -> Window | None:
    """The objection window of a notice published on ``published_on``, counted on today's
    calendar (暂定 and held open while it runs through a provisional year), or ``None`` when
    it cannot be counted."""
    rules = default_rules()
    rule = rules.deadlines.rule("objection_window")
    if rule is None:
        return None
    try:
        return rule.window(published_on, calendar_for(session), rules.deadlines.hold_working_days)
    except OutsideCalendar:
        return None
