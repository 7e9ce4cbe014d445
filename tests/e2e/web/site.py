"""The database the browser tests are served: the people of the integration builders with a
password, two stations with an officer of their own, and one project per scene.

Each test acts on a project of its own, so the tests share one server and one database
and still do not depend on each other's order.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from procure.domain.uscc import make_uscc
from procure.services.accounts import manage as accounts
from procure.services.lifecycle import fire as lifecycle
from procure.services.lifecycle import registry
from procure.store import panels, queries
from procure.store.db import make_engine, new_session
from procure.store.migrate import upgrade
from procure.store.models import Contract, Organization, Payment
from procure.workflow.context import Actor
from tests.integration.builders import (
    ADMIN,
    ASSESSMENT_FAIL,
    ASSESSMENT_GOOD,
    OFFICER,
    PEOPLE,
    QIHANG,
    RENHE,
    REVIEW_BELOW_PASS,
    REVIEW_GOOD,
    REVIEWERS,
    TONGXIN,
    Plan,
    create_project,
    drive,
    organization_actor,
    setup_registry,
)
from tests.support import dump_database

PASSWORD = "browser-test-2019"

STATION = "SM-WC"
OTHER_STATION = "SM-ZH"
STATION_OFFICER = "wc-officer"

WALK = "SM-2019-001"  # draft: the officer takes it to soliciting, a leader approving
PROPOSED = "SM-2019-002"  # proposed: a leader approves it
AWARDED = "SM-2019-003"  # awarded: the contract form
IN_SERVICE = "SM-2019-004"  # in service: the payment form; the auditor reads it
HOSTILE = "SM-2019-066"  # soliciting, with a hostile title, purpose and organization
STATION_PROJECT = "SM-2019-020"  # draft of the station SM-WC
OTHER_STATION_PROJECT = "SM-2019-030"  # draft of the station SM-ZH

# The assessment year, 2020: six projects of 500,000.00 within the federation's 3,600,000.00.
ASSESS_FORM = "SM-2020-041"  # assessing: the assessor's sheet typed, with a veto
ASSESS_ERRORS = "SM-2020-042"  # assessing: a sheet with bad values, refused
ASSESS_UPLOAD = "SM-2020-043"  # assessing: the sheet uploaded as the .xlsx template
ACKNOWLEDGE = "SM-2020-044"  # sheet recorded: 启航 acknowledges, the assessor finalizes
RENHE_PROJECT = "SM-2020-045"  # sheet recorded: 仁和's own contract and assessment
AUDITED = "SM-2020-046"  # sheet recorded: the auditor reads it
HOSTILE_ASSESS = "SM-2020-066"  # assessing: the hostile organization's contract

# Review sheets and panels, 2019: two proposals each (启航 the lowest price), under review.
REVIEW_FORM = "SM-2019-051"  # a reviewer types a sheet
REVIEW_ERRORS = "SM-2019-052"  # a sheet refused with errors beside its fields
REVIEW_UPLOAD = "SM-2019-053"  # a sheet uploaded as the .xlsx template, then a .csv refused
RECUSAL = "SM-2019-054"  # a reviewer declares a conflict of interest
PANEL = "SM-2019-055"  # five sheets and a recusal on 启航: the panel, then the award
READ_DOCUMENTS = "SM-2019-056"  # under review, each proposal's plan attached: the panel reads it
UPLOAD_DOCUMENTS = "SM-2019-057"  # taking proposals: 启航 attaches its plan in the browser
PROPOSAL_PDF = {QIHANG: "启航-服务方案.pdf", TONGXIN: "同心-服务方案.pdf"}
SITE_FUNDS = "4500000.00"
"""The purchaser's funds a year: room for every 2019 scene and the approvals the tests make."""
REVIEW_BUDGET = {"budget": "150000.00", "contract_amount": "140000.00"}
REVIEW_PRICES = {QIHANG: "140000.00", TONGXIN: "150000.00"}
PANEL_SERVICE_PLAN = {"陈建华": 18, "周敏": 10, "吴海峰": 20, "郑丽娟": 15, "林晓燕": 16}
"""启航's service-plan points on the panel: totals 85, 77, 87, 82, 83 → 83.33 once trimmed."""
RECUSED_REVIEWER = "郑回避"
RECUSED_REASON = "与该机构负责人系亲属"

# Records and the renewal: years of their own, so printing or renewing touches no other scene.
RECORD_YEAR = 2017
RECORD_PROJECT = "SM-2017-071"  # contracted: the year's only record, printed and verified
RENEWAL_YEAR = 2021
RENEWAL_GOOD = "SM-2021-081"  # assessed good (启航): the renewal renews it
RENEWAL_FAIL = "SM-2021-082"  # assessed fail (同心): the renewal drops it

# The projects list: drafts of 2018, enough for a second page, one titled like a formula.
LIST_YEAR = 2018
LIST_DRAFTS = 45
FORMULA_TITLE = '=HYPERLINK("http://example.invalid","点我") 职工书屋'

