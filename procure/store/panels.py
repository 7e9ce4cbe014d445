"""Load a project's review panel from the database as the domain's plain sheets."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session, col, select

from procure.domain.panel import PanelSheet
from procure.store import queries
from procure.store.models import Organization, Project, Proposal, Recusal, Review


@dataclass(frozen=True)
class ProposalSheets:
    """One proposal with its organization and every sheet, recused ones marked."""

    proposal: Proposal
    organization: Organization
    sheets: list[PanelSheet]
    recusals: list[Recusal]


def recusals_of(session: Session, proposal: Proposal) -> list[Recusal]:
    """Return the recusals recorded for a proposal."""
    statement = select(Recusal).where(Recusal.proposal_id == proposal.id).order_by(col(Recusal.id))
    return list(session.exec(statement))


def panel_sheets(session: Session, proposal: Proposal) -> ProposalSheets:
    """Return a proposal's sheets; a sheet counts unless its reviewer is recused."""
    organization = session.get(Organization, proposal.organization_id)
    assert organization is not None
    reviews = queries.reviews_of(session, proposal)
    return _entry(proposal, organization, reviews, recusals_of(session, proposal))


def _sheet(review: Review, recusal_reason: str | None) -> PanelSheet:
    declared = "评分表中声明利益冲突 (declared on the sheet)" if review.conflict else ""
    reason = recusal_reason or declared
    return PanelSheet(
        reviewer=review.reviewer,
        total=review.total,
        points={
            code: None if value is None else Decimal(value) for code, value in review.scores.items()
        },
        recused=bool(reason),
        recusal_reason=reason,
        order=review.id or 0,
    )


def project_panels(session: Session, project: Project) -> list[ProposalSheets]:
    """Return every proposal of a project with its sheets, in registration order: two
    queries (proposals with their organizations and reviews, recusals), however many."""
    if project.id is None:
        return []
    return panels_of_projects(session, [project.id]).get(project.id, [])


def panels_of_projects(
    session: Session, project_ids: Collection[int]
) -> dict[int, list[ProposalSheets]]:
    """Every proposal of each project with its sheets, as :func:`project_panels` gives
    them, in two queries whatever the number of projects: the proposals with their
    organizations and reviews (a row per review, one for a proposal without any), and the
    recusals."""
    if not project_ids:
        return {}
    rows = session.exec(
        select(Proposal, Organization, Review)
        .join(Organization, col(Organization.id) == col(Proposal.organization_id))
        .outerjoin(Review, col(Review.proposal_id) == col(Proposal.id))
        .where(col(Proposal.project_id).in_(project_ids))
        .order_by(col(Proposal.project_id), col(Proposal.id), col(Review.id))
    ).all()
    proposals: dict[int | None, tuple[Proposal, Organization]] = {}
    reviews: dict[int | None, list[Review]] = defaultdict(list)
    for proposal, organization, review in rows:
        proposals.setdefault(proposal.id, (proposal, organization))
        if review is not None:
            reviews[proposal.id].append(review)
    proposal_ids = list(proposals)
    recusals: dict[int | None, list[Recusal]] = defaultdict(list)
    if proposal_ids:  # no proposal, no recusal: no query
        for recusal in session.exec(
            select(Recusal)
            .where(col(Recusal.proposal_id).in_(proposal_ids))
            .order_by(col(Recusal.id))
        ):
            recusals[recusal.proposal_id].append(recusal)
    found: dict[int, list[ProposalSheets]] = defaultdict(list)
    for proposal, organization in proposals.values():
        entry = _entry(proposal, organization, reviews[proposal.id], recusals[proposal.id])
        found[proposal.project_id].append(entry)
    return found


def _entry(
    proposal: Proposal, organization: Organization, reviews: list[Review], recusals: list[Recusal]
) -> ProposalSheets:
    recused = {recusal.reviewer: recusal.reason for recusal in recusals}
    sheets = [_sheet(review, recused.get(review.reviewer)) for review in reviews]
    return ProposalSheets(proposal, organization, sheets, recusals)
