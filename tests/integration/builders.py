"""Build a purchaser, organizations and projects, and drive a project to any stage.

Every step goes through the services a person would use, so a test that drives a
project to ``assessed`` has exercised every trigger before it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from procure.domain.uscc import make_uscc
from procure.services.accounts import manage as accounts
from procure.services.accounts.authorization import SETUP_ACTOR
from procure.services.lifecycle import fire as lc
from procure.services.lifecycle import registry
from procure.services.lifecycle.fire import now_utc
from procure.store.trust_models import RoleGrant, User
from procure.workflow.context import Actor
from tests.databases import AT_STAGE, REGISTERED
from tests.starting_rows import fill_from_template
from tests.support import dump_database

OFFICER = Actor("李秀梅", "officer")
LEADER = Actor("张志远", "leader")
SUPERVISOR = Actor("王丽华", "supervisor")
ASSESSOR = Actor("刘建国", "assessor")
AUDITOR = Actor("赵审计", "auditor")
REVIEWERS = (Actor("陈建华", "reviewer"), Actor("周敏", "reviewer"), Actor("吴海峰", "reviewer"))
ADMIN = Actor("admin", "admin")
# People some tests act as besides the usual cast: a second assessor, more reviewers.
EXTRA_PEOPLE = (
    Actor("陈敏", "assessor"),
    Actor("郑丽娟", "reviewer"),
    Actor("郑回避", "reviewer"),
    Actor("林晓燕", "reviewer"),
    Actor("黄志明", "reviewer"),
)
PEOPLE = (OFFICER, LEADER, SUPERVISOR, ASSESSOR, AUDITOR, *REVIEWERS, *EXTRA_PEOPLE)

PURCHASER = "SM-FED"
PURCHASER_NAME = "厦门市思明区总工会"
FUNDS = "3600000.00"
CODE = "SM-2019-001"
BUDGET = "900000.00"

ORGANIZATIONS: dict[str, str] = {
    make_uscc("52350203MJ0316852"): "厦门市思明区启航社会工作服务中心",
    make_uscc("52350203MJ0427391"): "厦门市思明区同心社会组织发展中心",
    make_uscc("52350203MJ0539146"): "厦门市思明区仁和社会工作服务中心",
}
QIHANG, TONGXIN, RENHE = ORGANIZATIONS
UNREGISTERED = make_uscc("52350203MJ0999999")


def organization_actor(uscc: str) -> Actor:
    """The organization's own account (login: its USCC), as :func:`setup_registry` makes it."""
    return Actor(uscc.lower(), "organization")


# Judged review criteria (the price criterion, 20 points, is computed from the prices).
REVIEW_GOOD: dict[str, str | int] = {
    "needs_analysis": 9,
    "service_plan": 18,
    "outputs_outcomes": 8,
    "management_risk": 8,
    "team": 9,
    "past_performance": 5,
    "budget_reasonableness": 8,
}  # 65 judged + 20 price points for the lowest price = 85.00
REVIEW_BELOW_PASS: dict[str, str | int] = {
    "needs_analysis": 5,
    "service_plan": 10,
    "outputs_outcomes": 5,
    "management_risk": 5,
    "team": 5,
    "past_performance": 5,
    "budget_reasonableness": "3.5",
}  # 38.5 judged + 20 = 58.50
REVIEW_AT_PASS: dict[str, str | int] = {**REVIEW_BELOW_PASS, "budget_reasonableness": 5}  # 60.00

FULL_OUTPUTS: dict[str, object] = {
    "output_activities": {"planned": 60, "actual": 60},
    "output_person_times": {"planned": 1000, "actual": 1000},
}  # 10 + 15 points
ASSESSMENT_EXCELLENT: dict[str, object] = {
    "project_management": 19,
    "financial_management": 14,
    **FULL_OUTPUTS,
    "outcomes": 18,
    "satisfaction": {"respondents": 100, "satisfied": 80},
    "impact_capacity": 5,
}  # 19 + 14 + 25 + 18 + 12 + 5 = 93
ASSESSMENT_GOOD: dict[str, object] = {
    "project_management": 17,
    "financial_management": 13,
    **FULL_OUTPUTS,
    "outcomes": 17,
    "satisfaction": {"respondents": 100, "satisfied": 60},
    "impact_capacity": 4,
}  # 17 + 13 + 25 + 17 + 9 + 4 = 85
ASSESSMENT_PASS: dict[str, object] = {
    "project_management": 14,
    "financial_management": 10,
    "output_activities": {"planned": 60, "actual": 60},
    "output_person_times": {"planned": 1000, "actual": 850},
    "outcomes": 14,
    "satisfaction": {"respondents": 100, "satisfied": 60},
    "impact_capacity": 3,
}  # 14 + 10 + 10 + 10 (85% attained: two thirds) + 14 + 9 + 3 = 70
ASSESSMENT_FAIL: dict[str, object] = {
    "project_management": 10,
    "financial_management": 8,
    "output_activities": {"planned": 60, "actual": 30},
    "output_person_times": {"planned": 1000, "actual": 700},
    "outcomes": 16,
    "satisfaction": {"respondents": 100, "satisfied": 80},
    "impact_capacity": 2,
}  # 10 + 8 + 0 (50%) + 5 (70%: one third) + 16 + 12 + 2 = 53
NARRATIVES: dict[str, str] = {
    "management": "台账齐全，按计划推进。",
    "finance": "资金专款专用。",
    "outputs": "全年开展活动 60 场，服务职工 1,000 人次。",
    "outcomes": "职工技能有提升。",
    "satisfaction": "随机回访满意度较高。",
    "impact": "培育骨干志愿者 12 名。",
}

