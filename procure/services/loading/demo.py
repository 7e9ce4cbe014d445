"""The demo: the Siming District's 2019 year, loaded and decided as a finance officer would."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, col, select

from procure.domain.checkpoint import Checkpoint
from procure.domain.language import _, both
from procure.resources import fixture_file
from procure.services.accounts import manage as accounts
from procure.services.accounts.authorization import SETUP_ACTOR
from procure.services.lifecycle import registry
from procure.services.lifecycle.clock import now_utc
from procure.services.lifecycle.fire import decide
from procure.services.loading.fixture import LoadSummary, load_fixture
from procure.services.loading.replay import BEIJING
from procure.services.trail.checkpoints import (
    export_checkpoint,
    init_key,
    load_signer,
    take_checkpoint,
)
from procure.store import queries
from procure.store.models import Organization, Project, TransitionLog
from procure.workflow.context import Actor
from procure.workflow.roles import role_label
from procure.workflow.rules import Rules, default_rules

SIMING_FIXTURE = "siming-2019.yaml"
DEMO_OFFICER = Actor("李秀梅", "officer")
DEMO_ADMIN = Actor("admin", "admin")

DEMO_PASSWORD = "siming-2019-demo"
"""The password every demo account gets (demo only: never use it on real data)."""


def demo_draft(year: int) -> registry.ProjectCreate:
    """The project of ``year`` the officer drafts after the year-end meeting, left in draft
    so that a person can walk it from 立项 to contract and payments in the browser.

    Its year is the year it is walked in (:func:`draft_year`): the award is dated the day
    it is made, and a contract is signed on or after its award, not in the future, with a
    service period in the project's year; so a draft of a past year could never be signed.
    """
    return registry.ProjectCreate(
        code=f"SM-{year}-010",
        year=year,
        purchaser="SM-FED",
        title="楼宇职工心理健康关爱服务",
        budget="300000.00",
        purpose="面向辖区商务楼宇职工，开展心理健康讲座、团体辅导和一对一咨询，"
        "建立职工心理关爱志愿者队伍。",
    )


def draft_year() -> int:
    """This year in China, by the clock: the year of the demo's draft unless one is given."""
    return now_utc().astimezone(BEIJING).year


@dataclass(frozen=True)
class OutcomeRow:
    """One line of the demo's year-end summary."""

    project: str
    title: str
    organization: str
    score: Decimal | None
    grade: str
    decision: str
    state: str


def run_demo(
    session: Session, *, fixture: Path | None = None, rules: Rules | None = None
) -> tuple[LoadSummary, list[OutcomeRow]]:
    """Load the Siming fixture, decide every assessed project by the renewal policy, summarize."""
    rules = rules or default_rules()
    summary = load_fixture(
        session, fixture or fixture_file(SIMING_FIXTURE), SETUP_ACTOR, rules=rules
    )
    assessed = session.exec(
        select(Project.code).where(Project.state == "assessed").order_by(col(Project.code))
    )
    codes = list(assessed)
    decided_at = decision_meeting(session)
    for code in codes:
        decide(session, code, DEMO_OFFICER, rules=rules, at=decided_at)
    return summary, year_outcomes(session, rules=rules)


_DEMO_YEAR = 2019

DEMO_KEY = "audit-signing.key"
DEMO_CHECKPOINTS = "checkpoints"


def demo_checkpoint(session: Session, directory: Path) -> tuple[Checkpoint, Path]:
    """Sign the demo's trail after the year-end decisions, and export the checkpoint.

    The key is ``DIR/audit-signing.key`` (created owner-only on the first run, kept after);
    the checkpoint states the moment of the last project step (the decisions: from the
    data, not the clock) and goes to
    ``DIR/checkpoints/``, replacing the checkpoints of the folder's previous demo database.

    Returns:
        The checkpoint and the file it was exported to.
    """
    key = directory / DEMO_KEY
    if not key.exists():
        init_key(key)
    signed = take_checkpoint(session, load_signer(key), at=last_project_step(session))
    folder = directory / DEMO_CHECKPOINTS
    for previous in folder.glob("checkpoint-*.json"):
        previous.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    return signed, export_checkpoint(signed, folder)


@dataclass(frozen=True)
class DemoAccount:
    """One account of the demo, as printed for signing in."""

    login: str
    name: str
    roles: str


def open_for_browser(session: Session, *, year: int | None = None) -> list[DemoAccount]:
    """Give every demo account the demo password and draft the project of ``year``
    (default: :func:`draft_year`, this year) with :func:`demo_draft`; commit.

    The draft is created an hour after the year-end decision meeting, by the officer; the
    passwords are set by the demo's administrator. Run it after :func:`demo_checkpoint`:
    the checkpoint then covers the year, and these rows follow it.

    Returns:
        Every account, with its roles and their scopes.
    """
    moment = decision_meeting(session) + timedelta(hours=1)
    users = accounts.list_users(session)
    accounts.set_shared_password(session, [user.login for user in users], DEMO_PASSWORD, DEMO_ADMIN)
    draft = demo_draft(draft_year() if year is None else year)
    registry.create_project(session, draft, DEMO_OFFICER, at=moment)
    session.commit()
    return [
        DemoAccount(
            login=user.login,
            name=user.name,
            roles=_(", ").join(
                f"{role_label(grant.role)} ({grant.scope})" for grant in user.grants
            ),
        )
        for user in users
    ]


def decision_meeting(session: Session) -> datetime:
    """The year-end decision meeting: 9 a.m. Beijing time, the day after the last recorded step.

    Taking it from the data, not the clock, keeps the demo (and its printed records) the same
    on every run. Only the projects' steps count: the accounts the loader registers are
    stamped with the moment they were created.
    """
    day = last_project_step(session).astimezone(BEIJING).date() + timedelta(days=1)
    return datetime.combine(day, time(9), BEIJING)


def last_project_step(session: Session) -> datetime:
    """The moment of the last recorded step of any project."""
    last = session.exec(
        select(func.max(TransitionLog.at)).where(col(TransitionLog.project_code).is_not(None))
    ).one()
    return datetime.fromisoformat(str(last).replace("Z", "+00:00"))


def year_outcomes(session: Session, *, rules: Rules | None = None) -> list[OutcomeRow]:
    """Summarize each project of the demo year: organization, score, grade and where it ended.

    Only the demo year's projects are listed: not the next-year projects the renewals
    created (awarded, not yet signed), nor the draft of :func:`open_for_browser`.
    """
    rules = rules or default_rules()
    definition = rules.engine.definition
    rows = []
    loaded = select(Project).where(
        col(Project.previous_project_id).is_(None), Project.year == _DEMO_YEAR
    )
    for project in session.exec(loaded.order_by(col(Project.code))):
        contract = queries.contract_of(session, project)
        organization = session.get(Organization, contract.organization_id) if contract else None
        assessment = queries.final_assessment(session, project)
        grade = next(
            (
                both(g.label_zh, g.label_en)
                for g in rules.assessment.grades
                if assessment and g.code == assessment.grade
            ),
            "",
        )
        rows.append(
            OutcomeRow(
                project=project.code,
                title=project.title,
                organization=organization.name if organization else "",
                score=assessment.total if assessment else None,
                grade=grade,
                decision=definition.state(project.state).label,
                state=project.state,
            )
        )
    return rows