SMALL = {"budget": "300000.00", "contract_amount": "280000.00"}
SMALL_PROPOSALS = {QIHANG: "280000.00"}

HOSTILE_TITLE = "<script>alert('title')</script>{{ 7*7 }} 职工😀服务"
HOSTILE_PURPOSE = "<img src=x onerror=alert('purpose')> {% raw %}{{ config }}{% endraw %} 🧧"
HOSTILE_ORGANIZATION = "<b>坏组织</b>{{ 7*7 }}<script>alert('org')</script>🙂"
HOSTILE_USCC = make_uscc("52350203MJ0777777")
HOSTILE_LOGIN = HOSTILE_USCC.lower()
"""The hostile organization's own account."""

BUSINESS_TABLES_IGNORED = frozenset(
    {"web_session", "sign_in_throttle", "app_secret", "audit_checkpoint"}
)
"""Tables that signing in and browsing write, and the trail's checkpoints, which the served app
may take at any moment: left out when proving a refusal changed nothing."""


@dataclass(frozen=True)
class Site:
    """The served database: its URL, and an engine for the tests to read it."""

    url: str
    engine: Engine

    def state(self, code: str) -> str:
        """The project's state now."""
        with new_session(self.engine) as session:
            return queries.project_by_code(session, code).state

    def contract(self, code: str) -> Contract | None:
        """The project's contract, if signed."""
        with new_session(self.engine) as session:
            return queries.contract_of(session, queries.project_by_code(session, code))

    def payments(self, code: str) -> list[Payment]:
        """The payments recorded against the project's contract."""
        with new_session(self.engine) as session:
            contract = queries.contract_of(session, queries.project_by_code(session, code))
            assert contract is not None
            paid = select(Payment).where(Payment.contract_id == contract.id)
            return list(session.exec(paid.order_by(col(Payment.id))))

    def reviews(self, code: str) -> list[tuple[str, str, str]]:
        """The project's review sheets: reviewer, organization's USCC, total."""
        with new_session(self.engine) as session:
            entries = panels.project_panels(session, queries.project_by_code(session, code))
            return [
                (sheet.reviewer, entry.organization.uscc, str(sheet.total))
                for entry in entries
                for sheet in entry.sheets
            ]

    def business_data(self) -> list[tuple[str, list[tuple[object, ...]]]]:
        """Every row, except the web's own bookkeeping (sessions, throttles, secret)."""
        return [row for row in dump_database(self.engine) if row[0] not in BUSINESS_TABLES_IGNORED]


def build_site(folder: Path) -> Site:
    """Create and fill the database under ``folder``."""
    url = f"sqlite:///{folder / 'browser.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with new_session(engine) as session:
        setup_registry(session, funds=SITE_FUNDS)
        _stations(session)
        _hostile_organization(session)
        _projects(session)
        _assessments(session)
        _reviews(session)
        _documents(session)
        _list_drafts(session)
        _records_and_renewal(session)
        logins = [person.name for person in PEOPLE] + [ADMIN.name, STATION_OFFICER]
        logins += [organization_actor(uscc).name for uscc in (QIHANG, TONGXIN, RENHE)]
        logins.append(HOSTILE_LOGIN)
        accounts.set_shared_password(session, logins, PASSWORD, ADMIN)
        session.commit()
    return Site(url, engine)


def _stations(session: Session) -> None:
    for code, name in ((STATION, "梧村街道工会"), (OTHER_STATION, "中华街道工会")):
        registry.add_purchaser(
            session, registry.PurchaserCreate(code, name, "500000.00", "SM-FED"), OFFICER
        )
    accounts.add_user(session, STATION_OFFICER, "梧村街道项目干事", ADMIN)
    accounts.grant(session, STATION_OFFICER, "officer", ADMIN, purchaser=STATION)
    session.commit()


def _hostile_organization(session: Session) -> None:
    registry.register_organization(
        session, registry.OrganizationCreate(HOSTILE_USCC, HOSTILE_ORGANIZATION), OFFICER
    )
    accounts.add_user(session, HOSTILE_LOGIN, HOSTILE_ORGANIZATION, ADMIN)
    accounts.grant(session, HOSTILE_LOGIN, "organization", ADMIN, organization=HOSTILE_USCC)
    session.commit()


def _projects(session: Session) -> None:
    create_project(session, Plan(code=WALK), title="职工成长方程式")
    for code, until in ((PROPOSED, "proposed"), (AWARDED, "awarded")):
        plan = Plan(code=code, proposals=SMALL_PROPOSALS, **SMALL)
        drive(session, create_project(session, plan, title="社会组织成长四部曲"), until)
    drive(
        session, create_project(session, Plan(code=IN_SERVICE), title="职工心理关爱"), "in_service"
    )
    hostile = Plan(
        code=HOSTILE, proposals={QIHANG: "280000.00", HOSTILE_USCC: "290000.00"}, **SMALL
    )
    registry.create_project(
        session,
        registry.ProjectCreate(
            HOSTILE, 2019, "SM-FED", HOSTILE_TITLE, hostile.budget, purpose=HOSTILE_PURPOSE
        ),
        OFFICER,
    )
    session.commit()
    drive(session, hostile, "soliciting")
    for code, purchaser in ((STATION_PROJECT, STATION), (OTHER_STATION_PROJECT, OTHER_STATION)):
        create_project(session, Plan(code=code, purchaser=purchaser, budget="200000.00"))


