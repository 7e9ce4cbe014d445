"""Counted figures kept between views: never stale, never shown to another scope."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from procure.services.browse.dashboard import Dashboard, dashboard
from procure.services.browse.figures_cache import FiguresCache
from procure.services.browse.visibility import viewer_scope
from tests.integration.browse_world import WC_OFFICER, build_world
from tests.integration.builders import AUDITOR, Plan, create_project, drive


@pytest.fixture
def world(session: Session) -> Session:
    build_world(session)
    return session


def board(
    session: Session, login: str, cache: FiguresCache | None, year: int | None = None
) -> Dashboard:
    return dashboard(session, viewer_scope(session, login), year=year, cache=cache)


def test_a_repeated_view_reads_the_kept_figures(world: Session) -> None:
    cache = FiguresCache()

    first = board(world, AUDITOR.name, cache)
    again = board(world, AUDITOR.name, cache)

    assert again == first == board(world, AUDITOR.name, None)
    assert (cache.misses, cache.hits) == (1, 1)


def test_a_change_of_data_is_counted_at_the_next_view(world: Session) -> None:
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


def test_a_scope_never_sees_the_figures_counted_for_a_wider_one(world: Session) -> None:
    cache = FiguresCache()
    board(world, AUDITOR.name, cache)
    board(world, AUDITOR.name, cache, year=2019)

    station = board(world, WC_OFFICER.name, cache)
    station_2019 = board(world, WC_OFFICER.name, cache, year=2019)

    assert station == board(world, WC_OFFICER.name, None)
    assert station_2019 == board(world, WC_OFFICER.name, None, year=2019)
    assert cache.hits == 0
    assert board(world, "nobody", cache).by_year_state == []


def test_the_least_recently_viewed_figures_are_dropped_first(world: Session) -> None:
    cache = FiguresCache(entries=2)
    board(world, AUDITOR.name, cache, year=2019)
    board(world, AUDITOR.name, cache, year=2020)
    board(world, AUDITOR.name, cache, year=2019)  # kept: now the most recent
    board(world, AUDITOR.name, cache)  # drops 2020

    assert len(cache) == 2
    board(world, AUDITOR.name, cache, year=2019)
    board(world, AUDITOR.name, cache, year=2020)
    assert (cache.hits, cache.misses) == (2, 4)


def test_a_cache_holds_at_least_one_entry() -> None:
    with pytest.raises(ValueError, match="at least one entry"):
        FiguresCache(entries=0)
