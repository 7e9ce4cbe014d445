"""The projects of a generated year: titles, budgets, awards, panels and assessments drawn
from one seeded random source, written in bulk."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, insert, select
from sqlmodel import Session

from procure.domain.money import quantize2
from procure.store import audit
from procure.store.models import Assessment, Contract, Organization, Project, Purchaser
from procure.workflow.rules import Rules

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


def pairs(session: Session, statement: Any) -> dict[Any, Any]:
    """The rows of a two-column query as a mapping of the first column to the second."""
    return {row[0]: row[1] for row in session.execute(statement)}


def table_of(model: type[Any]) -> Table:
    table: Table = model.__table__
    return table


def write_projects(
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
        session.execute(insert(table_of(Project)), [p.project for p in batch])
        table = table_of(Project)
        codes = [p.project["code"] for p in batch]
        ids = pairs(session, select(table.c.code, table.c.id).where(table.c.code.in_(codes)))
        session.execute(insert(table_of(Contract)), [p.contract(ids) for p in batch])
        session.execute(insert(table_of(Assessment)), [p.assessment(ids, recorded) for p in batch])
        audit.append_many(session, (p.audit_entry(recorded, batch_id, names) for p in batch))
        if progress is not None:
            progress(start + len(batch), count)


class _Names:
    """Purchaser codes and organization USCCs by id: the trail names them, not their ids."""

    def __init__(self, session: Session) -> None:
        purchasers, organizations = table_of(Purchaser), table_of(Organization)
        self.purchasers: dict[int, str] = pairs(session, select(purchasers.c.id, purchasers.c.code))
        self.organizations: dict[int, str] = pairs(
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
