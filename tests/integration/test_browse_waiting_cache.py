"""What waits for a viewer is kept across the writes that cannot change it, and worked out
again after any other write, after a minute, and at midnight in China: never stale."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from procure.services.accounts import manage as accounts
from procure.services.browse.visibility import viewer_scope
from procure.services.browse.waiting import waiting_for
from procure.services.browse.waiting_cache import WaitingCache
from procure.services.lifecycle import fire as lc
from procure.services.lifecycle.clock import using_clock
from tests.integration.browse_world import WC_OFFICER, build_world
from tests.integration.builders import ADMIN, CODE, OFFICER

Listed = list[tuple[str, list[str]]]


@pytest.fixture
def world(session: Session) -> Session:
    build_world(session)
    return session


def kept(cache: WaitingCache, session: Session, login: str) -> Listed:
    found = cache.waiting(session, viewer_scope(session, login), login)
    return [(item.code, [action.trigger for action in item.actions]) for item in found]


def fresh(session: Session, login: str) -> Listed:
    found = waiting_for(session, viewer_scope(session, login), login)
    return [(item.code, [action.trigger for action in item.actions]) for item in found]


def pay(session: Session, code: str = CODE) -> None:
    lc.record_payment(session, code, OFFICER, amount="1000.00", paid_on="2019-03-15")
    session.commit()


def test_a_payment_on_a_project_the_list_did_not_check_keeps_the_list(world: Session) -> None:
    cache = WaitingCache()
    before = kept(cache, world, WC_OFFICER.name)

    pay(world)  # SM-2019-001: the federation's project, beyond the station officer's reach

    assert kept(cache, world, WC_OFFICER.name) == before == fresh(world, WC_OFFICER.name)
    assert cache.worked_out == 1


def test_a_payment_on_a_checked_project_works_the_list_out_again(world: Session) -> None:
    cache = WaitingCache()
    kept(cache, world, OFFICER.name)

    pay(world)

    assert kept(cache, world, OFFICER.name) == fresh(world, OFFICER.name)
    assert cache.worked_out == 2


def test_a_step_that_moves_a_state_works_the_list_out_again(world: Session) -> None:
    cache = WaitingCache()
    before = kept(cache, world, WC_OFFICER.name)

    lc.submit(world, "SM-WC-2019-001", WC_OFFICER)
    world.commit()

    after = kept(cache, world, WC_OFFICER.name)
    assert after == fresh(world, WC_OFFICER.name) != before
    assert cache.worked_out == 2


def test_a_write_naming_no_project_works_the_list_out_again(world: Session) -> None:
    cache = WaitingCache()
    kept(cache, world, WC_OFFICER.name)

    accounts.add_user(world, "newcomer", "新同事", ADMIN)  # accounts, bars, the calendar…
    world.commit()

    kept(cache, world, WC_OFFICER.name)
    assert cache.worked_out == 2


@pytest.mark.parametrize(
    ("later", "worked_out"),
    [
        (timedelta(seconds=59), 1),
        (timedelta(seconds=61), 2),  # the clock alone may have brought a step due
        (timedelta(seconds=-1), 2),  # a clock set back: nothing kept is trusted
    ],
)
def test_a_list_is_kept_a_minute_at_most(world: Session, later: timedelta, worked_out: int) -> None:
    cache = WaitingCache()
    start = datetime(2019, 6, 3, 2, 0, tzinfo=UTC)
    with using_clock(lambda: start):
        kept(cache, world, WC_OFFICER.name)
    with using_clock(lambda: start + later):
        kept(cache, world, WC_OFFICER.name)

    assert cache.worked_out == worked_out


def test_a_list_is_not_kept_past_midnight_in_china(world: Session) -> None:
    cache = WaitingCache()
    before_midnight = datetime(2019, 6, 3, 15, 59, 50, tzinfo=UTC)  # 23:59:50 in Beijing
    with using_clock(lambda: before_midnight):
        kept(cache, world, WC_OFFICER.name)
    with using_clock(lambda: before_midnight + timedelta(seconds=20)):
        kept(cache, world, WC_OFFICER.name)

    assert cache.worked_out == 2


def test_each_viewer_keeps_a_list_of_its_own(world: Session) -> None:
    cache = WaitingCache()

    assert kept(cache, world, WC_OFFICER.name) == fresh(world, WC_OFFICER.name)
    assert kept(cache, world, OFFICER.name) == fresh(world, OFFICER.name)
    assert cache.worked_out == 2
