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

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, insert, select
from sqlmodel import Session

from procure.domain.errors import InvalidInput
from procure.domain.money import quantize2
from procure.domain.uscc import make_uscc
from procure.services import accounts
from procure.services.authorization import SETUP_ACTOR
from procure.store import accounts as account_store
from procure.store import audit
from procure.store.models import Assessment, Contract, Organization, Project, Purchaser
from procure.workflow.context import Actor
from procure.workflow.rules import Rules, default_rules

PROVINCE = ("GS-FED", "甘肃省总工会", "620000")
CITIES: tuple[tuple[str, str, str], ...] = (
    ("GS-LZ", "兰州市总工会", "620100"),
    ("GS-JYG", "嘉峪关市总工会", "620200"),
    ("GS-JC", "金昌市总工会", "620300"),
    ("GS-BY", "白银市总工会", "620400"),
    ("GS-TS", "天水市总工会", "620500"),
    ("GS-WW", "武威市总工会", "620600"),
    ("GS-ZY", "张掖市总工会", "620700"),
    ("GS-PL", "平凉市总工会", "620800"),
    ("GS-JQ", "酒泉市总工会", "620900"),
    ("GS-QY", "庆阳市总工会", "621000"),
    ("GS-DX", "定西市总工会", "621100"),
    ("GS-LN", "陇南市总工会", "621200"),
    ("GS-LX", "临夏州总工会", "622900"),
    ("GS-GN", "甘南州总工会", "623000"),
)
# (share, lowest score, highest score, veto): the spread of a year's assessments.
SPREAD: tuple[tuple[float, int, int, bool], ...] = (
    (0.25, 9000, 10000, False),
    (0.40, 8000, 8999, False),
    (0.25, 6000, 7999, False),
    (0.08, 4000, 5999, False),
    (0.02, 6000, 8999, True),
)
VETO_ITEMS = ("misuse_of_funds", "falsified_data", "fraud", "serious_safety_incident")
# The province's accounts, created when missing: (login, display name, role).
ACCOUNTS: tuple[tuple[str, str, str], ...] = (
    ("gs-admin", "甘肃省总工会系统管理员", "admin"),
    ("gs-officer", "甘肃省总工会项目干事", "officer"),
    ("gs-assessor", "甘肃省社会组织评估中心", "assessor"),
)
ADMIN_LOGIN, OFFICER_LOGIN, ASSESSOR_LOGIN = (login for login, _, _ in ACCOUNTS)
BATCH = 5000
SERVICES = ("职工心理关爱", "新就业形态劳动者服务", "职工技能提升", "困难职工帮扶", "职工法律援助")


@dataclass(frozen=True)
class GeneratedYear:
    """What the generator added."""

    year: int
    purchasers: int
    organizations: int
    projects: int
    batch_id: str


def _pairs(session: Session, statement: Any) -> dict[Any, Any]:
    """The rows of a two-column query as a mapping of the first column to the second."""
    return {row[0]: row[1] for row in session.execute(statement)}


