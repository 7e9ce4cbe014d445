"""Read projects' public facts from the database, a chunk of projects at a time.

A chunk costs a fixed number of set-based queries whatever its size (trails, renewed
projects, organizations, contracts, payments, final assessments, notices, objections,
proposals, panels and reviewers' names): queries grow with the chunks, memory with the
chunk. No writes, no commits. What goes in is what the public may see (``published``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from procure.domain.errors import InvalidInput
from procure.domain.language import _
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
from procure.services.opendata.published import Published, objection_published, published
from procure.services.opendata.rows import (
    ContractRow,
    FinalRow,
    OrganizationRow,
    PaymentRow,
    amendments_of,
    contracts_of,
    finals_of,
    objections_of,
    organizations_of,
    payments_of,
    prices_of,
)
from procure.services.public.notices import DECIDED_STATES, panel_result
from procure.services.visibility.gate import public_gate_known
from procure.store import panels
from procure.store.models import Organization, Project, Purchaser, TransitionLog
from procure.store.notice_models import AwardNotice
from procure.store.notices import ObjectionRow
from procure.store.trust_models import User
from procure.workflow.rules import Rules

UNANSWERED_ZH = "待答复"


@dataclass(frozen=True, slots=True)
class TrailMark:
    """What the facts need of one audit row: its place, trigger and moment."""

    seq: int
    trigger: str
    at: str

    @property
    def moment(self) -> datetime:
        """When the row was recorded (the trail keeps UTC with a trailing Z)."""
        return datetime.fromisoformat(self.at.replace("Z", "+00:00"))


def public_facts(
    session: Session,
    projects: Sequence[Project],
    purchasers: Mapping[int | None, Purchaser],
    rules: Rules,
    shown: dict[str, Published] | None = None,
) -> list[ProjectFacts]:
    """The public facts of ``projects`` (one chunk, in the order given), leaving out a
    project cancelled before it was approved (it was never public). ``shown`` keeps what
    the public may see of each awarded organization's contracts from chunk to chunk.

    Raises:
        InvalidInput: a project has no audit row (its moments are unknown).
    """
    trails = _trails(session, [project.code for project in projects])
    public = [
        project
        for project in projects
        if project.state != "cancelled"
        or any(mark.trigger == "approve" for mark in trails[project.code])
    ]
    chunk = _Chunk.load(session, public, rules, {} if shown is None else shown)
    return [
        _facts(chunk, project, purchasers[project.purchaser_id], trails[project.code], rules)
        for project in public
    ]


def _trails(session: Session, codes: Collection[str]) -> dict[str, list[TrailMark]]:
    """Each project's audit rows in order (only the fields the facts need)."""
    found: dict[str, list[TrailMark]] = defaultdict(list)
    statement = (
        select(
            TransitionLog.project_code, TransitionLog.seq, TransitionLog.trigger, TransitionLog.at
        )
        .where(col(TransitionLog.project_code).in_(codes))
        .order_by(col(TransitionLog.seq))
    )
    for code, seq, trigger, at in session.exec(statement):
        found[str(code)].append(TrailMark(seq, trigger, at))
    return found


@dataclass
class _Chunk:
    """The rows a chunk of projects' facts are built from, each kind read at once."""

    previous: dict[int, tuple[str, str]]
    organizations: dict[int | None, OrganizationRow]
    contracts: dict[int, ContractRow]
    payments: dict[int, list[PaymentRow]]
    amendments: dict[int | None, tuple[AmendmentFacts, ...]]
    finals: dict[int, FinalRow]
    notices: dict[int, list[AwardNotice]]
    objections: dict[int, list[ObjectionRow]]
    prices: dict[tuple[int, str], Decimal]
    panels: dict[int, dict[str, Any]]
    shown: dict[str, Published]

    @classmethod
    def load(
        cls,
        session: Session,
        projects: Sequence[Project],
        rules: Rules,
        shown: dict[str, Published],
    ) -> _Chunk:
        ids = [project.id for project in projects if project.id is not None]
        previous = _previous(session, {p.previous_project_id for p in projects})
        contracts = contracts_of(session, ids)
        notices: dict[int, list[AwardNotice]] = defaultdict(list)
        for notice in session.exec(
            select(AwardNotice)
            .where(col(AwardNotice.project_id).in_(ids))
            .order_by(col(AwardNotice.project_id), col(AwardNotice.number))
        ):
            notices[notice.project_id].append(notice)
        wanted = {p.awarded_organization_id for p in projects}
        wanted |= {c.organization_id for c in contracts.values()}
        wanted |= {n.organization_id for found in notices.values() for n in found}
        noticed = [project for project in projects if project.id in notices]
        organizations = organizations_of(session, wanted)
        return cls(
            previous=previous,
            organizations=organizations,
            contracts=contracts,
            payments=payments_of(session, [c.id for c in contracts.values()]),
            amendments=amendments_of(session, [c.id for c in contracts.values()]),
            finals=finals_of(session, ids),
            notices=notices,
            objections=objections_of(session, [p.id for p in noticed if p.id is not None]),
            prices=prices_of(session, ids),
            panels=_panels(session, noticed, rules, organizations, contracts),
            shown=shown,
        )

    def published(self, awarded: str) -> Published:
        """What the public may see of a contract with the organization ``awarded`` (a USCC),
        worked out once per organization."""
        found = self.shown.get(awarded)
        if found is None:
            found = self.shown[awarded] = published(awarded)
        return found


