"""Read one project's public facts from the database (no writes, no commits)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from procure.domain.errors import InvalidInput
from procure.domain.notices import OUTCOME_LABELS
from procure.services.opendata.facts import (
    AmendmentFacts,
    AssessmentFacts,
    AwardFacts,
    BuyerFacts,
    ContractFacts,
    NoticeFacts,
    ObjectionFacts,
    OrganizationFacts,
    PaymentFacts,
    ProjectFacts,
    ProposalFacts,
)
from procure.services.public.notices import DECIDED_STATES, project_notices
from procure.store import audit, notices, queries
from procure.store.correction_models import APPLIED, ContractAmendment
from procure.store.models import Contract, Organization, Project, Purchaser, TransitionLog
from procure.workflow.rules import Rules

UNANSWERED_ZH = "待答复"


def trail_moment(row: TransitionLog) -> datetime:
    """When an audit row was recorded (the trail keeps UTC with a trailing Z)."""
    return datetime.fromisoformat(row.at.replace("Z", "+00:00"))


def project_facts(
    session: Session,
    project: Project,
    purchaser: Purchaser,
    trail: list[TransitionLog],
    rules: Rules,
) -> ProjectFacts:
    """Everything public about ``project``; ``trail`` is its audit rows in order.

    Raises:
        InvalidInput: the project has no audit row (its moments are unknown).
    """
    if not trail:
        raise InvalidInput(f"project {project.code} has no audit trail: its moments are unknown")
    moments = _moments(trail)
    published = project_notices(session, project, rules=rules)
    panel = published[0]["panel"] if published else None
    contract = _contract(session, project)
    award_notices = _notices(session, project)
    return ProjectFacts(
        code=project.code,
        title=project.title,
        purpose=project.purpose,
        year=project.year,
        budget=project.budget,
        state=project.state,
        buyer=BuyerFacts(purchaser.code, purchaser.name),
        last_moment=trail_moment(trail[-1]),
        last_seq=trail[-1].seq,
        approved_at=moments.get("approve"),
        renews=_renewed(session, project),
        call_opened_at=moments.get("open_call"),
        call_closed_at=moments.get("close_call"),
        proposals=_proposals(panel),
        reviewers=None
        if panel is None or panel["reviewers"] is None
        else tuple(panel["reviewers"]),
        notices=award_notices,
        award_without_notice=None
        if award_notices
        else _award_without_notice(session, project, contract, _awarded_at(project, trail)),
        contract=contract,
        assessment=_assessment(session, project, rules, moments.get("finalize_assessment")),
    )


def _renewed(session: Session, project: Project) -> tuple[str, str] | None:
    """The code and title of the project a renewal continues."""
    if project.previous_project_id is None:
        return None
    previous = session.get(Project, project.previous_project_id)
    assert previous is not None
    return previous.code, previous.title


def _awarded_at(project: Project, trail: list[TransitionLog]) -> datetime | None:
    """When the project was awarded: its award row, or a renewal's creation (awarded by it)."""
    awarded = [row for row in trail if row.trigger == "award"]
    if awarded:
        return trail_moment(awarded[-1])
    if project.previous_project_id is not None:
        return trail_moment(trail[0])
    return None


def _moments(trail: list[TransitionLog]) -> dict[str, datetime]:
    """The last moment of each trigger in the trail."""
    return {row.trigger: trail_moment(row) for row in trail}


def _organization(row: Organization) -> OrganizationFacts:
    return OrganizationFacts(row.uscc, row.name)


def _proposals(panel: dict[str, Any] | None) -> tuple[ProposalFacts, ...]:
    if panel is None:
        return ()
    return tuple(
        ProposalFacts(
            organization=OrganizationFacts(entry["uscc"], entry["organization"]),
            price=entry["price"],
            rank=entry["rank"],
            score=entry["score"],
            passes=entry["passes"],
        )
        for entry in panel["proposals"]
    )


