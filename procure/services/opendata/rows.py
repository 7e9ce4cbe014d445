"""Rows of a chunk of projects, each kind read at once: contract amendments (合同变更),
objections with their answers, and the proposals' prices."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from decimal import Decimal

from sqlmodel import Session, col, select

from procure.services.opendata.facts import AmendmentFacts
from procure.store.correction_models import APPLIED, ContractAmendment
from procure.store.models import Organization, Proposal
from procure.store.notice_models import AwardNotice, Objection, ObjectionAnswer
from procure.store.notices import ObjectionRow


def amendments_of(
    session: Session, contract_ids: Collection[int | None]
) -> dict[int | None, tuple[AmendmentFacts, ...]]:
    """Each contract's approved amendments, in order, each with what it changed: one query
    whatever the number of contracts."""
    found: dict[int | None, list[AmendmentFacts]] = defaultdict(list)
    if not contract_ids:
        return {}
    statement = (
        select(ContractAmendment)
        .where(col(ContractAmendment.contract_id).in_(contract_ids))
        .where(ContractAmendment.state == APPLIED)
        .order_by(col(ContractAmendment.contract_id), col(ContractAmendment.number))
    )
    for amendment in session.exec(statement):
        assert amendment.decided_at is not None
        changes = tuple(
            (name, _text(amendment.old_values.get(name)), str(value))
            for name, value in amendment.changed_terms().items()
        )
        found[amendment.contract_id].append(
            AmendmentFacts(amendment.number, amendment.decided_at, amendment.rationale, changes)
        )
    return {contract_id: tuple(rows) for contract_id, rows in found.items()}


def objections_of(session: Session, ids: list[int]) -> dict[int, list[ObjectionRow]]:
    """Every objection against each project's notices, in the order lodged."""
    found: dict[int, list[ObjectionRow]] = defaultdict(list)
    if not ids:
        return found
    statement = (
        select(Objection, Organization, AwardNotice, ObjectionAnswer)
        .join(AwardNotice, col(AwardNotice.id) == Objection.notice_id)
        .join(Organization, col(Organization.id) == Objection.organization_id)
        .outerjoin(ObjectionAnswer, col(ObjectionAnswer.objection_id) == Objection.id)
        .where(col(AwardNotice.project_id).in_(ids))
        .order_by(col(Objection.id))
    )
    for objection, organization, notice, answer in session.exec(statement):
        found[notice.project_id].append(ObjectionRow(objection, organization, notice, answer))
    return found


def prices_of(session: Session, ids: list[int]) -> dict[tuple[int, str], Decimal]:
    """Each proposal's quoted price, by project id and the organization's USCC."""
    statement = select(col(Proposal.project_id), col(Organization.uscc), col(Proposal.price)).join(
        Organization, col(Organization.id) == col(Proposal.organization_id)
    )
    rows = session.exec(statement.where(col(Proposal.project_id).in_(ids)))
    return {(project_id, uscc): price for project_id, uscc, price in rows}


def _text(value: object) -> str | None:
    return None if value is None else str(value)
