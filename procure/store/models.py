"""SQLModel tables: purchasers, organizations, projects and the facts of their lifecycle.

Money and scores are ``Decimal`` stored exactly (:class:`Hundredths`); per-criterion
scores are JSON objects of decimal strings. The transition log is append-only:
the application never updates or deletes its rows.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from procure.store.types import Hundredths, UTCDateTime


def _money(nullable: bool = False) -> Any:
    return Field(sa_column=Column(Hundredths(), nullable=nullable))


def _moment() -> Any:
    return Field(sa_column=Column(UTCDateTime(), nullable=False))


class PurchaserBase(SQLModel):
    """A union body that buys services: a federation, street union or station."""

    code: str = Field(max_length=32, unique=True, index=True)
    name: str = Field(max_length=200)


class Purchaser(PurchaserBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    parent_id: int | None = Field(default=None, foreign_key="purchaser.id")
    annual_funds: Decimal = _money()


class OrganizationBase(SQLModel):
    """A social organization (社会组织), identified by its USCC."""

    uscc: str = Field(max_length=18, unique=True, index=True)
    name: str = Field(max_length=200)


class Organization(OrganizationBase, table=True):
    id: int | None = Field(default=None, primary_key=True)


class ProjectBase(SQLModel):
    """One purchased service for one funding year."""

    code: str = Field(max_length=32, unique=True, index=True)
    year: int = Field(index=True)
    title: str = Field(max_length=200)
    purpose: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


_PROJECT_VERSION = Column("version", Integer, nullable=False, default=1)


class Project(ProjectBase, table=True):
    # The projects list sorts by (column, id) and the dashboard sums by year and state from
    # these indexes (migration 0007).
    __table_args__ = (
        Index("ix_project_budget_id", "budget", "id"),
        Index("ix_project_title_id", "title", "id"),
        Index("ix_project_purchaser_code_id", "purchaser_id", "code", "id"),
        Index("ix_project_year_id", "year", "id"),
        Index("ix_project_state_id", "state", "id"),
        Index("ix_project_year_state_purchaser_budget", "year", "state", "purchaser_id", "budget"),
    )
    # Every change of a project row names the version it read (``UPDATE … WHERE version = ?``):
    # a change made from a stale copy fails (StaleDataError) instead of overwriting. The
    # application sets the next version itself (lifecycle.perform; the renewal run's UPDATE).
    __mapper_args__ = {"version_id_col": _PROJECT_VERSION, "version_id_generator": False}

    id: int | None = Field(default=None, primary_key=True)
    purchaser_id: int = Field(foreign_key="purchaser.id", index=True)
    budget: Decimal = _money()
    state: str = Field(max_length=32, index=True)
    version: int = Field(default=1, sa_column=_PROJECT_VERSION)
    awarded_organization_id: int | None = Field(default=None, foreign_key="organization.id")
    # A renewal's next-year project points at the project it continues; one successor each.
    previous_project_id: int | None = Field(
        default=None, foreign_key="project.id", unique=True, index=True
    )
    # The contract terms a renewal carried forward, to be signed (None on other projects).
    carried_amount: Decimal | None = Field(
        default=None, sa_column=Column(Hundredths(), nullable=True)
    )
    carried_start_on: date | None = None
    carried_end_on: date | None = None


class Proposal(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("project_id", "organization_id"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    organization_id: int = Field(foreign_key="organization.id")
    price: Decimal = _money()
    submitted_at: datetime = _moment()


class Review(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("proposal_id", "reviewer"),)

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    reviewer: str = Field(max_length=100)
    scores: dict[str, str | None] = Field(sa_column=Column(JSON, nullable=False))
    inputs: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    total: Decimal = _money()
    conflict: bool = Field(default=False)
    scorecard_name: str = Field(max_length=64)
    scorecard_version: int
    recorded_at: datetime = _moment()


class Contract(SQLModel, table=True):
    __table_args__ = (Index("ix_contract_project_id_amount", "project_id", "amount"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", unique=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    number: str = Field(max_length=64, unique=True)
    amount: Decimal = _money()
    start_on: date
    end_on: date
    signed_on: date


class Payment(SQLModel, table=True):
    __table_args__ = (Index("ix_payment_contract_id_amount", "contract_id", "amount"),)

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    tranche: int
    amount: Decimal = _money()
    paid_on: date
    note: str = Field(default="", max_length=500)


class Inspection(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    inspector: str = Field(max_length=100)
    inspected_on: date
    findings: str = Field(sa_column=Column(Text, nullable=False))
    rectification_required: bool = Field(default=False)


class Assessment(SQLModel, table=True):
    __table_args__ = (
        Index("ix_assessment_project_id_final_grade", "project_id", "final", "grade"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    assessor: str = Field(max_length=100)
    scores: dict[str, str | None] = Field(sa_column=Column(JSON, nullable=False))
    inputs: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    total: Decimal = _money()
    grade: str = Field(max_length=32)
    veto: list[str] = Field(sa_column=Column(JSON, nullable=False))
    narrative: str = Field(sa_column=Column(Text, nullable=False))
    narratives: dict[str, str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    scorecard_name: str = Field(max_length=64)
    scorecard_version: int
    recorded_at: datetime = _moment()
    final: bool = Field(default=False)


class OrganizationComment(SQLModel, table=True):
    """The organization's comment on its assessment (CPARS-style rebuttal window)."""

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    acknowledged: bool = Field(default=False)
    commented_on: date | None = Field(default=None)
    recorded_at: datetime = _moment()
    # Who recorded it: the organization's own account, or an officer on its behalf, who
    # must then cite the document the organization sent (shown as such on the record).
    recorded_by: str = Field(default="", max_length=64)
    recorded_role: str = Field(default="", max_length=32)
    document_ref: str | None = Field(default=None, max_length=200)


