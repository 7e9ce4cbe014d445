"""Small lookups shared by guards, effects and services (no commits here)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import ScalarSelect, case, func
from sqlmodel import Session, col, select

from procure.domain.errors import NotFound
from procure.domain.language import _
from procure.domain.text import quoted
from procure.domain.visibility import unknown_project
from procure.store.models import (
    Assessment,
    Bar,
    Contract,
    Inspection,
    Organization,
    OrganizationComment,
    Payment,
    Project,
    Proposal,
    Purchaser,
    Recusal,
    Review,
)
from procure.store.reads import recalled, remembered

COMMITTED_STATES: tuple[str, ...] = (
    "approved",
    "soliciting",
    "reviewing",
    "awarded",
    "contracted",
    "in_service",
    "assessing",
    "assessed",
    "rectifying",
    "renewed",
    "dropped",
)


def project_by_code(session: Session, code: str, *, for_update: bool = False) -> Project:
    """Return the project with ``code`` or raise :class:`NotFound` (asked again in one
    read-only transaction: see :mod:`procure.store.reads`)."""

    def load() -> Project | None:
        return session.exec(select(Project).where(Project.code == code)).first()

    if for_update:
        statement = select(Project).where(Project.code == code).with_for_update()
        project = session.exec(statement).first()
    else:
        project = remembered(session, ("project", code), load)
    if project is None:
        raise unknown_project(code)
    return project


def lock_project(session: Session, code: str) -> Project:
    """Lock ``code``'s purchaser, then the project, and return the project as stored now.

    Every change of a project takes the purchaser's row lock first (PostgreSQL
    ``SELECT … FOR UPDATE``; a SQLite transaction holds the database's write lock):
    the rules that read other rows of the purchaser (its remaining funds, the bars
    on its organizations, next year's codes) then judge data no one else is
    changing. The rows are read afresh (``populate_existing``), whatever copy of
    them the session already held.

    Raises:
        NotFound: unknown project.
    """
    purchaser_id = session.exec(select(Project.purchaser_id).where(Project.code == code)).first()
    if purchaser_id is None:
        raise unknown_project(code)
    fresh = {"populate_existing": True}
    locked = select(Purchaser).where(Purchaser.id == purchaser_id).with_for_update()
    session.exec(locked.execution_options(**fresh)).one()
    statement = select(Project).where(Project.code == code).with_for_update()
    return session.exec(statement.execution_options(**fresh)).one()


def purchaser_by_code(session: Session, code: str) -> Purchaser:
    """Return the purchaser with ``code`` or raise :class:`NotFound`."""
    purchaser = session.exec(select(Purchaser).where(Purchaser.code == code)).first()
    if purchaser is None:
        raise NotFound(_("unknown purchaser %(code)s", code=quoted(code)))
    return purchaser


def organization_by_uscc(session: Session, uscc: str) -> Organization | None:
    """Return the organization registered under ``uscc``, if any."""
    return session.exec(select(Organization).where(Organization.uscc == uscc)).first()


def proposal_of(session: Session, project: Project, uscc: str) -> Proposal | None:
    """Return the proposal ``uscc``'s organization made for ``project``, if any."""
    statement = (
        select(Proposal)
        .join(Organization, col(Organization.id) == col(Proposal.organization_id))
        .where(Proposal.project_id == project.id, Organization.uscc == uscc)
    )
    return session.exec(statement).first()


def proposals_of(session: Session, project: Project) -> list[Proposal]:
    """Return the project's proposals in the order they were registered."""
    statement = select(Proposal).where(Proposal.project_id == project.id).order_by(col(Proposal.id))
    return list(session.exec(statement))


def reviews_of(session: Session, proposal: Proposal) -> list[Review]:
    """Return every review sheet of a proposal, recused ones included."""
    statement = select(Review).where(Review.proposal_id == proposal.id).order_by(col(Review.id))
    return list(session.exec(statement))


def recusals_of(session: Session, proposal: Proposal) -> list[Recusal]:
    """Return every recusal declared on a proposal."""
    statement = select(Recusal).where(Recusal.proposal_id == proposal.id).order_by(col(Recusal.id))
    return list(session.exec(statement))


def contract_of(session: Session, project: Project) -> Contract | None:
    """Return the project's contract, if signed (asked again in one read-only transaction:
    see :mod:`procure.store.reads`)."""

    def load() -> Contract | None:
        return session.exec(select(Contract).where(Contract.project_id == project.id)).first()

    return remembered(session, ("contract", project.id), load)


def contract_by_number(session: Session, number: str) -> Contract | None:
    """Return the contract with ``number``, if any."""
    return session.exec(select(Contract).where(Contract.number == number)).first()


def payments_of(session: Session, contract: Contract) -> list[Payment]:
    """Return the payments made against a contract, in tranche order."""
    statement = (
        select(Payment).where(Payment.contract_id == contract.id).order_by(col(Payment.tranche))
    )
    return list(session.exec(statement))


def payments_made(session: Session, contract: Contract) -> tuple[int, Decimal]:
    """Return how many payments were made against a contract and their sum: one aggregate
    read of the contract's payments index, however many there are."""
    statement = select(func.count(col(Payment.id)), func.sum(col(Payment.amount))).where(
        Payment.contract_id == contract.id
    )
    count, total = session.exec(statement).one()
    return int(count), total if total is not None else Decimal("0.00")


def inspections_of(session: Session, project: Project) -> list[Inspection]:
    """Return a project's inspections in the order they were recorded."""
    statement = (
        select(Inspection).where(Inspection.project_id == project.id).order_by(col(Inspection.id))
    )
    return list(session.exec(statement))


def assessment_sheets(session: Session, project: Project) -> list[Assessment]:
    """Return the assessors' sheets of a project (not the finalized result), oldest first."""
    return [sheet for sheet in _assessments(session, project) if not sheet.final]


def _assessments(session: Session, project: Project) -> tuple[Assessment, ...]:
    """A project's assessments, the sheets and the final result, oldest first (asked again
    in one read-only transaction, the first answer: :mod:`procure.store.reads`)."""

    def load() -> tuple[Assessment, ...]:
        statement = (
            select(Assessment)
            .where(Assessment.project_id == project.id)
            .order_by(col(Assessment.id))
        )
        return tuple(session.exec(statement))

    return remembered(session, ("assessments", project.id), load)


def latest_assessment(session: Session, project: Project) -> Assessment | None:
    """Return the project's finalized assessment, else its most recent sheet (one query;
    asked again in one read-only transaction, the first answer: :mod:`procure.store.reads`)."""

    def load() -> Assessment | None:
        latest = latest_assessment_id(project.id)
        return session.exec(select(Assessment).where(col(Assessment.id) == latest)).first()

    return remembered(session, ("latest_assessment", project.id), load)


def latest_assessment_id(project_id: Any) -> ScalarSelect[Any]:
    """The id of the assessment :func:`latest_assessment` returns, as a subquery (the final
    first, then the sheets newest first) of ``project_id``: a value or a column (correlated)."""
    final = col(Assessment.final)
    return (
        select(Assessment.id)
        .where(Assessment.project_id == project_id)
        .order_by(final.desc(), case((final, col(Assessment.id)), else_=-col(Assessment.id)))
        .limit(1)
        .correlate(Project)  # never the outer query's assessment
        .scalar_subquery()
    )


def final_assessment(session: Session, project: Project) -> Assessment | None:
    """Return the project's finalized assessment, if any (the first, should there be more).

    Where the transaction remembers the project's :func:`latest_assessment` (a page read it
    with the project), that answers: it is the first final assessment when there is one."""
    memo = recalled(session, ("latest_assessment", project.id))
    if memo is not None:
        latest: Assessment | None = memo[0]
        return latest if latest is not None and latest.final else None
    return next((sheet for sheet in _assessments(session, project) if sheet.final), None)


def comments_of(session: Session, project: Project) -> list[OrganizationComment]:
    """Return the organization's comments on the project's assessment."""
    statement = (
        select(OrganizationComment)
        .where(OrganizationComment.project_id == project.id)
        .order_by(col(OrganizationComment.id))
    )
    return list(session.exec(statement))


def committed_budget(session: Session, purchaser_id: int, year: int, *, excluding: int) -> Decimal:
    """Return the budgets already approved for a purchaser's year (``excluding`` one project)."""
    statement = select(func.sum(col(Project.budget))).where(
        Project.purchaser_id == purchaser_id,
        Project.year == year,
        col(Project.state).in_(COMMITTED_STATES),
        Project.id != excluding,
    )
    committed = session.exec(statement).one()
    return committed if committed is not None else Decimal("0.00")


def bar_for(session: Session, organization_id: int, purchaser_id: int, year: int) -> Bar | None:
    """Return the bar keeping an organization from a purchaser's awards in ``year``, if any."""

    def load() -> Bar | None:
        statement = select(Bar).where(
            Bar.organization_id == organization_id,
            Bar.purchaser_id == purchaser_id,
            Bar.year == year,
        )
        return session.exec(statement).first()

    return remembered(session, ("bar", organization_id, purchaser_id, year), load)
