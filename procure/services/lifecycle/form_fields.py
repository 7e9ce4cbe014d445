"""The inputs of a trigger's form on the project page, and what each starts with.

A form asks only what the trigger needs (its ``params`` in the workflow). Where the answer
is one of a few, the field is a picker of exactly those: a new proposal's organization
among those yet to propose, an objection's among the bidders that lost, an answer's
among the objectors still waiting, a recused reviewer among the purchaser's panel. The
signing form starts with the awarded price (or a renewal's carried terms).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from procure.store import accounts as account_store
from procure.store import notices, queries
from procure.store.models import Organization, Project
from procure.workflow.definition import ParamDef


@dataclass(frozen=True)
class FormField:
    """One input of a trigger's form."""

    name: str
    type: str
    zh: str
    required: bool
    max_length: int | None
    choices: tuple[tuple[str, str], ...] = ()  # (value, label), for pickers
    default: str = ""  # the value the form starts with, e.g. the awarded price


ANSWER_TRIGGERS = frozenset({"uphold_objection", "reject_objection"})
"""The answers to an objection: offered only while one waits, naming only its objectors."""


def unanswered_objectors(session: Session, project: Project) -> tuple[tuple[str, str], ...]:
    """The organizations whose objection to the project waits for its answer, as choices."""
    if project.state not in ("awarded", "reviewing"):
        return ()  # no objection can wait outside these states
    rows = notices.unanswered_objections(session, project)
    objectors = {row.organization.uscc: row.organization.name for row in rows}
    return tuple((uscc, f"{name}（{uscc}）") for uscc, name in objectors.items())


OBJECTING_TRIGGER = "lodge_objection"


def objectable(session: Session, project: Project) -> bool:
    """Whether a bidder may still object: the project has an award notice and a bidder
    that lost and has not objected to that notice yet."""
    return bool(_may_object(session, project))


def _may_object(session: Session, project: Project) -> set[int]:
    """The bidders that lost the current notice's award and have not objected to it."""
    notice = notices.current_notice(session, project)
    if notice is None:
        return set()
    objected = {
        row.organization.id
        for row in notices.objections_of(session, project)
        if row.notice.id == notice.id
    }
    winner = project.awarded_organization_id
    bidders = {p.organization_id for p in queries.proposals_of(session, project)}
    return bidders - objected - {winner}


def _losing_bidders(
    session: Session, code: str, choices: tuple[tuple[str, str], ...]
) -> tuple[tuple[str, str], ...]:
    """Of ``choices``, the bidders that may still object (:func:`_may_object`)."""
    project = queries.project_by_code(session, code)
    left = _may_object(session, project)
    usccs = {
        o.uscc for o in session.exec(select(Organization).where(col(Organization.id).in_(left)))
    }
    return tuple(c for c in choices if c[0] in usccs)


PROPOSING_TRIGGER = "add_proposal"
"""The trigger whose organization is a new proposer: its picker lists the others."""


def form_field(session: Session, code: str, trigger: str, param: ParamDef) -> FormField:
    choices: tuple[tuple[str, str], ...] = ()
    if param.type == "uscc":
        choices = _organization_choices(session, code, proposing=trigger == PROPOSING_TRIGGER)
        if trigger == OBJECTING_TRIGGER:  # only a bidder that lost may object
            choices = _losing_bidders(session, code, choices)
    elif param.type == "account" and trigger == RECUSAL_TRIGGER:
        choices = _panel_choices(session, code)
    default = _contract_default(session, code, param.name) if trigger == SIGNING_TRIGGER else ""
    return FormField(
        param.name, param.type, param.zh, param.required, param.max_length, choices, default
    )


SIGNING_TRIGGER = "sign_contract"
RECUSAL_TRIGGER = "record_recusal"


def _panel_choices(session: Session, code: str) -> tuple[tuple[str, str], ...]:
    """The review panel of the project (the active reviewers of its purchaser), by name."""
    project = queries.project_by_code(session, code)
    reviewers = account_store.role_holders(session, "reviewer", project.purchaser_id)
    return tuple(
        (user.login, user.name if user.name == user.login else f"{user.name}（{user.login}）")
        for user in reviewers
    )


def _contract_default(session: Session, code: str, name: str) -> str:
    """What the signing form starts with: the terms a renewal carried forward, else the
    amount the award was made at (the winner's price)."""
    project = queries.project_by_code(session, code)
    if name == "start" and project.carried_start_on is not None:
        return project.carried_start_on.isoformat()
    if name == "end" and project.carried_end_on is not None:
        return project.carried_end_on.isoformat()
    if name != "amount":
        return ""
    amount = project.carried_amount
    if amount is None and project.awarded_organization_id is not None:
        awarded = next(
            (
                proposal
                for proposal in queries.proposals_of(session, project)
                if proposal.organization_id == project.awarded_organization_id
            ),
            None,
        )
        amount = awarded.price if awarded is not None else None
    return "" if amount is None else f"{amount:,.2f}"


def _organization_choices(
    session: Session, code: str, *, proposing: bool
) -> tuple[tuple[str, str], ...]:
    """For a new proposal, every registered organization that has not proposed yet; for
    any other step, the project's proposers if it has any, else every organization."""
    project = queries.project_by_code(session, code)
    ids = [proposal.organization_id for proposal in queries.proposals_of(session, project)]
    statement = select(Organization)
    if proposing:
        statement = statement.where(col(Organization.id).not_in(ids))
    elif ids:
        statement = statement.where(col(Organization.id).in_(ids))
    organizations = session.exec(statement.order_by(col(Organization.name))).all()
    return tuple((o.uscc, f"{o.name}（{o.uscc}）") for o in organizations)