class Recusal(SQLModel, table=True):
    """A reviewer's conflict of interest with one proposal: their sheet does not count."""

    __table_args__ = (UniqueConstraint("proposal_id", "reviewer"),)

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    reviewer: str = Field(max_length=100)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    recorded_by: str = Field(max_length=100)
    recorded_role: str = Field(max_length=32)
    recorded_at: datetime = _moment()


class ScorecardVersion(SQLModel, table=True):
    """The content of each scorecard version when first used: a version never changes."""

    __tablename__ = "scorecard_version"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64)
    version: int
    digest: str = Field(max_length=64)
    definition: str = Field(sa_column=Column(Text, nullable=False))
    first_used_at: datetime = _moment()


class Bar(SQLModel, table=True):
    """An organization barred from a purchaser's awards for one funding year."""

    __table_args__ = (UniqueConstraint("organization_id", "purchaser_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    purchaser_id: int = Field(foreign_key="purchaser.id")
    year: int
    project_id: int = Field(foreign_key="project.id")
    reason: str = Field(sa_column=Column(Text, nullable=False))


class TransitionLog(SQLModel, table=True):
    """One audit row, hash-chained to the row before it. Never updated or deleted."""

    __tablename__ = "transition_log"

    seq: int = Field(primary_key=True)
    at: str = Field(max_length=32)
    actor: str = Field(max_length=100)
    role: str = Field(max_length=32)
    project_code: str | None = Field(default=None, max_length=32, index=True)
    trigger: str = Field(max_length=64)
    from_state: str | None = Field(default=None, max_length=32)
    to_state: str | None = Field(default=None, max_length=32)
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    data: str = Field(sa_column=Column(Text, nullable=False))
    batch_id: str | None = Field(default=None, max_length=64, index=True)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHead(SQLModel, table=True):
    """The chain's head (last sequence number and hash); its row lock serializes appends."""

    __tablename__ = "audit_head"

    id: int = Field(primary_key=True)
    seq: int
    last_hash: str = Field(max_length=64)