def _assessments(session: Session) -> None:
    year = {"year": 2020, "budget": "500000.00", "contract_amount": "480000.00"}
    bids = {QIHANG: "480000.00", TONGXIN: "490000.00"}
    for code in (ASSESS_FORM, ASSESS_ERRORS, ASSESS_UPLOAD):
        drive(
            session, create_project(session, Plan(code=code, proposals=bids, **year)), "assessing"
        )
    for code in (ACKNOWLEDGE, AUDITED):
        plan = Plan(code=code, proposals=bids, **year)
        drive(session, create_project(session, plan, title="职工心理关爱"), "assessment_recorded")
    renhe = Plan(code=RENHE_PROJECT, proposals={RENHE: "470000.00"}, winner=RENHE, **year)
    drive(
        session, create_project(session, renhe, title="新就业形态劳动者服务"), "assessment_recorded"
    )
    hostile = Plan(
        code=HOSTILE_ASSESS,
        proposals={HOSTILE_USCC: "480000.00"},
        winner=HOSTILE_USCC,
        **year,
    )
    drive(session, create_project(session, hostile, title="职工子女暑托班"), "assessing")


def _reviews(session: Session) -> None:
    for code in (REVIEW_FORM, REVIEW_ERRORS, REVIEW_UPLOAD, RECUSAL, PANEL):
        plan = Plan(code=code, proposals=REVIEW_PRICES, **REVIEW_BUDGET)
        drive(session, create_project(session, plan, title="职工法律服务"), "reviewing")
    for name, points in [*PANEL_SERVICE_PLAN.items(), (RECUSED_REVIEWER, 20)]:
        scores = {**REVIEW_GOOD, "service_plan": points}
        params = {"organization": QIHANG, "scores": scores}
        lifecycle.perform(session, PANEL, "record_review", Actor(name, "reviewer"), params=params)
    recusal = {"organization": QIHANG, "reviewer": RECUSED_REVIEWER, "reason": RECUSED_REASON}
    reviewer = Actor(RECUSED_REVIEWER, "reviewer")
    lifecycle.perform(session, PANEL, "record_recusal", reviewer, params=recusal)
    for actor in REVIEWERS:
        params = {"organization": TONGXIN, "scores": REVIEW_BELOW_PASS}
        lifecycle.perform(session, PANEL, "record_review", actor, params=params)
    session.commit()


def _documents(session: Session) -> None:
    """Each bidder attaches its plan while the call is open; then the panel reviews."""
    from procure.services.documents.attach import attach
    from tests.hostile_documents import text_pdf

    plan = Plan(code=READ_DOCUMENTS, proposals=REVIEW_PRICES, **REVIEW_BUDGET)
    drive(session, create_project(session, plan, title="职工法律服务"), "soliciting")
    project = queries.project_by_code(session, READ_DOCUMENTS)
    for proposal in queries.proposals_of(session, project):
        organization = session.get(Organization, proposal.organization_id)
        assert organization is not None
        uscc = organization.uscc
        attach(
            session, project_code=READ_DOCUMENTS, fact_kind="proposal", fact_id=proposal.id,
            name=PROPOSAL_PDF[uscc], data=text_pdf("Service plan", f"USCC {uscc}"),
            by=organization_actor(uscc),
        )  # fmt: skip
    drive(session, plan, "reviewing", start="soliciting")
    plan = Plan(code=UPLOAD_DOCUMENTS, proposals=SMALL_PROPOSALS, **SMALL)
    drive(session, create_project(session, plan, title="职工法律服务"), "soliciting")


def _list_drafts(session: Session) -> None:
    """Drafts straight through the registry (no workflow): cheap rows for the list's pages."""
    for number in range(1, LIST_DRAFTS + 1):
        title = FORMULA_TITLE if number == 1 else f"职工服务站运营 {number:02d}"
        code = f"SM-{LIST_YEAR}-{number:03d}"
        data = registry.ProjectCreate(code, LIST_YEAR, "SM-FED", title, "100000.00")
        registry.create_project(session, data, OFFICER)
    session.commit()


def _records_and_renewal(session: Session) -> None:
    record = Plan(code=RECORD_PROJECT, year=RECORD_YEAR, proposals=SMALL_PROPOSALS, **SMALL)
    drive(session, create_project(session, record, title="职工读书会"), "contracted")
    renewals = ((RENEWAL_GOOD, ASSESSMENT_GOOD, QIHANG), (RENEWAL_FAIL, ASSESSMENT_FAIL, TONGXIN))
    for code, assessment, winner in renewals:
        plan = Plan(code=code, year=RENEWAL_YEAR, assessment=assessment, winner=winner)
        drive(session, create_project(session, plan, title="职工疗休养服务"), "assessed")
