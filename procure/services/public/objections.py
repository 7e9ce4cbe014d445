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
from procure.domain.documents import SEEN_AS
from procure.domain.errors import InvalidInput, NotFound
from procure.domain.language import _
from procure.domain.notices import OUTCOME_LABELS, OUTCOMES, outcome_label
from procure.domain.workdays import OutsideCalendar, WorkingCalendar
from procure.services.deadlines.calendar_state import calendar_for
from procure.services.documents.panels import FileRow, file_row
from procure.services.documents.views import attachment_view
from procure.services.lifecycle.fire import TransitionResult, advance
from procure.services.visibility.gate import ProjectGate
from procure.store import accounts as account_store
from procure.store import notices, queries
from procure.store.models import Organization, Project
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
        raise InvalidInput(
            _(
                "An objection is answered %(outcomes)s, not %(outcome)s",
                outcomes=" / ".join(OUTCOMES),
                outcome=repr(outcome),
            )
        )
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


def objection_page(
    session: Session, code: str, user: User, today: date, gate: ProjectGate
) -> dict[str, Any]:
    """What the notice tab shows: the current notice and its window, the objections to the
    project's notices with their answers, and whether the viewer may object now.

    A bidder that lost the award sees its own objections and the form to lodge one; the
    purchaser's staff (``gate.staff``) see every objection the gate lets them see, with the
    day each waiting one must be answered by.

    Raises:
        NotFound: unknown project, no award notice yet, or ``user`` is neither staff nor
            acts for an organization that lost the award.
    """
    project = queries.project_by_code(session, code)
    organizations = objecting_organizations(session, user, code)
    notice = notices.current_notice(session, project)
    if notice is None or not (organizations or gate.staff):
        raise NotFound(
            _("Project %(code)s has no award notice you may read or object to", code=code)
        )
    ours = {organization.id for organization in organizations}
    shown = [
        row
        for row in project_objections(session, code, lodged_against(session, project)[1], gate)
        if gate.staff or row["organization_id"] in ours
    ]
    lodged_now = {row["organization_id"] for row in shown if row["notice"] == notice.number}
    window = objection_window(session, notice.published_on)
    closes = notice.objections_close_on if window is None else window.closes_on()
    return {
        "window": window,
        "project": {"code": project.code, "title": project.title, "state": project.state},
        "notice": notice,
        "staff": bool(gate.staff),
        "open": project.state == "awarded" and today <= closes,
        "organizations": [o for o in organizations if o.id not in lodged_now],
        "objections": shown,
    }


def lodged_against(session: Session, project: Project) -> tuple[bool, list[notices.ObjectionRow]]:
    """Whether the project has an award notice, and every objection to its notices (nothing
    is read before an award: there is nothing to object to, and a page asks no more)."""
    if project.awarded_organization_id is None and project.state != "reviewing":
        return False, []
    return notices.noticed_objections(session, project)


def project_objections(
    session: Session, code: str, lodged: list[notices.ObjectionRow], gate: ProjectGate
) -> list[dict[str, Any]]:
    """The objections ``lodged`` (:func:`lodged_against`) to project ``code`` that ``gate``
    lets its viewer see, in the order lodged: the objector, its words, the letter it came in
    and the files of it the gate lets through (``letters``, read with the objections: no
    query per objection), and the answer, or for one still waiting the last day to answer
    it (``answer_by``)."""
    rows = [row for row in lodged if gate.sees("objection", owner=row.organization.uscc)]
    calendar = calendar_for(session) if any(row.answer is None for row in rows) else None
    return [
        {
            "organization_id": row.organization.id,
            "organization": row.organization.name,
            "uscc": row.organization.uscc,
            "notice": row.notice.number,
            "text": row.objection.text,
            "document": row.objection.document_ref,
            "letters": _letters(code, row, gate),
            "lodged_on": row.objection.lodged_on,
            "answer_by": None
            if row.answer
            else answer_due(session, row.objection.lodged_on, calendar),
            "outcome_label": outcome_label(row.answer.outcome if row.answer else None),
            # the project page's (its own part of the conversion), until it reads outcome_label
            "outcome_zh": OUTCOME_LABELS[row.answer.outcome] if row.answer else "待答复",
            "reason": row.answer.reason if row.answer else None,
            "answered_on": row.answer.answered_on if row.answer else None,
        }
        for row in rows
    ]


def _letters(code: str, row: notices.ObjectionRow, gate: ProjectGate) -> list[FileRow]:
    """The files of objection ``row`` that ``gate`` lets its viewer see (as
    :func:`~procure.services.documents.reading.attachments_as_seen` does)."""
    if not gate.sees(SEEN_AS["objection"], owner=row.organization.uscc):
        return []
    label = _("Objection (%(organization)s)", organization=row.organization.name)
    return [file_row(attachment_view(file, code, label, name)) for file, name in row.letters]


def answer_due(
    session: Session, lodged_on: date, calendar: WorkingCalendar | None = None
) -> date | None:
    """The last day to answer an objection lodged on ``lodged_on`` (the ``answer_objection``
    deadline, counted on ``calendar``, by default today's), or ``None`` when it cannot be
    counted."""
    rules = default_rules()
    rule = rules.deadlines.rule("answer_objection")
    if rule is None:
        return None
    try:
        window = rule.window(
            lodged_on, calendar or calendar_for(session), rules.deadlines.hold_working_days
        )
    except OutsideCalendar:
        return None
    return window.last_day


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
