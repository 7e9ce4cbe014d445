"""What the public pages show (no sign-in): per purchaser and year, the approved projects, the
calls open now, the award notices with the panel result and the objections with their
answers, the signed contracts, and the year's assessment results and decisions.

Nothing private: no reviewer is named before an award (and never when
``workflows/notices.yaml`` says so), no recusal reason, no score sheet, no assessment
narrative unless configured, no account login. Every value is plain data: the pages escape it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, func, select

from procure.domain.errors import NotFound
from procure.domain.language import _, both, pgettext
from procure.domain.notices import outcome_label
from procure.domain.panel import ProposalKey, aggregate_panel, rank_proposals
from procure.reports.notices_data import objection_facts
from procure.services.deadlines.calendar_state import calendar_for
from procure.services.public.objections import objection_window
from procure.services.visibility.gate import ProjectGate, public_gate, public_gate_known
from procure.store import notices, panels, queries
from procure.store.accounts import user_by_login
from procure.store.models import Assessment, Contract, Organization, Project, Purchaser
from procure.store.notice_models import AwardNotice
from procure.workflow.rules import Rules, default_rules

HIDDEN_STATES = frozenset({"draft", "proposed", "rejected"})
"""Projects not (yet) approved are not public."""
AWARDED_STATES = frozenset(
    {"awarded", "contracted", "in_service", "assessing", "assessed", "rectifying", "renewed",
     "dropped"}
)  # fmt: skip
DECIDED_STATES = {"renewed": "续约", "rectifying": "整改", "dropped": "不再合作"}
"""The renew-or-drop decision a project's state says, in Chinese (the open-data export's;
the pages say it with :func:`decision_label`)."""


def decision_label(state: str) -> str:
    """The renew-or-drop decision a project's ``state`` says, in the language in use."""
    if state == "renewed":
        return pgettext("renewal decision", "Renew")
    if state == "rectifying":
        return pgettext("renewal decision", "Rectify")
    if state == "dropped":
        return pgettext("renewal decision", "Stop cooperating")
    return pgettext("renewal decision", "Not yet decided")


@dataclass(frozen=True)
class NoticeEntry:
    """One award notice in the feed: enough to title and link it."""

    project: str
    title: str
    purchaser: str
    purchaser_name: str
    number: int
    organization: str
    published_on: date
    withdrawn: bool


def purchasers(session: Session) -> list[dict[str, Any]]:
    """Every purchaser, with how many public projects it has."""
    counted = (
        select(Project.purchaser_id, func.count())
        .where(col(Project.state).not_in(HIDDEN_STATES))
        .group_by(col(Project.purchaser_id))
    )
    counts = dict(session.exec(counted).all())
    rows = session.exec(select(Purchaser).order_by(col(Purchaser.code)))
    return [
        {"code": p.code, "name": p.name, "projects": counts.get(p.id or 0, 0)} for p in rows.all()
    ]


def purchaser_years(session: Session, purchaser: Purchaser) -> list[int]:
    """The funding years in which ``purchaser`` has public projects, newest first."""
    statement = (
        select(Project.year)
        .where(Project.purchaser_id == purchaser.id, col(Project.state).not_in(HIDDEN_STATES))
        .distinct()
        .order_by(col(Project.year).desc())
    )
    return list(session.exec(statement).all())


def purchaser_page(
    session: Session, code: str, year: int | None = None, *, rules: Rules | None = None
) -> dict[str, Any]:
    """The public page of purchaser ``code`` for ``year`` (default: its newest public year).

    Raises:
        NotFound: unknown purchaser, or a year without public projects.
    """
    rules = rules or default_rules()
    purchaser = queries.purchaser_by_code(session, code)
    years = purchaser_years(session, purchaser)
    year = year if year is not None else (years[0] if years else None)
    if year is None or year not in years:
        if year is None:
            raise NotFound(_("%(purchaser)s has no public projects", purchaser=purchaser.name))
        raise NotFound(
            _(
                "%(purchaser)s has no public projects in %(year)s",
                purchaser=purchaser.name,
                year=year,
            )
        )
    projects = list(
        session.exec(
            select(Project)
            .where(
                Project.purchaser_id == purchaser.id,
                Project.year == year,
                col(Project.state).not_in(HIDDEN_STATES),
            )
            .order_by(col(Project.code))
        ).all()
    )
    states = rules.engine.definition
    return {
        "purchaser": {"code": purchaser.code, "name": purchaser.name},
        "year": year,
        "years": years,
        "projects": [
            {
                "code": p.code,
                "title": p.title,
                "budget": p.budget,
                "state_label": states.state(p.state).label,
            }
            for p in projects
        ],
        "open_calls": [
            {"code": p.code, "title": p.title, "budget": p.budget}
            for p in projects
            if p.state == "soliciting"
        ],
        "notices": [entry for p in projects for entry in project_notices(session, p, rules=rules)],
        "contracts": _contracts(session, projects),
        "assessments": _assessments(session, projects, rules),
    }


