"""Build a purchaser, organizations and projects, and drive a project to any stage.

Every step goes through the services a person would use, so a test that drives a
project to ``assessed`` has exercised every trigger before it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from procure.domain.uscc import make_uscc
from procure.services import lifecycle as lc
from procure.services import registry
from procure.services.lifecycle import now_utc
from procure.workflow.context import Actor
from tests.support import dump_database

OFFICER = Actor("李秀梅", "officer")
LEADER = Actor("张志远", "leader")
SUPERVISOR = Actor("王丽华", "supervisor")
ASSESSOR = Actor("刘建国", "assessor")
AUDITOR = Actor("赵审计", "auditor")
REVIEWERS = (Actor("陈建华", "reviewer"), Actor("周敏", "reviewer"), Actor("吴海峰", "reviewer"))

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

ASSESSMENT_EXCELLENT: dict[str, str | int] = {
    "project_management": 19,
    "financial_management": 14,
    "outputs": 23,
    "outcomes": 18,
    "satisfaction": 14,
    "impact_capacity": 5,
}  # 93
ASSESSMENT_GOOD: dict[str, str | int] = {
    "project_management": 17,
    "financial_management": 13,
    "outputs": 21,
    "outcomes": 17,
    "satisfaction": 13,
    "impact_capacity": 4,
}  # 85
ASSESSMENT_PASS: dict[str, str | int] = {
    "project_management": 14,
    "financial_management": 10,
    "outputs": 18,
    "outcomes": 14,
    "satisfaction": 11,
    "impact_capacity": 3,
}  # 70
ASSESSMENT_FAIL: dict[str, str | int] = {
    "project_management": 10,
    "financial_management": 8,
    "outputs": 14,
    "outcomes": 10,
    "satisfaction": 9,
    "impact_capacity": 2,
}  # 53

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
    assessment: Mapping[str, str | int] = field(default_factory=lambda: dict(ASSESSMENT_GOOD))
    veto: list[str] = field(default_factory=list)
    assessed_at: datetime | None = None

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
    """Register the purchaser and the organizations, and commit."""
    registry.add_purchaser(
        session, registry.PurchaserCreate(purchaser, PURCHASER_NAME, funds), OFFICER
    )
    for uscc, name in organizations.items():
        registry.register_organization(session, registry.OrganizationCreate(uscc, name), OFFICER)
    session.commit()


def create_project(session: Session, plan: Plan | None = None, *, title: str = "职工成长方程式") -> Plan:
    """Draft the plan's project and commit."""
    plan = plan or Plan()
    registry.create_project(
        session,
        registry.ProjectCreate(plan.code, plan.year, plan.purchaser, title, plan.budget),
        OFFICER,
    )
    session.commit()
    return plan


def _steps(session: Session, plan: Plan) -> dict[str, Callable[[], object]]:
    code = plan.code

    def solicit() -> None:
        lc.open_call(session, code, OFFICER)
        for uscc, price in plan.proposals.items():
            lc.add_proposal(session, code, OFFICER, organization=uscc, price=price)

    def review() -> None:
        for reviewer in REVIEWERS:
            for uscc in plan.proposals:
                lc.record_review(session, code, reviewer, organization=uscc, scores=plan.review)

    def sign() -> None:
        lc.sign_contract(
            session,
            code,
            OFFICER,
            number=plan.contract_number,
            amount=plan.contract_amount,
            start=f"{plan.year}-03-01",
            end=f"{plan.year}-12-31",
            signed_on=f"{plan.year}-02-25",
        )

    def serve() -> None:
        lc.start_service(session, code, OFFICER)
        lc.record_payment(session, code, OFFICER, amount="400000.00", paid_on=f"{plan.year}-03-05")
        lc.record_inspection(
            session, code, SUPERVISOR, inspected_on=f"{plan.year}-06-18", findings="台账齐全"
        )

    def assess() -> None:
        options = {"at": plan.assessed_at} if plan.assessed_at else {}
        lc.record_assessment(
            session,
            code,
            ASSESSOR,
            scores=plan.assessment,
            narrative="全年开展活动 68 场",
            veto=plan.veto,
            **options,
        )

    def finalize() -> None:
        lc.record_comment(session, code, OFFICER, text="无异议", acknowledged=True)
        lc.finalize_assessment(session, code, ASSESSOR)

    return {
        "proposed": lambda: lc.submit(session, code, OFFICER),
        "approved": lambda: lc.approve(session, code, LEADER),
        "soliciting": solicit,
        "reviewing": lambda: lc.close_call(session, code, OFFICER),
        "reviewed": review,
        "awarded": lambda: lc.award(session, code, OFFICER, organization=plan.winner),
        "contracted": sign,
        "in_service": serve,
        "assessing": lambda: lc.begin_assessment(session, code, OFFICER),
        "assessment_recorded": assess,
        "assessed": finalize,
    }


def drive(session: Session, plan: Plan, until: str, *, start: str = "draft") -> Plan:
    """Take the plan's project from stage ``start`` to stage ``until`` (see :data:`STAGES`)."""
    steps = _steps(session, plan)
    begin, end = STAGES.index(start), STAGES.index(until)
    for stage in STAGES[begin + 1 : end + 1]:
        steps[stage]()
    return plan


def project_at(session: Session, until: str, plan: Plan | None = None) -> Plan:
    """Register everything, draft the project and drive it to ``until``."""
    setup_registry(session)
    plan = create_project(session, plan)
    return drive(session, plan, until)


def snapshot(session: Session, engine: Engine) -> list[tuple[str, list[tuple[object, ...]]]]:
    """Dump the whole database after ending the session's transaction (it would block)."""
    session.commit()
    return dump_database(engine)


def days_after(days: int, moment: datetime | None = None) -> datetime:
    """A moment ``days`` days after ``moment`` (default: now)."""
    return (moment or now_utc()) + timedelta(days=days)
