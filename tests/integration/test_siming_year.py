"""The demo: the Siming District's 2019 year, loaded and decided by the renewal policy."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from procure.resources import fixture_file
from procure.services.loading.demo import SIMING_FIXTURE, run_demo
from procure.store.audit import verify_chain
from procure.store.db import new_session
from procure.store.models import Bar, Project

pytestmark = pytest.mark.skipif(
    not fixture_file(SIMING_FIXTURE).is_file(), reason=f"fixtures/{SIMING_FIXTURE} not written yet"
)

BRAND_PROJECTS = {"职工成长方程式", "社会组织成长四部曲"}


def test_the_siming_year_ends_renewed_rectifying_and_dropped(
    session: Session, engine: Engine
) -> None:
    summary, outcomes = run_demo(session)

    states = {row.state for row in outcomes}
    assert {"renewed", "rectifying", "dropped"} <= states
    assert BRAND_PROJECTS <= {row.title for row in outcomes}
    assert summary.projects == len(outcomes)
    assert "assessed" not in states  # every assessed project was decided
    dropped = [row for row in outcomes if row.state == "dropped"]
    assert all(row.organization and row.grade == "不合格" for row in dropped)
    barred_by = session.exec(
        select(Project.code, Bar.year).join(Project, col(Project.id) == col(Bar.project_id))
    ).all()
    assert sorted(barred_by) == sorted((row.project, 2020) for row in dropped)
    session.commit()
    with new_session(engine) as fresh:
        report = verify_chain(fresh)
    assert report.ok, report
    assert report.rows > summary.events