def project_notices(
    session: Session, project: Project, *, rules: Rules | None = None
) -> list[dict[str, Any]]:
    """The project's award notices, newest first, each with the panel result and the
    objections lodged against it with their answers."""
    rules = rules or default_rules()
    found = notices.notices_of(session, project)
    if not found:
        return []
    objections = notices.objections_of(session, project)
    withdrawn = {
        row.notice.id for row in objections if row.answer and row.answer.outcome == "upheld"
    }
    panel = _panel_result(session, project, rules)
    public = public_gate(session, project)
    calendar = calendar_for(session)
    entries = []
    for notice in reversed(found):
        organization = session.get(Organization, notice.organization_id)
        assert organization is not None
        entries.append(
            {
                "project": project.code,
                "title": project.title,
                "number": notice.number,
                "organization": organization.name,
                "uscc": organization.uscc,
                "published_on": notice.published_on,
                "notice_ends_on": notice.notice_ends_on,
                "objections_close_on": notice.objections_close_on,
                "window": objection_window(session, notice.published_on),
                "notice_provisional": bool(
                    calendar.provisional_years(
                        notice.published_on + timedelta(days=1), notice.notice_ends_on
                    )
                ),
                "withdrawn": notice.id in withdrawn,
                "panel": panel,
                "objections": [
                    _objection(row)
                    for row in objections
                    if row.notice.id == notice.id
                    and public.sees("objection", owner=row.organization.uscc)
                ],
            }
        )
    return entries


def _objection(row: notices.ObjectionRow) -> dict[str, Any]:
    """An objection as the public page shows it: its facts and its answer's outcome in words."""
    facts = objection_facts(row, unanswered_zh="待答复")
    facts["outcome_label"] = outcome_label(facts["outcome"])
    return facts


def notice_page(session: Session, code: str, *, rules: Rules | None = None) -> dict[str, Any]:
    """The public page of project ``code``'s award notices.

    Raises:
        NotFound: unknown project, one not public, or one without an award notice.
    """
    project = queries.project_by_code(session, code)
    entries = (
        [] if project.state in HIDDEN_STATES else project_notices(session, project, rules=rules)
    )
    if not entries:
        raise NotFound(_("Project %(code)s has no award notice", code=code))
    purchaser = session.get(Purchaser, project.purchaser_id)
    assert purchaser is not None
    return {
        "purchaser": {"code": purchaser.code, "name": purchaser.name},
        "project": {"code": project.code, "title": project.title, "year": project.year},
        "notices": entries,
    }


def _panel_result(session: Session, project: Project, rules: Rules) -> dict[str, Any]:
    """Every proposal's panel score and rank; the reviewers by name only after the award."""
    return panel_result(
        project,
        panels.project_panels(session, project),
        rules,
        lambda login: _display_name(session, login),
        public_gate(session, project),
    )


def panel_result(
    project: Project,
    entries: list[panels.ProposalSheets],
    rules: Rules,
    display_name: Callable[[str], str],
    public: ProjectGate,
) -> dict[str, Any]:
    """The panel result of ``project`` from its loaded proposals and sheets (``entries``, in
    registration order) as the ``public`` gate lets it be published: each proposal's score
    and rank, and the reviewers by ``display_name`` only after the award."""
    card = rules.review
    keyed = []
    reviewers: list[str] = []
    for order, entry in enumerate(entries):
        key = ProposalKey(entry.organization.name, entry.proposal.price, order)
        result = aggregate_panel(entry.sheets, card)
        keyed.append((key, result, entry))
        for sheet in result.sheets:
            if sheet.status != "recused" and sheet.reviewer not in reviewers:
                reviewers.append(sheet.reviewer)
    ranks = {item.key: item.rank for item in rank_proposals([(k, p) for k, p, _ in keyed])}
    keyed.sort(key=lambda item: (ranks[item[0]] is None, ranks[item[0]] or 0, item[0].order))
    awarded = project.state in AWARDED_STATES and project.awarded_organization_id is not None
    named = awarded and public.sees("reviewer_identity")
    return {
        "proposals": [
            {
                "rank": ranks[key] if public.sees("panel_result", owner=uscc) else None,
                "organization": entry.organization.name,
                "uscc": uscc,
                "price": entry.proposal.price,
                "score": result.score if public.sees("panel_result", owner=uscc) else None,
                "passes": result.passes,
                "awarded": entry.organization.id == project.awarded_organization_id,
            }
            for key, result, entry in keyed
            if public.sees("proposal", owner=(uscc := entry.organization.uscc))
        ],
        "reviewers": [display_name(login) for login in reviewers] if named else None,
    }


