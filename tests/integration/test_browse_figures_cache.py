"""Counted figures kept per year and purchaser: a write recounts only what it changed,
the next view shows it (never stale), and no scope sees figures outside it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import Session

from procure.services.browse import figures_cache
from procure.services.browse.dashboard import Dashboard, dashboard, scope_years
from procure.services.browse.figures_cache import FiguresCache
from procure.services.browse.visibility import viewer_scope
from procure.services.lifecycle import fire as lc
from procure.services.lifecycle import registry
from tests.integration.browse_world import HL_OFFICER, WC_OFFICER, build_world
from tests.integration.builders import (
    AUDITOR,
    CODE,
    OFFICER,
    QIHANG,
    Plan,
    create_project,
    drive,
    organization_actor,
)


@pytest.fixture
def world(session: Session) -> Session:
    build_world(session)
    return session


def board(
    session: Session, login: str, cache: FiguresCache | None, year: int | None = None
) -> Dashboard:
    return dashboard(session, viewer_scope(session, login), year=year, cache=cache)


def paid(figures: Dashboard, purchaser: str) -> Decimal:
    return sum((s.paid for s in figures.spending if s.purchaser == purchaser), Decimal("0.00"))


def test_a_repeated_view_counts_nothing_again(world: Session) -> None:
    cache = FiguresCache()

    first = board(world, AUDITOR.name, cache)
    again = board(world, AUDITOR.name, cache, year=2019)

    assert first == board(world, AUDITOR.name, None)
    assert again == board(world, AUDITOR.name, None, year=2019)
    assert cache.recounted == [None]  # every part, once


def test_a_payment_recounts_only_its_purchasers_year_and_shows_at_once(world: Session) -> None:
    cache = FiguresCache()
    before = board(world, AUDITOR.name, cache)

    lc.start_service(world, CODE, OFFICER)
    lc.record_payment(world, CODE, OFFICER, amount="1000.00", paid_on="2019-06-01")
    world.commit()
    after = board(world, AUDITOR.name, cache)

    assert paid(after, "SM-FED") == paid(before, "SM-FED") + Decimal("1000.00")
    assert after == board(world, AUDITOR.name, None)
    assert cache.recounted == [None, 1]  # every bucket once, then the paid one


def test_a_new_project_and_its_progress_are_counted_at_the_next_view(world: Session) -> None:
    cache = FiguresCache()
    before = board(world, AUDITOR.name, cache)

    plan = Plan(code="SM-WC-2019-002", purchaser="SM-WC", budget="900000.00")
    create_project(world, plan, title="梧村职工服务")
    drive(world, plan, "in_service")
    after = board(world, AUDITOR.name, cache)

    assert after != before
    assert after == board(world, AUDITOR.name, None)
    assert sum(f.projects for f in after.by_year_state) == 6
    assert [s.purchaser for s in after.spending] == ["SM-WC"]


def test_a_new_funding_year_appears_in_the_years_at_the_next_view(world: Session) -> None:
    cache = FiguresCache()
    assert board(world, AUDITOR.name, cache).years == [2020, 2019]

    registry.create_project(
        world, registry.ProjectCreate("SM-2022-001", 2022, "SM-FED", "职工之家", "1000.00"), OFFICER
    )
    world.commit()

    assert board(world, AUDITOR.name, cache).years == [2022, 2021, 2020, 2019]
    for login in (AUDITOR.name, WC_OFFICER.name, HL_OFFICER.name, "nobody"):
        scope = viewer_scope(world, login)
        assert scope_years(world, scope, cache=cache) == scope_years(world, scope), login


def test_a_scope_never_sees_the_figures_of_projects_outside_it(world: Session) -> None:
    cache = FiguresCache()
    board(world, AUDITOR.name, cache)

    station = board(world, WC_OFFICER.name, cache)
    station_2019 = board(world, WC_OFFICER.name, cache, year=2019)
    other = board(world, HL_OFFICER.name, cache)

    assert station == board(world, WC_OFFICER.name, None)
    assert station_2019 == board(world, WC_OFFICER.name, None, year=2019)
    assert other == board(world, HL_OFFICER.name, None)
    assert sum(f.projects for f in station.by_year_state) == 2
    assert [s.purchaser for s in other.spending] == []
    assert board(world, "nobody", cache).by_year_state == []


def test_an_organization_sees_the_figures_of_its_own_projects_only(world: Session) -> None:
    cache = FiguresCache()
    board(world, AUDITOR.name, cache)
    login = organization_actor(QIHANG).name

    own = board(world, login, cache)

    assert own == board(world, login, None)
    assert 0 < sum(f.projects for f in own.by_year_state) < 5


def test_a_long_run_of_changes_recounts_everything_once(
    world: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = FiguresCache()
    board(world, AUDITOR.name, cache)
    monkeypatch.setattr(figures_cache, "RECOUNT_ALL_AFTER", 1)

    lc.start_service(world, CODE, OFFICER)
    lc.record_payment(world, CODE, OFFICER, amount="1000.00", paid_on="2019-06-01")
    world.commit()

    assert board(world, AUDITOR.name, cache) == board(world, AUDITOR.name, None)
    assert cache.recounted == [None, None]


def test_payments_in_several_buckets_are_counted_as_a_full_count_would(
    world: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(figures_cache, "BUCKET", 1)  # a bucket a project
    add = Plan(code="SM-WC-2019-002", purchaser="SM-WC", budget="900000.00")
    create_project(world, add, title="梧村职工服务")
    drive(world, add, "in_service")
    cache = FiguresCache()
    board(world, AUDITOR.name, cache)

    lc.start_service(world, CODE, OFFICER)
    lc.record_payment(world, CODE, OFFICER, amount="1000.00", paid_on="2019-06-01")
    lc.record_payment(world, add.code, OFFICER, amount="2000.00", paid_on="2019-06-01")
    world.commit()

    assert board(world, AUDITOR.name, cache) == board(world, AUDITOR.name, None)
    assert cache.recounted == [None, 2]
