"""Who may read what: grants reach down the purchaser tree, organizations see their own bids."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from procure.domain.errors import NotFound
from procure.domain.language import use_language
from procure.services.accounts import manage as accounts
from procure.services.browse.visibility import project_clause, readable_project, viewer_scope
from procure.store.models import Project
from tests.integration.browse_world import (
    CODES,
    FED_AUDITOR,
    HL_OFFICER,
    WC_LEADER,
    WC_OFFICER,
    build_world,
)
from tests.integration.builders import (
    ADMIN,
    AUDITOR,
    QIHANG,
    RENHE,
    TONGXIN,
    organization_actor,
)


@pytest.fixture
def world(session: Session) -> Session:
    build_world(session)
    return session


def readable_codes(session: Session, login: str) -> list[str]:
    scope = viewer_scope(session, login)
    statement = select(Project.code).where(project_clause(scope)).order_by(Project.code)
    return list(session.exec(statement))


def test_a_grant_with_no_scope_reads_every_project(world: Session) -> None:
    assert readable_codes(world, AUDITOR.name) == sorted(CODES)


def test_a_purchaser_grant_reads_that_purchaser_and_every_station_below_it(world: Session) -> None:
    assert readable_codes(world, FED_AUDITOR.name) == [
        "SM-2019-001",
        "SM-WC-2019-001",
        "SM-WC-2020-001",
        "SM-ZS-2019-001",
    ]


def test_a_station_grant_reads_only_that_station(world: Session) -> None:
    assert readable_codes(world, WC_OFFICER.name) == ["SM-WC-2019-001", "SM-WC-2020-001"]
    assert readable_codes(world, HL_OFFICER.name) == ["HL-2019-001"]


def test_an_organization_reads_the_projects_it_bid_for_or_holds_the_contract_of(
    world: Session,
) -> None:
    assert readable_codes(world, organization_actor(QIHANG).name) == ["SM-2019-001"]
    assert readable_codes(world, organization_actor(TONGXIN).name) == [
        "HL-2019-001",
        "SM-2019-001",
    ]
    assert readable_codes(world, organization_actor(RENHE).name) == []


def test_the_roles_of_a_scope_are_those_of_the_active_grants(world: Session) -> None:
    accounts.grant(world, WC_OFFICER.name, "supervisor", ADMIN, purchaser="SM-ZS")
    world.commit()

    scope = viewer_scope(world, WC_OFFICER.name)

    assert scope.roles == {"officer", "supervisor"}
    assert readable_codes(world, WC_OFFICER.name) == [
        "SM-WC-2019-001",
        "SM-WC-2020-001",
        "SM-ZS-2019-001",
    ]


def test_a_revoked_grant_reads_nothing_more(world: Session) -> None:
    accounts.revoke(world, WC_LEADER.name, "leader", ADMIN, purchaser="SM-WC")
    world.commit()

    assert viewer_scope(world, WC_LEADER.name).roles == frozenset()
    assert readable_codes(world, WC_LEADER.name) == []


def test_a_deactivated_account_reads_nothing(world: Session) -> None:
    accounts.deactivate(world, FED_AUDITOR.name, ADMIN)
    world.commit()

    assert readable_codes(world, FED_AUDITOR.name) == []


def test_an_account_without_grants_or_an_unknown_login_reads_nothing(world: Session) -> None:
    accounts.add_user(world, "newcomer", "新同事", ADMIN)
    world.commit()

    assert readable_codes(world, "newcomer") == []
    assert readable_codes(world, "nobody-here") == []


def test_a_readable_project_is_returned_by_its_code(world: Session) -> None:
    scope = viewer_scope(world, WC_OFFICER.name)

    assert readable_project(world, scope, "SM-WC-2020-001").year == 2020


def test_a_project_outside_the_scope_reads_exactly_as_an_unknown_code(world: Session) -> None:
    scope = viewer_scope(world, WC_OFFICER.name)

    with pytest.raises(NotFound) as outside:
        readable_project(world, scope, "SM-ZS-2019-001")
    with pytest.raises(NotFound) as unknown:
        readable_project(world, scope, "SM-ZS-2019-999")

    assert str(outside.value) == "未知项目 'SM-ZS-2019-001'"
    assert str(unknown.value) == "未知项目 'SM-ZS-2019-999'"
    with use_language("en"):
        with pytest.raises(NotFound) as outside:
            readable_project(world, scope, "SM-ZS-2019-001")
        with pytest.raises(NotFound) as unknown:
            readable_project(world, scope, "SM-ZS-2019-999")
    assert str(outside.value) == "unknown project 'SM-ZS-2019-001'"
    assert str(unknown.value) == "unknown project 'SM-ZS-2019-999'"


def test_grants_covering_every_purchaser_read_every_project(world: Session) -> None:
    accounts.grant(world, FED_AUDITOR.name, "auditor", ADMIN, purchaser="HL-FED")
    world.commit()

    scope = viewer_scope(world, FED_AUDITOR.name)

    assert scope.reach.everything
    assert readable_codes(world, FED_AUDITOR.name) == sorted(CODES)