def _notices(session: Session, project: Project) -> tuple[NoticeFacts, ...]:
    objections = notices.objections_of(session, project)
    shown = []
    for notice in notices.notices_of(session, project):
        organization = session.get(Organization, notice.organization_id)
        assert organization is not None
        proposal = queries.proposal_of(session, project, organization.uscc)
        shown.append(
            NoticeFacts(
                number=notice.number,
                organization=_organization(organization),
                price=proposal.price if proposal is not None else None,
                published_at=notice.published_at,
                notice_ends_on=notice.notice_ends_on,
                objections_close_on=notice.objections_close_on,
                objections=tuple(
                    ObjectionFacts(
                        organization=_organization(row.organization),
                        text=row.objection.text,
                        lodged_on=row.objection.lodged_on,
                        outcome=row.answer.outcome if row.answer else None,
                        outcome_zh=OUTCOME_LABELS[row.answer.outcome]
                        if row.answer
                        else UNANSWERED_ZH,
                        reason=row.answer.reason if row.answer else None,
                        answered_on=row.answer.answered_on if row.answer else None,
                    )
                    for row in objections
                    if row.notice.id == notice.id
                ),
            )
        )
    return tuple(shown)


def _award_without_notice(
    session: Session,
    project: Project,
    contract: ContractFacts | None,
    awarded_at: datetime | None,
) -> AwardFacts | None:
    """The award of a project awarded without a notice (before notices existed, or
    generated data): its awarded organization, else the one its contract was signed with."""
    organization: OrganizationFacts | None = None
    if project.awarded_organization_id is not None:
        row = session.get(Organization, project.awarded_organization_id)
        assert row is not None
        organization = _organization(row)
    elif contract is not None:
        organization = contract.organization
    if organization is None:
        return None
    proposal = queries.proposal_of(session, project, organization.uscc)
    price: Decimal | None = contract.amount if contract is not None else project.carried_amount
    if proposal is not None:
        price = proposal.price
    return AwardFacts(organization, price, awarded_at)


def _contract(session: Session, project: Project) -> ContractFacts | None:
    contract = queries.contract_of(session, project)
    if contract is None:
        return None
    organization = session.get(Organization, contract.organization_id)
    assert organization is not None
    return ContractFacts(
        number=contract.number,
        organization=_organization(organization),
        amount=contract.amount,
        start_on=contract.start_on,
        end_on=contract.end_on,
        signed_on=contract.signed_on,
        payments=tuple(
            PaymentFacts(payment.tranche, payment.amount, payment.paid_on)
            for payment in queries.payments_of(session, contract)
        ),
        amendments=_amendments(session, contract),
    )


def _amendments(session: Session, contract: Contract) -> tuple[AmendmentFacts, ...]:
    """The contract's approved amendments, in order, each with what it changed."""
    statement = (
        select(ContractAmendment)
        .where(ContractAmendment.contract_id == contract.id)
        .where(ContractAmendment.state == APPLIED)
        .order_by(col(ContractAmendment.number))
    )
    found = []
    for amendment in session.exec(statement):
        assert amendment.decided_at is not None
        new = {
            "amount": amendment.amount,
            "start": amendment.start_on,
            "end": amendment.end_on,
            "scope": amendment.scope,
        }
        changes = tuple(
            (name, _text(amendment.old_values.get(name)), str(value))
            for name, value in new.items()
            if value is not None
        )
        found.append(
            AmendmentFacts(amendment.number, amendment.decided_at, amendment.rationale, changes)
        )
    return tuple(found)


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _assessment(
    session: Session, project: Project, rules: Rules, finalized_at: datetime | None
) -> AssessmentFacts | None:
    final = queries.final_assessment(session, project)
    if final is None:
        return None
    grades = {band.code: band for band in rules.assessment.grades}
    band = grades.get(final.grade)
    return AssessmentFacts(
        total=final.total,
        grade=final.grade,
        grade_zh=band.label_zh if band else final.grade,
        veto=bool(final.veto),
        decision_zh=DECIDED_STATES.get(project.state, "待决定"),
        finalized_at=finalized_at,
    )


def project_trail(session: Session, project: Project) -> list[TransitionLog]:
    """The project's audit rows in order."""
    return audit.rows_for_project(session, project.code)
