"""Rows of a chunk of projects, each kind read at once: contracts, payments, final
assessments and organizations (only the columns the open data prints, as plain tuples: no
ORM object is built for them, nor an assessment's JSON scores parsed), contract amendments
(合同变更), objections with their answers, and the proposals' prices."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, col, select

from procure.services.opendata.facts import AmendmentFacts
from procure.store.correction_models import APPLIED, ContractAmendment
from procure.store.models import Assessment, Contract, Organization, Payment, Proposal
from procure.store.notice_models import AwardNotice, Objection, ObjectionAnswer
from procure.store.notices import ObjectionRow


class ContractRow(NamedTuple):
    """The columns of a contract the open data prints."""

    id: int
    project_id: int
    organization_id: int
    number: str
    amount: Decimal
    start_on: date
    end_on: date
    signed_on: date


class PaymentRow(NamedTuple):
    """The columns of a payment the open data prints."""

    contract_id: int
    tranche: int
    amount: Decimal
    paid_on: date


class FinalRow(NamedTuple):
    """The columns of a final assessment the open data prints."""

    project_id: int
    total: Decimal
    grade: str
    veto: list[str]


class OrganizationRow(NamedTuple):
    """An organization's id, USCC and name."""

    id: int
    uscc: str
    name: str


def contracts_of(session: Session, project_ids: Collection[int]) -> dict[int, ContractRow]:
    """Each project's contract, by project id."""
    table = Contract.__table__.c  # type: ignore[attr-defined]
    statement = sa.select(*(table[name] for name in ContractRow._fields)).where(
        table.project_id.in_(project_ids)
    )
    return {row[1]: ContractRow._make(row) for row in _rows(session, statement)}


def payments_of(session: Session, contract_ids: Collection[int]) -> dict[int, list[PaymentRow]]:
    """Each contract's payments in tranche order, by contract id."""
    found: dict[int, list[PaymentRow]] = defaultdict(list)
    table = Payment.__table__.c  # type: ignore[attr-defined]
    statement = (
        sa.select(*(table[name] for name in PaymentRow._fields))
        .where(table.contract_id.in_(contract_ids))
        .order_by(table.contract_id, table.tranche)
    )
    for row in _rows(session, statement):
        found[row[0]].append(PaymentRow._make(row))
    return found


def finals_of(session: Session, project_ids: Collection[int]) -> dict[int, FinalRow]:
    """Each project's final assessment, by project id."""
    table = Assessment.__table__.c  # type: ignore[attr-defined]
    statement = sa.select(*(table[name] for name in FinalRow._fields)).where(
        table.project_id.in_(project_ids), table.final.is_(True)
    )
    return {row[0]: FinalRow._make(row) for row in _rows(session, statement)}


def organizations_of(
    session: Session, ids: Collection[int | None]
) -> dict[int | None, OrganizationRow]:
    """The organizations of ``ids``, by id."""
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    table = Organization.__table__.c  # type: ignore[attr-defined]
    statement = sa.select(*(table[name] for name in OrganizationRow._fields)).where(
        table.id.in_(wanted)
    )
    return {row[0]: OrganizationRow._make(row) for row in _rows(session, statement)}


def _rows(session: Session, statement: sa.Select[Any]) -> Iterator[Any]:
    """The rows of a statement of columns, read in the session's transaction as plain tuples
    (each column's type still converts its value: amounts to Decimal, days to dates)."""
    return iter(session.connection().execute(statement))


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
