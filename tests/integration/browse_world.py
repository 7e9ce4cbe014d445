"""A small district for the browse tests: a federation with two stations, a second district,
projects at several stages, and accounts whose grants reach different parts of it.

    SM-FED 厦门市思明区总工会            SM-2019-001 contracted (启航 won; 同心 also bid)
      SM-WC 梧村街道工会                 SM-WC-2019-001 draft · SM-WC-2020-001 proposed
      SM-ZS 中山街道工会                 SM-ZS-2019-001 approved
    HL-FED 厦门市湖里区总工会            HL-2019-001 soliciting (同心 bid)
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from procure.services.accounts import manage as accounts
from procure.services.lifecycle import registry
from procure.workflow.context import Actor
from tests.integration.builders import (
    ADMIN,
    OFFICER,
    TONGXIN,
    Plan,
    create_project,
    drive,
    setup_registry,
)

STATIONS = {"SM-WC": "梧村街道工会", "SM-ZS": "中山街道工会"}
OTHER_DISTRICT = ("HL-FED", "厦门市湖里区总工会")

WC_OFFICER = Actor("wc-officer", "officer")
WC_LEADER = Actor("wc-leader", "leader")
FED_AUDITOR = Actor("fed-auditor", "auditor")
HL_OFFICER = Actor("hl-officer", "officer")


@dataclass(frozen=True)
class Placed:
    """A project of the world: its plan, the stage it was driven to and its title."""

    plan: Plan
    stage: str
    title: str


PROJECTS: tuple[Placed, ...] = (
    Placed(Plan(), "contracted", "职工成长方程式"),
    Placed(
        Plan(code="SM-WC-2019-001", purchaser="SM-WC", budget="120000.00"),
        "draft",
        "梧家职工成长加油站",
    ),
    Placed(
        Plan(code="SM-WC-2020-001", year=2020, purchaser="SM-WC", budget="150000.00"),
        "proposed",
        "新就业形态劳动者服务",
    ),
    Placed(
        Plan(code="SM-ZS-2019-001", purchaser="SM-ZS", budget="80000.00"),
        "approved",
        "职工心理关爱",
    ),
    Placed(
        Plan(
            code="HL-2019-001",
            purchaser="HL-FED",
            budget="300000.00",
            proposals={TONGXIN: "280000.00"},
        ),
        "soliciting",
        "社会组织成长四部曲",
    ),
)
CODES = tuple(placed.plan.code for placed in PROJECTS)


def build_world(session: Session) -> None:
    """Register the purchasers, organizations and accounts, and drive every project."""
    setup_registry(session)
    for code, name in STATIONS.items():
        registry.add_purchaser(
            session, registry.PurchaserCreate(code, name, "1000000.00", parent="SM-FED"), OFFICER
        )
    registry.add_purchaser(
        session, registry.PurchaserCreate(*OTHER_DISTRICT, "2000000.00"), OFFICER
    )
    grant(session, WC_OFFICER, "SM-WC")
    grant(session, WC_LEADER, "SM-WC")
    grant(session, FED_AUDITOR, "SM-FED")
    grant(session, HL_OFFICER, "HL-FED")
    session.commit()
    for placed in PROJECTS:
        create_project(session, placed.plan, title=placed.title)
        drive(session, placed.plan, placed.stage)


def grant(session: Session, person: Actor, purchaser: str | None) -> None:
    """Add ``person``'s account (if new) holding its role for ``purchaser`` (or all); no commit."""
    if person.name not in {user.login for user in accounts.list_users(session)}:
        accounts.add_user(session, person.name, person.name, ADMIN)
    accounts.grant(session, person.name, person.role, ADMIN, purchaser=purchaser)
