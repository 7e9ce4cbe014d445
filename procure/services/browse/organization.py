"""What an organization's own account sees of its work: "My projects" (我的项目).

An organization account holds an ``organization`` grant on one organization (its USCC).
It sees its own proposals (on any project it bid for), and, on the projects whose
contract it holds, the contract, the payments, the inspections and the assessment with
its comment window. Nothing of another organization is listed: not the other bids, not
another organization's contract or assessment. The contract's life passes the
visibility policy's gate (:mod:`procure.services.visibility`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from procure.domain.errors import Refused
from procure.domain.language import _
from procure.services.scoring.assessment_pages import comment_window
from procure.services.visibility.gate import ProjectGate, project_gate
from procure.store import accounts as account_store
from procure.store import queries
from procure.store.models import Contract, Organization, Project, Proposal
from procure.store.trust_models import User
from procure.workflow.rules import Rules, default_rules


def own_organizations(session: Session, user: User) -> list[Organization]:
    """The organizations ``user`` holds an active ``organization`` grant for, by name."""
    ids = {
        grant.organization_id
        for grant in account_store.active_grants(session, user)
        if grant.role == "organization" and grant.organization_id is not None
    }
    if not ids:
        return []
    statement = select(Organization).where(col(Organization.id).in_(sorted(ids)))
    return list(session.exec(statement.order_by(col(Organization.name))))


def withdrawable(
    session: Session, user: User, project: Project, *, rules: Rules | None = None
) -> list[Organization]:
    """The account's own organizations that may withdraw their proposal on ``project`` now
    (the workflow lets ``withdraw_proposal`` fire from its state), by name."""
    rules = rules or default_rules()
    if rules.engine.definition.transition_from("withdraw_proposal", project.state) is None:
        return []
    return [
        organization
        for organization in own_organizations(session, user)
        if queries.proposal_of(session, project, organization.uscc) is not None
    ]


def my_projects(
    session: Session, user: User, at: datetime, *, rules: Rules | None = None
) -> list[dict[str, Any]]:
    """For each organization of ``user``: its proposals and contracted work.

    Raises:
        Refused: ``user`` holds no organization grant.
    """
    rules = rules or default_rules()
    organizations = own_organizations(session, user)
    if not organizations:
        raise Refused(_("Only an organization's own account has this page"))
    return [
        _organization(session, organization, at, rules, user.login)
        for organization in organizations
    ]


def _organization(
    session: Session, organization: Organization, at: datetime, rules: Rules, login: str
) -> dict[str, Any]:
    definition = rules.engine.definition
    proposals = session.exec(
        select(Proposal, Project)
        .join(Project, col(Project.id) == col(Proposal.project_id))
        .where(Proposal.organization_id == organization.id)
        .order_by(col(Project.year).desc(), col(Project.code))
    ).all()
    contracts = session.exec(
        select(Contract, Project)
        .join(Project, col(Project.id) == col(Contract.project_id))
        .where(Contract.organization_id == organization.id)
        .order_by(col(Project.year).desc(), col(Project.code))
    ).all()
    return {
        "name": organization.name,
        "uscc": organization.uscc,
        "proposals": [
            {
                "code": project.code,
                "year": project.year,
                "title": project.title,
                "price": proposal.price,
                "state": project.state,
                "state_zh": definition.state(project.state).zh,
                "awarded": project.awarded_organization_id == organization.id,
                "may_withdraw": project.state == "soliciting",
                "may_object": project.state == "awarded"
                and project.awarded_organization_id != organization.id,
            }
            for proposal, project in proposals
        ],
        "contracts": [
            _contract(session, contract, project, at, rules, project_gate(session, login, project))
            for contract, project in contracts
        ],
    }


def _contract(
    session: Session,
    contract: Contract,
    project: Project,
    at: datetime,
    rules: Rules,
    gate: ProjectGate,
) -> dict[str, Any]:
    """The contract as the organization's account may see it (the visibility policy)."""
    definition = rules.engine.definition
    own = project.awarded_organization_id == contract.organization_id
    holder = session.get(Organization, contract.organization_id)
    owner = holder.uscc if holder is not None else None
    sees = {kind: own and gate.sees(kind, owner=owner) for kind in ("inspection", "assessment")}
    assessment = queries.latest_assessment(session, project) if sees["assessment"] else None
    grades = {g.code: g.label_zh for g in rules.assessment.grades}
    return {
        "code": project.code,
        "year": project.year,
        "title": project.title,
        "state": project.state,
        "state_zh": definition.state(project.state).zh,
        "number": contract.number,
        "amount": contract.amount,
        "start": contract.start_on,
        "end": contract.end_on,
        "current": own,
        "payments": [
            {"tranche": p.tranche, "amount": p.amount, "paid_on": p.paid_on, "note": p.note}
            for p in queries.payments_of(session, contract)
            if gate.sees("payment", owner=owner)
        ],
        "inspections": [
            {
                "inspected_on": i.inspected_on,
                "findings": i.findings,
                "rectification_required": i.rectification_required,
            }
            for i in (queries.inspections_of(session, project) if sees["inspection"] else [])
        ],
        "assessment": None
        if assessment is None
        else {
            "total": assessment.total,
            "grade": assessment.grade,
            "grade_zh": grades.get(assessment.grade, assessment.grade),
            "final": assessment.final,
            "veto": bool(assessment.veto),
        },
        "window": comment_window(session, project.code, at, rules=rules) if own else None,
    }