STAGES: tuple[str, ...] = (
    "draft",
    "proposed",
    "approved",
    "soliciting",  # call open, proposals registered
    "reviewing",  # call closed
    "reviewed",  # still reviewing: every proposal scored by the three reviewers
    "awarded",
    "contracted",
    "in_service",  # service started, one payment and one inspection recorded
    "assessing",  # assessment begun
    "assessment_recorded",  # still assessing: the assessor's sheet is recorded
    "assessed",  # the organization acknowledged, the assessor finalized
)


@dataclass
class Plan:
    """How a project is driven: who proposes at what price, how it is scored and assessed."""

    code: str = CODE
    year: int = 2019
    purchaser: str = PURCHASER
    budget: str = BUDGET
    proposals: Mapping[str, str] = field(
        default_factory=lambda: {QIHANG: "868000.00", TONGXIN: "880000.00"}
    )
    review: Mapping[str, str | int] = field(default_factory=lambda: dict(REVIEW_GOOD))
    winner: str = QIHANG
    contract_amount: str = "868000.00"
    assessment: Mapping[str, object] = field(default_factory=lambda: dict(ASSESSMENT_GOOD))
    veto: list[str] = field(default_factory=list)
    assessed_at: datetime | None = None
    award_now: bool = False
    """Award at the moment the test runs (its objection window open now) instead of
    20 February of the plan's year (so the contract can be signed on the 25th)."""

    @property
    def awarded_at(self) -> datetime | None:
        """When the award is made: 10:00 in Beijing on 20 February of the plan's year."""
        return None if self.award_now else datetime(self.year, 2, 20, 2, 0, tzinfo=UTC)

    @property
    def contract_number(self) -> str:
        return f"HT-{self.code}"


def setup_registry(
    session: Session,
    *,
    purchaser: str = PURCHASER,
    funds: str = FUNDS,
    organizations: Mapping[str, str] = ORGANIZATIONS,
) -> None:
    """Register the people, the purchaser and the organizations (each with its account), and
    commit. The people hold their role for every purchaser; tests of scoped grants make their
    own accounts. On a database still at the migrated start, the defaults' rows are copied
    from the session's template, where the same services wrote them (tests/starting_rows.py)."""
    defaults = (purchaser, funds, organizations) == (PURCHASER, FUNDS, ORGANIZATIONS)
    if defaults and fill_from_template(session, REGISTERED):
        session.commit()
        return
    register_everything(session, purchaser=purchaser, funds=funds, organizations=organizations)


def register_everything(
    session: Session,
    *,
    purchaser: str = PURCHASER,
    funds: str = FUNDS,
    organizations: Mapping[str, str] = ORGANIZATIONS,
) -> None:
    """:func:`setup_registry` through the services, always."""
    register_people(session)
    registry.add_purchaser(
        session, registry.PurchaserCreate(purchaser, PURCHASER_NAME, funds), OFFICER
    )
    for uscc, name in organizations.items():
        registry.register_organization(session, registry.OrganizationCreate(uscc, name), OFFICER)
        login = organization_actor(uscc).name
        if session.exec(select(User).where(User.login == login)).first() is None:
            accounts.add_user(session, login, name, ADMIN)
            accounts.grant(session, login, "organization", ADMIN, organization=uscc)
    session.commit()


REGISTER_FOR_TEMPLATES = register_everything
""":func:`register_everything` as defined here, for the session's templates
(tests/databases.py): a template is built inside the first test that needs it, and a test
that patches ``register_everything`` must not reach what every later test copies."""


def register_people(session: Session, people: tuple[Actor, ...] = PEOPLE) -> None:
    """Create the admin (on a database being set up) and an account for each person, holding
    its role for every purchaser; no commit. People already registered are left alone."""
    if session.exec(select(User).where(User.login == ADMIN.name)).first() is None:
        accounts.add_user(session, ADMIN.name, "系统管理员", SETUP_ACTOR)
        accounts.grant(session, ADMIN.name, "admin", SETUP_ACTOR)
    for person in people:
        user = session.exec(select(User).where(User.login == person.name)).first()
        if user is None:
            accounts.add_user(session, person.name, person.name, ADMIN)
        held = {(g.role, g.purchaser_id, g.organization_id) for g in _grants(session, person)}
        if (person.role, None, None) not in held:
            accounts.grant(session, person.name, person.role, ADMIN)