def _previous(session: Session, ids: Iterable[int | None]) -> dict[int, tuple[str, str]]:
    """The code and title of each project a renewal continues, by id."""
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    statement = select(col(Project.id), col(Project.code), col(Project.title)).where(
        col(Project.id).in_(wanted)
    )
    return {int(i): (code, title) for i, code, title in session.exec(statement) if i is not None}


def _panels(
    session: Session,
    projects: Sequence[Project],
    rules: Rules,
    organizations: dict[int | None, OrganizationRow],
    contracts: dict[int, ContractRow],
) -> dict[int, dict[str, Any]]:
    """The published panel result of each project with an award notice, as the public sees
    it (the award's organization and the contract are already read)."""
    loaded = panels.panels_of_projects(session, [p.id for p in projects if p.id is not None])
    logins = {
        sheet.reviewer for entries in loaded.values() for entry in entries for sheet in entry.sheets
    }
    names: dict[str, str] = {}
    if logins:
        statement = select(User.login, User.name).where(col(User.login).in_(logins))
        names = dict(session.exec(statement).all())
    return {
        project.id: panel_result(
            project,
            loaded.get(project.id, []),
            rules,
            lambda login: names.get(login, login),
            public_gate_known(
                getattr(organizations.get(project.awarded_organization_id), "uscc", None),
                contracted=project.id in contracts,
            ),
        )
        for project in projects
        if project.id is not None
    }


def _facts(
    chunk: _Chunk,
    project: Project,
    purchaser: Purchaser,
    trail: list[TrailMark],
    rules: Rules,
) -> ProjectFacts:
    if not trail:
        said = _("project %(code)s has no audit trail: its moments are unknown", code=project.code)
        raise InvalidInput(said)
    assert project.id is not None
    moments = {mark.trigger: mark.moment for mark in trail}
    panel = chunk.panels.get(project.id)
    contract = _contract(chunk, project.id)
    award_notices = _notices(chunk, project.id)
    return ProjectFacts(
        code=project.code,
        title=project.title,
        purpose=project.purpose,
        year=project.year,
        budget=project.budget,
        state=project.state,
        buyer=BuyerFacts(purchaser.code, purchaser.name),
        last_moment=trail[-1].moment,
        last_seq=trail[-1].seq,
        approved_at=moments.get("approve"),
        renews=None
        if project.previous_project_id is None
        else chunk.previous[project.previous_project_id],
        call_opened_at=moments.get("open_call"),
        call_closed_at=moments.get("close_call"),
        proposals=_proposals(panel),
        reviewers=None
        if panel is None or panel["reviewers"] is None
        else tuple(panel["reviewers"]),
        notices=award_notices,
        award_without_notice=None
        if award_notices
        else _award_without_notice(chunk, project, contract, _awarded_at(project, trail)),
        contract=contract,
        assessment=_assessment(chunk, project, rules, moments.get("finalize_assessment")),
    )


def _awarded_at(project: Project, trail: list[TrailMark]) -> datetime | None:
    """When the project was awarded: its award row, or a renewal's creation (awarded by it)."""
    awarded = [mark for mark in trail if mark.trigger == "award"]
    if awarded:
        return awarded[-1].moment
    if project.previous_project_id is not None:
        return trail[0].moment
    return None


def _organization(row: Organization | OrganizationRow) -> OrganizationFacts:
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


def _notices(chunk: _Chunk, project_id: int) -> tuple[NoticeFacts, ...]:
    objections = chunk.objections.get(project_id, [])
    shown = []
    for notice in chunk.notices.get(project_id, []):
        organization = chunk.organizations[notice.organization_id]
        shown.append(
            NoticeFacts(
                number=notice.number,
                organization=_organization(organization),
                price=chunk.prices.get((project_id, organization.uscc)),
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
                    and objection_published(row.organization.uscc, organization.uscc)
                ),
            )
        )
    return tuple(shown)


def _award_without_notice(
    chunk: _Chunk,
    project: Project,
    contract: ContractFacts | None,
    awarded_at: datetime | None,
) -> AwardFacts | None:
    """The award of a project awarded without a notice (before notices existed, or
    generated data): its awarded organization, else the one its contract was signed with."""
    organization: OrganizationFacts | None = None
    if project.awarded_organization_id is not None:
        organization = _organization(chunk.organizations[project.awarded_organization_id])
    elif contract is not None:
        organization = contract.organization
    if organization is None:
        return None
    assert project.id is not None
    price: Decimal | None = contract.amount if contract is not None else project.carried_amount
    return AwardFacts(
        organization, chunk.prices.get((project.id, organization.uscc), price), awarded_at
    )


def _contract(chunk: _Chunk, project_id: int) -> ContractFacts | None:
    contract = chunk.contracts.get(project_id)
    if contract is None:
        return None
    organization = chunk.organizations[contract.organization_id]
    shown = chunk.published(organization.uscc)
    if not shown.contract:
        return None
    return ContractFacts(
        number=contract.number,
        organization=_organization(organization),
        amount=contract.amount,
        start_on=contract.start_on,
        end_on=contract.end_on,
        signed_on=contract.signed_on,
        payments=tuple(
            PaymentFacts(payment.tranche, payment.amount, payment.paid_on)
            for payment in (chunk.payments.get(contract.id, []) if shown.payments else [])
        ),
        amendments=chunk.amendments.get(contract.id, ()) if shown.amendments else (),
    )


def _assessment(
    chunk: _Chunk, project: Project, rules: Rules, finalized_at: datetime | None
) -> AssessmentFacts | None:
    assert project.id is not None
    final = chunk.finals.get(project.id)
    contract = chunk.contracts.get(project.id)
    if final is None or contract is None:
        return None
    if not chunk.published(chunk.organizations[contract.organization_id].uscc).assessment_result:
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
