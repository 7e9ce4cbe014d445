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
from procure.services import accounts, registry
from procure.store import queries
from procure.store.db import make_engine, new_session
from procure.store.migrate import upgrade
from procure.store.models import Contract, Payment
from tests.integration.builders import (
    ADMIN,
    OFFICER,
    PEOPLE,
    QIHANG,
    Plan,
    create_project,
    drive,
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

SMALL = {"budget": "300000.00", "contract_amount": "280000.00"}
SMALL_PROPOSALS = {QIHANG: "280000.00"}

HOSTILE_TITLE = "<script>alert('title')</script>{{ 7*7 }} 职工😀服务"
HOSTILE_PURPOSE = "<img src=x onerror=alert('purpose')> {% raw %}{{ config }}{% endraw %} 🧧"
HOSTILE_ORGANIZATION = "<b>坏组织</b>{{ 7*7 }}<script>alert('org')</script>🙂"
HOSTILE_USCC = make_uscc("52350203MJ0777777")

BUSINESS_TABLES_IGNORED = frozenset({"web_session", "sign_in_throttle", "app_secret"})
"""Tables that signing in and browsing write: left out when proving a refusal changed nothing."""


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

    def business_data(self) -> list[tuple[str, list[tuple[object, ...]]]]:
        """Every row, except the web's own bookkeeping (sessions, throttles, secret)."""
        return [row for row in dump_database(self.engine) if row[0] not in BUSINESS_TABLES_IGNORED]


def build_site(folder: Path) -> Site:
    """Create and fill the database under ``folder``."""
    url = f"sqlite:///{folder / 'browser.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with new_session(engine) as session:
        setup_registry(session)
        _stations(session)
        _hostile_organization(session)
        _projects(session)
        logins = [person.name for person in PEOPLE] + [ADMIN.name, STATION_OFFICER]
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
