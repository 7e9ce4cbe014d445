"""Read-only views for people and scripts: project lists, details, actions and history.

Everything returned is plain data (dicts, lists, Decimal, str) ready for a table
or for JSON; nothing here changes the database.
"""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session, col, select

from procure.domain.errors import InvalidInput, NotFound
from procure.domain.language import _, pgettext, pick
from procure.domain.panel import aggregate_panel
from procure.domain.text import quoted
from procure.services.lifecycle.clock import now_utc
from procure.store import audit, panels, queries
from procure.store.models import Organization, Project, Purchaser
from procure.workflow.context import ActionContext, Actor
from procure.workflow.guards import FACT_GUARDS
from procure.workflow.roles import ROLES, role_label
from procure.workflow.rules import Rules, default_rules


def list_projects(
    session: Session,
    *,
    year: int | None = None,
    state: str | None = None,
    purchaser: str | None = None,
    rules: Rules | None = None,
) -> list[dict[str, Any]]:
    """Return the projects matching the filters, ordered by code.

    Raises:
        NotFound: an unknown state or purchaser in the filters.
    """
    definition = (rules or default_rules()).engine.definition
    statement = select(Project, Purchaser).join(
        Purchaser, col(Purchaser.id) == col(Project.purchaser_id)
    )
    if year is not None:
        statement = statement.where(Project.year == year)
    if state is not None:
        if not definition.has_state(state):
            known = ", ".join(s.code for s in definition.states)
            raise NotFound(
                _("unknown state %(state)s (known: %(known)s)", state=quoted(state), known=known)
            )
        statement = statement.where(Project.state == state)
    if purchaser is not None:
        statement = statement.where(
            Purchaser.code == queries.purchaser_by_code(session, purchaser).code
        )
    rows = session.exec(statement.order_by(col(Project.code)))
    return [_summary(project, buyer, definition.state(project.state).zh) for project, buyer in rows]


def _summary(project: Project, purchaser: Purchaser, state_zh: str) -> dict[str, Any]:
    return {
        "code": project.code,
        "year": project.year,
        "title": project.title,
        "purchaser": purchaser.code,
        "purchaser_name": purchaser.name,
        "budget": project.budget,
        "state": project.state,
        "state_zh": state_zh,
    }


def project_detail(session: Session, code: str, *, rules: Rules | None = None) -> dict[str, Any]:
    """Return everything recorded about one project."""
    rules = rules or default_rules()
    project = queries.project_by_code(session, code)
    purchaser = session.get(Purchaser, project.purchaser_id)
    assert purchaser is not None
    detail = _summary(project, purchaser, rules.engine.definition.state(project.state).zh)
    detail["purpose"] = project.purpose
    detail["version"] = project.version
    detail["proposals"] = [
        _proposal(entry, rules) for entry in panels.project_panels(session, project)
    ]
    contract = queries.contract_of(session, project)
    detail["contract"] = None
    if contract is not None:
        organization = session.get(Organization, contract.organization_id)
        assert organization is not None
        detail["contract"] = {
            "number": contract.number,
            "organization": organization.name,
            "uscc": organization.uscc,
            "amount": contract.amount,
            "start": contract.start_on,
            "end": contract.end_on,
            "signed_on": contract.signed_on,
            "payments": [
                {"tranche": p.tranche, "amount": p.amount, "paid_on": p.paid_on, "note": p.note}
                for p in queries.payments_of(session, contract)
            ],
        }
    detail["inspections"] = [
        {
            "inspector": i.inspector,
            "inspected_on": i.inspected_on,
            "findings": i.findings,
            "rectification_required": i.rectification_required,
        }
        for i in queries.inspections_of(session, project)
    ]
    assessment = queries.latest_assessment(session, project)
    detail["assessment"] = None
    if assessment is not None:
        grade = next(g for g in rules.assessment.grades if g.code == assessment.grade)
        detail["assessment"] = {
            "assessor": assessment.assessor,
            "scores": assessment.scores,
            "total": assessment.total,
            "grade": grade.code,
            "grade_zh": grade.label_zh,
            "veto": assessment.veto,
            "narrative": assessment.narrative,
            "final": assessment.final,
            "scorecard": f"{assessment.scorecard_name} v{assessment.scorecard_version}",
            "scorecard_title": pick(
                {"zh": rules.assessment.title_zh, "en": rules.assessment.title_en}
                if assessment.scorecard_name == rules.assessment.name
                else {"zh": assessment.scorecard_name}
            ),
            "scorecard_version": assessment.scorecard_version,
        }
    return detail


