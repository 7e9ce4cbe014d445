"""Corrections and contract amendments: new records that point at the facts they change.

A correction names the corrected record (its table's id and the key people and the trail
use, e.g. ``SM-2019-001 payment #2``), the values it replaces and the new ones, the reason
and who proposed and approved it. An amendment (合同变更) is numbered per contract, with
its rationale. Neither is ever edited after it counts: a later one supersedes it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from procure.store.types import Hundredths, UTCDateTime

PENDING = "pending"
"""Proposed, waiting for the second person's approval: it does not count yet."""
APPLIED = "applied"
"""Counts: the corrected record (or the contract) holds the new values."""
REFUSED = "refused"
"""Refused by the approver, or withdrawn by its proposer, before it counted: it never will."""


class Correction(SQLModel, table=True):
    """One correction of one recorded fact (numbered per project)."""

    __table_args__ = (UniqueConstraint("project_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    number: int
    kind: str = Field(max_length=32)
    record_id: int
    record_key: str = Field(max_length=300)
    old_values: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    new_values: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    reason: str = Field(sa_column=Column(Text, nullable=False))
    proposed_by: str = Field(max_length=64)
    proposed_role: str = Field(max_length=32)
    proposed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    approval_role: str | None = Field(default=None, max_length=32)
    decided_by: str | None = Field(default=None, max_length=64)
    decided_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    refusal: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    state: str = Field(max_length=16)


class ContractAmendment(SQLModel, table=True):
    """One amendment (合同变更) of a contract's amount, service period or scope."""

    __tablename__ = "contract_amendment"
    __table_args__ = (UniqueConstraint("contract_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    number: int
    amount: Decimal | None = Field(default=None, sa_column=Column(Hundredths(), nullable=True))
    start_on: date | None = None
    end_on: date | None = None
    scope: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    old_values: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    rationale: str = Field(sa_column=Column(Text, nullable=False))
    proposed_by: str = Field(max_length=64)
    proposed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    decided_by: str | None = Field(default=None, max_length=64)
    decided_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    refusal: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    state: str = Field(max_length=16)

    def changed_terms(self) -> dict[str, Any]:
        """The terms this amendment sets (amount, start, end, scope), by name, in that order."""
        terms = {
            "amount": self.amount,
            "start": self.start_on,
            "end": self.end_on,
            "scope": self.scope,
        }
        return {name: value for name, value in terms.items() if value is not None}