def _table(model: type[Any]) -> Table:
    table: Table = model.__table__
    return table


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
        raise InvalidInput("give a funding year and at least one organization and one project")
    if projects > 99_999 * len(CITIES):
        raise InvalidInput(f"at most {99_999 * len(CITIES)} projects per year")
    batch_id = f"generate-{year}-{uuid.uuid4().hex[:8]}"
    try:
        recorded = datetime(year, 12, 10, 2, 0, tzinfo=UTC)
        purchaser_ids = _purchasers(session, _Registering(recorded, batch_id))
        _accounts(session, by or SETUP_ACTOR)
        organization_ids = _organizations(session, organizations, _Registering(recorded, batch_id))
        _refuse_existing(session, year, purchaser_ids)
        owners = (purchaser_ids, organization_ids)
        _projects(session, rules, year, projects, owners, seed, batch_id, progress)
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
    table = _table(Purchaser)
    existing = _pairs(session, select(table.c.code, table.c.id))
    if PROVINCE[0] not in existing:
        province = {"code": PROVINCE[0], "name": PROVINCE[1], "annual_funds": Decimal("0.00")}
        session.execute(insert(table), [province])
        registering.log(session, "add_purchaser", [{**province, "parent": None}])
        existing = _pairs(session, select(table.c.code, table.c.id))
    missing = [
        {
            "code": code,
            "name": name,
            "parent_id": existing[PROVINCE[0]],
            "annual_funds": Decimal("900000000.00"),
        }
        for code, name, _ in CITIES
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
        existing = _pairs(session, select(table.c.code, table.c.id))
    return [existing[code] for code, _, _ in CITIES]


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
    table = _table(Organization)
    wanted = {
        make_uscc(f"52{CITIES[n % len(CITIES)][2]}MJ{n:07d}"): (
            f"{CITIES[n % len(CITIES)][1][:-3]}第{n + 1}社会工作服务中心"
        )
        for n in range(count)
    }
    existing = _pairs(session, select(table.c.uscc, table.c.id))
    missing = [{"uscc": u, "name": name} for u, name in wanted.items() if u not in existing]
    for start in range(0, len(missing), BATCH):
        session.execute(insert(table), missing[start : start + BATCH])
    registering.log(session, "register_organization", missing)
    existing = _pairs(session, select(table.c.uscc, table.c.id))
    return [existing[uscc] for uscc in wanted]


def _refuse_existing(session: Session, year: int, purchaser_ids: list[int]) -> None:
    table = _table(Project)
    found = session.execute(
        select(table.c.code)
        .where(table.c.year == year, table.c.purchaser_id.in_(purchaser_ids))
        .limit(1)
    ).first()
    if found is not None:
        raise InvalidInput(f"{year} already has generated projects (e.g. {found[0]})")


def _projects(
    session: Session,
    rules: Rules,
    year: int,
    count: int,
    owners: tuple[list[int], list[int]],
    seed: int,
    batch_id: str,
    progress: Callable[[int, int], None] | None,
) -> None:
    rng = random.Random(seed)
    recorded = datetime(year, 12, 10, 2, 0, tzinfo=UTC)
    names = _Names(session)
    for start in range(0, count, BATCH):
        batch = [
            _project(rng, rules, year, n, *owners) for n in range(start, min(start + BATCH, count))
        ]
        session.execute(insert(_table(Project)), [p.project for p in batch])
        table = _table(Project)
        codes = [p.project["code"] for p in batch]
        ids = _pairs(session, select(table.c.code, table.c.id).where(table.c.code.in_(codes)))
        session.execute(insert(_table(Contract)), [p.contract(ids) for p in batch])
        session.execute(insert(_table(Assessment)), [p.assessment(ids, recorded) for p in batch])
        audit.append_many(session, (p.audit_entry(recorded, batch_id, names) for p in batch))
        if progress is not None:
            progress(start + len(batch), count)


class _Names:
    """Purchaser codes and organization USCCs by id: the trail names them, not their ids."""

    def __init__(self, session: Session) -> None:
        purchasers, organizations = _table(Purchaser), _table(Organization)
        self.purchasers: dict[int, str] = _pairs(
            session, select(purchasers.c.id, purchasers.c.code)
        )
        self.organizations: dict[int, str] = _pairs(
            session, select(organizations.c.id, organizations.c.uscc)
        )


@dataclass
class _Generated:
    """One generated project's rows, before its id is known."""

    project: dict[str, Any]
    amount: Decimal
    organization_id: int
    scores: dict[str, str]
    total: Decimal
    grade: str
    veto: list[str]
    scorecard: tuple[str, int]
    narratives: dict[str, str]

    def contract(self, ids: dict[str, int]) -> dict[str, Any]:
        code, year = self.project["code"], self.project["year"]
        return {
            "project_id": ids[code],
            "organization_id": self.organization_id,
            "number": f"HT-{code}",
            "amount": self.amount,
            "start_on": date(year, 3, 1),
            "end_on": date(year, 12, 31),
            "signed_on": date(year, 2, 20),
        }

    def assessment(self, ids: dict[str, int], recorded: datetime) -> dict[str, Any]:
        return {
            "project_id": ids[self.project["code"]],
            "assessor": ASSESSOR_LOGIN,
            "scores": self.scores,
            "total": self.total,
            "grade": self.grade,
            "veto": self.veto,
            "narrative": "年度绩效评价（生成数据）",
            "narratives": self.narratives,
            "scorecard_name": self.scorecard[0],
            "scorecard_version": self.scorecard[1],
            "recorded_at": recorded,
            "final": True,
        }

    def audit_entry(self, at: datetime, batch_id: str, names: _Names) -> audit.AuditEntry:
        """The project's ``generate`` row: every fact of the project, contract and result."""
        project = self.project
        contract = self.contract({project["code"]: 0})
        data = {
            "year": project["year"],
            "purchaser": names.purchasers[project["purchaser_id"]],
            "title": project["title"],
            "purpose": project["purpose"],
            "budget": project["budget"],
            "organization": names.organizations[self.organization_id],
            "amount": self.amount,
            "total": self.total,
            "grade": self.grade,
            "contract": {
                "number": contract["number"],
                "start": contract["start_on"],
                "end": contract["end_on"],
                "signed_on": contract["signed_on"],
            },
            "assessment": {
                "assessor": ASSESSOR_LOGIN,
                "veto": self.veto,
                "scorecard": f"{self.scorecard[0]} v{self.scorecard[1]}",
            },
        }
        return audit.AuditEntry(
            actor=ADMIN_LOGIN,
            role="admin",
            actor_name=ACCOUNTS[0][1],
            trigger="generate",
            at=at,
            project_code=self.project["code"],
            to_state=self.project["state"],
            data=data,
            batch_id=batch_id,
        )


def _project(
    rng: random.Random,
    rules: Rules,
    year: int,
    n: int,
    purchaser_ids: list[int],
    organization_ids: list[int],
) -> _Generated:
    city = n % len(CITIES)
    code = f"{CITIES[city][0]}-{year}-{n // len(CITIES) + 1:05d}"
    amount = Decimal(rng.randrange(50, 500) * 1000).quantize(Decimal("0.01"))
    total, veto = _draw_total(rng)
    card = rules.assessment
    grade = card.grades[-1] if veto else card.grade(total)
    organization_id = organization_ids[rng.randrange(len(organization_ids))]
    return _Generated(
        project={
            "code": code,
            "year": year,
            "title": f"{SERVICES[n % len(SERVICES)]}项目（{n + 1}）",
            "purpose": "为职工提供专业社会工作服务",
            "purchaser_id": purchaser_ids[city],
            "budget": amount + Decimal(rng.randrange(0, 50) * 1000),
            "state": "assessed",
            "version": 1,
            "awarded_organization_id": organization_id,
        },
        amount=amount,
        organization_id=organization_id,
        scores=_split(card.criteria, total),
        total=total,
        grade=grade.code,
        veto=veto,
        scorecard=(card.name, card.version),
        narratives={d.code: f"{d.label_zh}：按年度考核评分（生成数据）。" for d in card.dimensions},
    )


def _draw_total(rng: random.Random) -> tuple[Decimal, list[str]]:
    pick, cumulative = rng.random(), 0.0
    band = SPREAD[-1]
    for band in SPREAD:
        cumulative += band[0]
        if pick < cumulative:
            break
    _, low, high, veto = band
    total = Decimal(rng.randrange(low, high + 1, 50)) / 100
    return quantize2(total), [rng.choice(VETO_ITEMS)] if veto else []


def _split(criteria: Any, total: Decimal) -> dict[str, str]:
    """Spread ``total`` over the criteria in proportion to their weights (exactly)."""
    scores = {c.code: quantize2(c.weight * total / 100) for c in criteria}
    first = criteria[0].code
    scores[first] += total - sum(scores.values(), Decimal(0))
    return {code: str(value) for code, value in scores.items()}