def _grants(session: Session, person: Actor) -> list[RoleGrant]:
    user = session.exec(select(User).where(User.login == person.name)).first()
    if user is None:
        return []
    return list(session.exec(select(RoleGrant).where(RoleGrant.user_id == user.id)))


def create_project(
    session: Session, plan: Plan | None = None, *, title: str = "职工成长方程式"
) -> Plan:
    """Draft the plan's project and commit."""
    plan = plan or Plan()
    registry.create_project(
        session,
        registry.ProjectCreate(plan.code, plan.year, plan.purchaser, title, plan.budget),
        OFFICER,
    )
    session.commit()
    return plan


class _Driver:
    """Fires one plan's triggers, through the named services or straight through ``perform``.

    The named services (``lc.submit``…) commit after each trigger; ``perform`` is the same
    path (guards, state change, effect, audit row) inside one transaction, committed at the
    end of :func:`drive`: the setup of most tests, several times faster on SQLite.
    """

    def __init__(self, session: Session, plan: Plan, *, named: bool) -> None:
        self.session, self.plan, self.named = session, plan, named

    def fire(
        self, trigger: str, actor: Actor, *, at: datetime | None = None, **params: Any
    ) -> None:
        options: dict[str, Any] = {"at": at} if at else {}
        if self.named:
            getattr(lc, trigger)(self.session, self.plan.code, actor, **params, **options)
        else:
            lc.perform(self.session, self.plan.code, trigger, actor, params=params, **options)

    def stage(self, name: str) -> None:
        plan, fire = self.plan, self.fire
        if name == "proposed":
            fire("submit", OFFICER)
        elif name == "approved":
            fire("approve", LEADER)
        elif name == "soliciting":
            fire("open_call", OFFICER)
            for uscc, price in plan.proposals.items():
                fire("add_proposal", OFFICER, organization=uscc, price=price)
        elif name == "reviewing":
            fire("close_call", OFFICER)
        elif name == "reviewed":
            for reviewer in REVIEWERS:
                for uscc in plan.proposals:
                    fire("record_review", reviewer, organization=uscc, scores=plan.review)
        elif name == "awarded":
            fire("award", OFFICER, at=plan.awarded_at, organization=plan.winner)
        elif name == "contracted":
            fire(
                "sign_contract",
                OFFICER,
                number=plan.contract_number,
                amount=plan.contract_amount,
                start=f"{plan.year}-03-01",
                end=f"{plan.year}-12-31",
                signed_on=f"{plan.year}-02-25",
            )
        elif name == "in_service":
            fire("start_service", OFFICER)
            fire("record_payment", OFFICER, amount="400000.00", paid_on=f"{plan.year}-03-05")
            fire(
                "record_inspection",
                SUPERVISOR,
                inspected_on=f"{plan.year}-06-18",
                findings="台账齐全",
            )
        elif name == "assessing":
            fire("begin_assessment", OFFICER)
        elif name == "assessment_recorded":
            fire(
                "record_assessment",
                ASSESSOR,
                at=plan.assessed_at,
                scores=plan.assessment,
                narratives=NARRATIVES,
                veto=plan.veto,
            )
        elif name == "assessed":
            fire(
                "record_comment", organization_actor(plan.winner), text="无异议", acknowledged=True
            )
            fire("finalize_assessment", ASSESSOR)


def drive(
    session: Session, plan: Plan, until: str, *, start: str = "draft", named: bool = False
) -> Plan:
    """Take the plan's project from stage ``start`` to stage ``until`` (see :data:`STAGES`).

    With ``named`` every step goes through the named service (``lc.submit``…), each in a
    transaction of its own; otherwise all steps go through ``perform`` in one transaction.
    """
    driver = _Driver(session, plan, named=named)
    begin, end = STAGES.index(start), STAGES.index(until)
    try:
        for stage in STAGES[begin + 1 : end + 1]:
            driver.stage(stage)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return plan


def project_at(
    session: Session, until: str, plan: Plan | None = None, *, named: bool = False
) -> Plan:
    """Register everything, draft the project and drive it to ``until``. With the default
    plan, on a database still at the migrated start, the rows are copied from the session's
    template of that stage, where the same services wrote them (tests/starting_rows.py)."""
    if plan is None and not named and fill_from_template(session, f"{AT_STAGE}{until}"):
        session.commit()
        return Plan()
    setup_registry(session)
    plan = create_project(session, plan)
    return drive(session, plan, until, named=named)


def snapshot(session: Session, engine: Engine) -> list[tuple[str, list[tuple[object, ...]]]]:
    """Dump the whole database after ending the session's transaction (it would block)."""
    session.commit()
    return dump_database(engine)


def days_after(days: int, moment: datetime | None = None) -> datetime:
    """A moment ``days`` days after ``moment`` (default: now)."""
    return (moment or now_utc()) + timedelta(days=days)
