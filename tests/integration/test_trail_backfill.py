"""Migration 0005: a database written before the trail logged every fact verifies clean after it,
and an edit of a fact the old trail did log is still named."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from procure.domain.uscc import make_uscc
from procure.services.trail.check import BACKFILL_REASON, TrailDifference, trail_differences
from procure.services.trail.check import upgrade_database as upgrade
from procure.store import audit
from procure.store.db import make_engine, new_session
from procure.store.migrate import current_revision, head_revision
from procure.store.models import (
    Assessment,
    Contract,
    Organization,
    Project,
    Purchaser,
    TransitionLog,
)

AT = datetime(2019, 12, 10, 2, 0, tzinfo=UTC)
USCC = make_uscc("52620100MJ0000001")
OLD_ACTOR = ("procure fixtures generate", "admin")


@pytest.fixture
def old_engine(database_url: str) -> Iterator[Engine]:
    """A database at revision 0004 (before the trail logged every fact)."""
    built = make_engine(database_url)
    upgrade(built, "0004")
    yield built
    built.dispose()


def _old_entry(
    trigger: str, code: str | None, data: dict[str, object], to_state: str
) -> audit.AuditEntry:
    return audit.AuditEntry(
        actor=OLD_ACTOR[0],
        role=OLD_ACTOR[1],
        trigger=trigger,
        at=AT,
        project_code=code,
        to_state=to_state,
        data=data,
    )


def write_old_year(session: Session) -> None:
    """What the generator and the registry of the previous release left: facts without rows."""
    purchaser = Purchaser(code="GS-FED", name="甘肃省总工会", annual_funds=Decimal("0.00"))
    organization = Organization(uscc=USCC, name="兰州市第1社会工作服务中心")
    session.add_all([purchaser, organization])
    session.flush()
    assert purchaser.id is not None and organization.id is not None
    generated = Project(
        code="GS-FED-2019-00001", year=2019, title="职工心理关爱项目（1）", purpose="为职工服务",
        purchaser_id=purchaser.id, budget=Decimal("120000.00"), state="assessed", version=1,
        awarded_organization_id=organization.id,
    )  # fmt: skip
    drafted = Project(
        code="GS-FED-2019-00002", year=2019, title="职工法律援助", purpose="普法讲座",
        purchaser_id=purchaser.id, budget=Decimal("50000.00"), state="draft", version=1,
    )  # fmt: skip
    session.add_all([generated, drafted])
    session.flush()
    assert generated.id is not None
    session.add(
        Contract(
            project_id=generated.id, organization_id=organization.id, number="HT-GS-FED-2019-00001",
            amount=Decimal("100000.00"), start_on=date(2019, 3, 1), end_on=date(2019, 12, 31),
            signed_on=date(2019, 2, 20),
        )
    )  # fmt: skip
    session.add(
        Assessment(
            project_id=generated.id, assessor="甘肃省社会组织评估中心", scores={},
            total=Decimal("91.50"), grade="excellent", veto=[], narrative="", narratives={},
            scorecard_name="assessment", scorecard_version=1, recorded_at=AT, final=True,
        )
    )  # fmt: skip
    old_rows = [
        _old_entry(
            "generate",
            generated.code,
            {"amount": Decimal("100000.00"), "total": Decimal("91.50"), "grade": "excellent"},
            to_state="assessed",
        ),
        _old_entry(
            "create",
            drafted.code,
            {"year": 2019, "purchaser": "GS-FED", "title": "职工法律援助", "budget": "50000.00"},
            to_state="draft",
        ),
    ]
    audit.append_many(session, old_rows)
    session.commit()


def test_an_old_database_verifies_clean_after_migration_0005(old_engine: Engine) -> None:
    with new_session(old_engine) as session:
        write_old_year(session)
    upgrade(old_engine)
    assert current_revision(old_engine) == head_revision()  # 0005 and every later one
    with new_session(old_engine) as session:
        assert audit.verify_chain(session).ok
        assert trail_differences(session) == []
        backfilled = session.exec(
            select(TransitionLog).where(TransitionLog.trigger == "backfill")
        ).all()
    assert all(row.reason == BACKFILL_REASON for row in backfilled)
    assert "backfilled by migration 0005 from the stored rows" in BACKFILL_REASON
    tables = sorted(json.loads(row.data)["table"] for row in backfilled)
    assert tables == ["assessment", "contract", "organization", "project", "project", "purchaser"]
    drafted = next(row for row in backfilled if row.project_code == "GS-FED-2019-00002")
    assert json.loads(drafted.data)["fields"] == {"purpose": "普法讲座"}


def test_migration_0005_does_not_hide_an_edit_of_a_fact_the_old_trail_logged(
    old_engine: Engine,
) -> None:
    with new_session(old_engine) as session:
        write_old_year(session)
        session.connection().execute(text("UPDATE contract SET amount = 9900000"))
        session.commit()
    upgrade(old_engine)
    with new_session(old_engine) as session:
        assert trail_differences(session) == [
            TrailDifference("contract", "HT-GS-FED-2019-00001", "amount", "100000.00", "99000.00")
        ]


def test_a_fresh_database_gets_no_backfill_rows(session: Session) -> None:
    assert session.exec(select(TransitionLog)).first() is None