def _display_name(session: Session, login: str) -> str:
    user = user_by_login(session, login)
    return user.name if user is not None else login


def _contracts(session: Session, projects: list[Project]) -> list[dict[str, Any]]:
    ids = [p.id for p in projects]
    by_id = {p.id: p for p in projects}
    rows = session.exec(
        select(Contract, Organization)
        .join(Organization, col(Organization.id) == Contract.organization_id)
        .where(col(Contract.project_id).in_(ids))
        .order_by(col(Contract.signed_on), col(Contract.id))
    ).all()
    return [
        {
            "project": by_id[c.project_id].code,
            "title": by_id[c.project_id].title,
            "number": c.number,
            "organization": o.name,
            "uscc": o.uscc,
            "amount": c.amount,
            "start_on": c.start_on,
            "end_on": c.end_on,
            "signed_on": c.signed_on,
        }
        for c, o in rows
    ]


def _assessments(session: Session, projects: list[Project], rules: Rules) -> list[dict[str, Any]]:
    ids = [p.id for p in projects]
    by_id = {p.id: p for p in projects}
    rows = session.exec(
        select(Assessment, Contract, Organization)
        .join(Contract, col(Contract.project_id) == Assessment.project_id)
        .join(Organization, col(Organization.id) == Contract.organization_id)
        .where(col(Assessment.project_id).in_(ids), col(Assessment.final).is_(True))
        .order_by(col(Assessment.project_id))
    ).all()
    grades = {band.code: band for band in rules.assessment.grades}
    shown = []
    for assessment, _contract, organization in rows:
        project = by_id[assessment.project_id]
        public = public_gate_known(organization.uscc, contracted=True)
        if not public.sees("assessment_result", owner=organization.uscc):
            continue
        band = grades.get(assessment.grade)
        narrated = public.sees("assessment", owner=organization.uscc)
        shown.append(
            {
                "project": project.code,
                "title": project.title,
                "organization": organization.name,
                "uscc": organization.uscc,
                "total": assessment.total,
                "grade": both(band.label_zh, band.label_en) if band else assessment.grade,
                "veto": bool(assessment.veto),
                "decision": decision_label(project.state),
                "narrative": assessment.narrative if narrated else None,
            }
        )
    return shown


def feed_entries(session: Session, *, limit: int = 50) -> list[NoticeEntry]:
    """The newest award notices of every purchaser, for the Atom feed."""
    rows = session.exec(
        select(AwardNotice, Project, Purchaser, Organization)
        .join(Project, col(Project.id) == AwardNotice.project_id)
        .join(Purchaser, col(Purchaser.id) == Project.purchaser_id)
        .join(Organization, col(Organization.id) == AwardNotice.organization_id)
        .order_by(col(AwardNotice.published_at).desc(), col(AwardNotice.id).desc())
        .limit(limit)
    ).all()
    entries = []
    for notice, project, purchaser, organization in rows:
        public = public_gate_known(organization.uscc, contracted=False)
        if not public.sees("award", owner=organization.uscc):
            continue
        upheld = [
            row
            for row in notices.objections_of(session, project)
            if row.notice.id == notice.id and row.answer and row.answer.outcome == "upheld"
            if public.sees("objection", owner=row.organization.uscc)
        ]
        entries.append(
            NoticeEntry(
                project=project.code,
                title=project.title,
                purchaser=purchaser.code,
                purchaser_name=purchaser.name,
                number=notice.number,
                organization=organization.name,
                published_on=notice.published_on,
                withdrawn=bool(upheld),
            )
        )
    return entries
