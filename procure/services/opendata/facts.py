"""The public facts of one project, as plain data: what its OCDS release is built from.

Only what the public pages show goes in (``procure/services/public/notices.py``): the
proposals are known once an award notice published the panel result, the reviewers by
name only when the policy lets the public see them, no score sheet, no recusal reason, no
narrative, no login. Payments go in only when the policy makes them public
(:mod:`procure.services.opendata.published`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class BuyerFacts:
    """The purchaser that buys the service."""

    code: str
    name: str


@dataclass(frozen=True)
class OrganizationFacts:
    """A social organization, identified by its USCC."""

    uscc: str
    name: str


@dataclass(frozen=True)
class ProposalFacts:
    """One proposal as the published panel result shows it."""

    organization: OrganizationFacts
    price: Decimal
    rank: int | None
    score: Decimal | None
    passes: bool


@dataclass(frozen=True)
class ObjectionFacts:
    """An objection (质疑) to an award notice and its answer, as published."""

    organization: OrganizationFacts
    text: str
    lodged_on: date
    outcome: str | None  # upheld, rejected, or None while unanswered
    outcome_zh: str
    reason: str | None
    answered_on: date | None


@dataclass(frozen=True)
class NoticeFacts:
    """One award notice (中选结果公示): the award it published and the objections to it."""

    number: int
    organization: OrganizationFacts
    price: Decimal | None  # the awarded organization's quoted price
    published_at: datetime
    notice_ends_on: date
    objections_close_on: date
    objections: tuple[ObjectionFacts, ...] = ()

    @property
    def withdrawn(self) -> bool:
        """Whether an upheld objection reopened this award."""
        return any(objection.outcome == "upheld" for objection in self.objections)


@dataclass(frozen=True)
class AwardFacts:
    """An award that published no notice (made before award notices existed, or generated
    data): who was awarded, at what price, and when, as far as the data knows."""

    organization: OrganizationFacts
    price: Decimal | None
    awarded_at: datetime | None


@dataclass(frozen=True)
class PaymentFacts:
    """One payment against the contract."""

    tranche: int
    amount: Decimal
    paid_on: date


@dataclass(frozen=True)
class ContractFacts:
    """The signed contract and what was paid against it."""

    number: str
    organization: OrganizationFacts
    amount: Decimal
    start_on: date
    end_on: date
    signed_on: date
    payments: tuple[PaymentFacts, ...] = ()
    amendments: tuple[AmendmentFacts, ...] = ()


@dataclass(frozen=True)
class AmendmentFacts:
    """One approved contract amendment (合同变更): its number, day, rationale and changes."""

    number: int
    approved_at: datetime
    rationale: str
    changes: tuple[tuple[str, str | None, str], ...]  # (term, before, after)


@dataclass(frozen=True)
class AssessmentFacts:
    """The finalized year-end assessment and the decision taken on it, as published."""

    total: Decimal
    grade: str
    grade_zh: str
    veto: bool
    decision_zh: str
    finalized_at: datetime | None


@dataclass(frozen=True)
class ProjectFacts:
    """Everything public about one project, with the moments its trail recorded."""

    code: str
    title: str
    purpose: str
    year: int
    budget: Decimal
    state: str
    buyer: BuyerFacts
    last_moment: datetime
    last_seq: int
    approved_at: datetime | None = None
    renews: tuple[str, str] | None = None  # the renewed project's code and title
    call_opened_at: datetime | None = None
    call_closed_at: datetime | None = None
    proposals: tuple[ProposalFacts, ...] = ()
    reviewers: tuple[str, ...] | None = None  # None: not to be named
    notices: tuple[NoticeFacts, ...] = ()
    award_without_notice: AwardFacts | None = None
    contract: ContractFacts | None = None
    assessment: AssessmentFacts | None = None