def _proposal(entry: panels.ProposalSheets, rules: Rules) -> dict[str, Any]:
    proposal = entry.proposal
    return {
        "organization": entry.organization.name,
        "uscc": entry.organization.uscc,
        "price": proposal.price,
        "reviews": [
            {"reviewer": s.reviewer, "total": s.total, "recused": s.recused} for s in entry.sheets
        ],
        "panel_score": aggregate_panel(entry.sheets, rules.review).score,
    }


def available_actions(
    session: Session, code: str, role: str, *, rules: Rules | None = None
) -> list[dict[str, Any]]:
    """For every trigger, say whether ``role`` may fire it now and, if not, which rule blocks it."""
    rules = rules or default_rules()
    if role not in ROLES:
        raise InvalidInput(
            _("unknown role %(role)s (known: %(known)s)", role=quoted(role), known=", ".join(ROLES))
        )
    definition = rules.engine.definition
    project = queries.project_by_code(session, code)
    actions = []
    for trigger in definition.triggers():
        entry = definition.transition_from(trigger, project.state)
        first = definition.transitions_for(trigger)[0]
        item: dict[str, Any] = {
            "trigger": trigger,
            "zh": first.zh,
            "allowed": False,
            "from_this_state": entry is not None,
            "blocked_by": [],
        }
        if entry is None:
            state = definition.state(project.state).label
            item["blocked_by"] = [_("not allowed from state %(state)s", state=state)]
        elif role not in entry.roles:
            allowed = pgettext("list", ", ").join(role_label(r) for r in entry.roles)
            item["blocked_by"] = [
                _(
                    "role %(role)s may not; allowed roles: %(roles)s",
                    role=role_label(role),
                    roles=allowed,
                )
            ]
        else:
            ctx = ActionContext(
                session=session,
                rules=rules,
                project=project,
                actor=Actor("?", role),
                trigger=trigger,
                params={},
                reason="",
                at=now_utc(),
            )
            factless = [g for g in entry.guards if g not in FACT_GUARDS]
            item["blocked_by"] = [r for g in factless if (r := rules.engine.guard(g)(ctx))]
            item["allowed"] = not item["blocked_by"]
            item["needs"] = [p.name for p in entry.params if p.required]
            item["checked_with_facts"] = [g for g in entry.guards if g in FACT_GUARDS]
            item["reason_required"] = entry.reason_required
        actions.append(item)
    return actions


def project_history(session: Session, code: str) -> list[dict[str, Any]]:
    """Return a project's audit rows, oldest first."""
    queries.project_by_code(session, code)
    return [_log_row(row) for row in audit.rows_for_project(session, code)]


def batch_history(session: Session, batch_id: str) -> list[dict[str, Any]]:
    """Return the audit rows one scripted run wrote."""
    rows = audit.rows_for_batch(session, batch_id)
    if not rows:
        raise NotFound(_("no audit rows carry batch id %(batch)s", batch=quoted(batch_id)))
    return [_log_row(row) for row in rows]


def _log_row(row: Any) -> dict[str, Any]:
    return {
        "seq": row.seq,
        "at": row.at,
        "actor": row.actor,
        "role": row.role,
        "project": row.project_code,
        "trigger": row.trigger,
        "from": row.from_state,
        "to": row.to_state,
        "reason": row.reason,
        "data": json.loads(row.data),
        "batch_id": row.batch_id,
        "hash": row.hash,
    }
