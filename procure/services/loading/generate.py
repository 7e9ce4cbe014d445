"""Generate a provincial-size year: purchasers, organizations and assessed contracts, in bulk.

For benchmarks and load tests, not for replaying real histories: rows go in
with multi-row INSERTs a batch at a time (the per-trigger path would take hours
for a province), every project already ``assessed`` with a final assessment,
and one audit row per project (batch ``generate-…``) carrying every fact the
project, its contract and its final assessment hold, and one per purchaser and
organization it registers, so the trail explains the data it generated. Grades
follow a realistic spread (a quarter 优秀, two fifths 良好, a quarter 合格, the
rest 不合格, a few with a veto item). The same seed gives the same data.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select
from sqlmodel import Session

from procure.domain.errors import InvalidInput
from procure.domain.language import _
from procure.domain.uscc import make_uscc
from procure.services.accounts import manage as accounts
from procure.services.accounts.authorization import SETUP_ACTOR
from procure.services.loading.generated_projects import (
    ACCOUNTS,
    ADMIN_LOGIN,
    BATCH,
    CITIES,
    pairs,
    table_of,
    write_projects,
)
from procure.store import accounts as account_store
from procure.store import audit
from procure.store.models import Organization, Project, Purchaser
from procure.workflow.context import Actor
from procure.workflow.rules import Rules, default_rules

PROVINCE = ("GS-FED", "甘肃省总工会", "620000")


@dataclass(frozen=True)
class GeneratedYear:
    """What the generator added."""

    year: int
    purchasers: int
    organizations: int
    projects: int
    batch_id: str


def generate_year(
    session: Session,
    *,
    year: int,
    organizations: int = 1000,
    projects: int = 10_000,
    seed: int = 0,
    rules: Rules | None = None,
    progress: Callable[[int, int], None] | None = None,
    by: Actor | None = None,
) -> GeneratedYear:
    """Add a province's year of assessed contracts in one transaction (commits).

    Args:
        session: an open session on a migrated database.
        year: the funding year of the projects.
        organizations: how many social organizations hold the contracts.
        projects: how many projects (each with a contract and a final assessment).
        seed: the random seed; the same seed gives the same data.
        rules: the loaded configuration (the assessment scorecard and veto items).
        progress: called with ``(done, total)`` after each batch of projects.
        by: the administrator creating the province's accounts when they are missing
            (default: the setup actor, which only a database without an admin accepts).

    Raises:
        InvalidInput: bad sizes, or the year's generated projects already exist.
    """
    rules = rules or default_rules()
    if not 2000 <= year <= 2100 or organizations < 1 or projects < 1:
        raise InvalidInput(_("give a funding year and at least one organization and one project"))
    if projects > 99_999 * len(CITIES):
        raise InvalidInput(_("at most %(count)s projects per year", count=99_999 * len(CITIES)))
    batch_id = f"generate-{year}-{uuid.uuid4().hex[:8]}"
    try:
        recorded = datetime(year, 12, 10, 2, 0, tzinfo=UTC)
        purchaser_ids = _purchasers(session, _Registering(recorded, batch_id))
        _accounts(session, by or SETUP_ACTOR)
        organization_ids = _organizations(session, organizations, _Registering(recorded, batch_id))
        _refuse_existing(session, year, purchaser_ids)
        owners = (purchaser_ids, organization_ids)
        write_projects(session, rules, year, projects, owners, seed, batch_id, progress)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return GeneratedYear(year, len(purchaser_ids), len(organization_ids), projects, batch_id)


@dataclass(frozen=True)
class _Registering:
    """Logs the purchasers and organizations the generator registers, as the registry does."""

    at: datetime
    batch_id: str

    def log(self, session: Session, trigger: str, rows: list[dict[str, Any]]) -> None:
        audit.append_many(
            session,
            (
                audit.AuditEntry(
                    actor=ADMIN_LOGIN,
                    role="admin",
                    actor_name=ACCOUNTS[0][1],
                    trigger=trigger,
                    at=self.at,
                    data=row,
                    batch_id=self.batch_id,
                )
                for row in rows
            ),
        )


def _purchasers(session: Session, registering: _Registering) -> list[int]:
    """The 14 prefecture unions under the provincial federation (created when missing)."""
    table = table_of(Purchaser)
    existing = pairs(session, select(table.c.code, table.c.id))
    if PROVINCE[0] not in existing:
        province = {"code": PROVINCE[0], "name": PROVINCE[1], "annual_funds": Decimal("0.00")}
        session.execute(insert(table), [province])
        registering.log(session, "add_purchaser", [{**province, "parent": None}])
        existing = pairs(session, select(table.c.code, table.c.id))
    missing = [
        {
            "code": code,
            "name": name,
            "parent_id": existing[PROVINCE[0]],
            "annual_funds": Decimal("900000000.00"),
        }
        for code, name, _division in CITIES
        if code not in existing
    ]
    if missing:
        session.execute(insert(table), missing)
        logged = [
            {"code": row["code"], "name": row["name"], "parent": PROVINCE[0]}
            | {"annual_funds": row["annual_funds"]}
            for row in missing
        ]
        registering.log(session, "add_purchaser", logged)
        existing = pairs(session, select(table.c.code, table.c.id))
    return [existing[code] for code, _name, _division in CITIES]


def _accounts(session: Session, by: Actor) -> None:
    """The province's admin, officer and assessor accounts, each granted for the whole
    province (created when missing, through the same service an administrator uses)."""
    for login, name, role in ACCOUNTS:
        if account_store.user_by_login(session, login) is not None:
            continue
        accounts.add_user(session, login, name, by)
        accounts.grant(session, login, role, by, purchaser=PROVINCE[0])
        if role == "admin" and by.name == SETUP_ACTOR.name:
            by = Actor(login, "admin")  # the province now has its administrator


def _organizations(session: Session, count: int, registering: _Registering) -> list[int]:
    """``count`` registered social organizations across the province (created when missing)."""
    table = table_of(Organization)
    wanted = {
        make_uscc(f"52{CITIES[n % len(CITIES)][2]}MJ{n:07d}"): (
            f"{CITIES[n % len(CITIES)][1][:-3]}第{n + 1}社会工作服务中心"
        )
        for n in range(count)
    }
    existing = pairs(session, select(table.c.uscc, table.c.id))
    missing = [{"uscc": u, "name": name} for u, name in wanted.items() if u not in existing]
    for start in range(0, len(missing), BATCH):
        session.execute(insert(table), missing[start : start + BATCH])
    registering.log(session, "register_organization", missing)
    existing = pairs(session, select(table.c.uscc, table.c.id))
    return [existing[uscc] for uscc in wanted]


def _refuse_existing(session: Session, year: int, purchaser_ids: list[int]) -> None:
    table = table_of(Project)
    found = session.execute(
        select(table.c.code)
        .where(table.c.year == year, table.c.purchaser_id.in_(purchaser_ids))
        .limit(1)
    ).first()
    if found is not None:
        raise InvalidInput(
            _(
                "%(year)s already has generated projects (e.g. %(code)s)",
                year=year,
                code=found[0],
            )
        )
