"""The dashboard: the scope's projects by year and state, grades, spending, and what waits."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import Session

from procure.services.browse.dashboard import (
    GradeCount,
    PurchaserSpending,
    StateFigures,
    dashboard,
    waiting_for,
)
from procure.services.browse.visibility import viewer_scope
from tests.integration.browse_world import FED_AUDITOR, WC_LEADER, WC_OFFICER, build_world
from tests.integration.builders import (
    AUDITOR,
    OFFICER,
    QIHANG,
    Plan,
    create_project,
    drive,
    organization_actor,
)

WC_ASSESSED = Plan(code="SM-WC-2019-002", purchaser="SM-WC", budget="900000.00")


@pytest.fixture
def world(session: Session) -> Session:
    build_world(session)
    return session


def add_station_project(session: Session, until: str, plan: Plan = WC_ASSESSED) -> None:
    create_project(session, plan, title="梧村职工服务")
    drive(session, plan, until)


def figures(session: Session, login: str, year: int | None = None) -> list[tuple[object, ...]]:
    board = dashboard(session, viewer_scope(session, login), year=year)
    return [(f.year, f.state, f.projects, f.budget, f.contracted) for f in board.by_year_state]


def test_projects_are_counted_by_year_and_state_with_budget_and_contract_sums(
    world: Session,
) -> None:
    assert figures(world, AUDITOR.name) == [
        (2020, "proposed", 1, Decimal("150000.00"), Decimal("0.00")),
        (2019, "draft", 1, Decimal("120000.00"), Decimal("0.00")),
        (2019, "approved", 1, Decimal("80000.00"), Decimal("0.00")),
        (2019, "soliciting", 1, Decimal("300000.00"), Decimal("0.00")),
        (2019, "contracted", 1, Decimal("900000.00"), Decimal("868000.00")),
    ]


def test_the_figures_are_those_of_the_viewers_scope(world: Session) -> None:
    assert figures(world, WC_OFFICER.name) == [
        (2020, "proposed", 1, Decimal("150000.00"), Decimal("0.00")),
        (2019, "draft", 1, Decimal("120000.00"), Decimal("0.00")),
    ]
    assert [f[1] for f in figures(world, FED_AUDITOR.name)] == [
        "proposed",
        "draft",
        "approved",
        "contracted",
    ]
    assert figures(world, "nobody") == []


def test_a_year_keeps_its_own_figures_and_every_year_stays_listed(world: Session) -> None:
    board = dashboard(world, viewer_scope(world, AUDITOR.name), year=2020)

    assert board.years == [2020, 2019]
    assert board.by_year_state == [
        StateFigures(2020, "proposed", "立项申报", 1, Decimal("150000.00"), Decimal("0.00"))
    ]


def test_grades_of_final_assessments_list_every_band_in_order(world: Session) -> None:
    add_station_project(world, "assessed")

    board = dashboard(world, viewer_scope(world, WC_OFFICER.name))

    assert board.grades == [
        GradeCount("excellent", "优秀", 0),
        GradeCount("good", "良好", 1),
        GradeCount("pass", "合格", 0),
        GradeCount("fail", "不合格", 0),
    ]
    elsewhere = dashboard(world, viewer_scope(world, "hl-officer"))
    assert [grade.assessments for grade in elsewhere.grades] == [0, 0, 0, 0]


def test_an_assessment_not_yet_final_is_not_counted(world: Session) -> None:
    add_station_project(world, "assessment_recorded")

    board = dashboard(world, viewer_scope(world, AUDITOR.name))

    assert sum(grade.assessments for grade in board.grades) == 0


def test_spending_sums_the_payments_by_the_projects_purchaser(world: Session) -> None:
    add_station_project(world, "in_service")
    drive(world, Plan(), "in_service", start="contracted")

    board = dashboard(world, viewer_scope(world, AUDITOR.name))

    assert board.spending == [
        PurchaserSpending("SM-FED", "厦门市思明区总工会", Decimal("400000.00")),
        PurchaserSpending("SM-WC", "梧村街道工会", Decimal("400000.00")),
    ]
    station = dashboard(world, viewer_scope(world, WC_OFFICER.name))
    assert [s.purchaser for s in station.spending] == ["SM-WC"]
    assert dashboard(world, viewer_scope(world, AUDITOR.name), year=2020).spending == []


def waiting(session: Session, login: str, limit: int = 20) -> list[tuple[str, list[str]]]:
    found = waiting_for(session, viewer_scope(session, login), login, limit)
    return [(item.code, [action.trigger for action in item.actions]) for item in found]


def test_a_station_officer_waits_only_on_its_stations_projects(world: Session) -> None:
    assert waiting(world, WC_OFFICER.name) == [("SM-WC-2019-001", ["submit"])]


def test_an_officer_for_every_purchaser_waits_on_each_stage_it_moves(world: Session) -> None:
    assert waiting(world, OFFICER.name) == [
        ("SM-2019-001", ["start_service", "record_payment"]),
        ("SM-WC-2019-001", ["submit"]),
        ("SM-ZS-2019-001", ["open_call"]),
        ("HL-2019-001", ["add_proposal", "close_call"]),  # a recusal is declared, not awaited
    ]


def test_a_leader_waits_on_the_proposed_projects_of_its_scope(world: Session) -> None:
    item = waiting_for(world, viewer_scope(world, WC_LEADER.name), WC_LEADER.name)

    assert [(i.code, i.state_zh) for i in item] == [("SM-WC-2020-001", "立项申报")]
    assert [(a.trigger, a.zh, a.role) for a in item[0].actions] == [
        ("approve", "批准立项", "leader"),
        ("reject", "不予立项", "leader"),
    ]


def test_a_trigger_whose_guard_refuses_is_not_waiting(world: Session) -> None:
    beyond = Plan(code="SM-WC-2020-002", year=2020, purchaser="SM-WC", budget="1200000.00")
    add_station_project(world, "proposed", beyond)

    assert waiting(world, WC_LEADER.name) == [
        ("SM-WC-2020-001", ["approve", "reject"]),
        ("SM-WC-2020-002", ["reject"]),  # 1,200,000 is beyond the station's funds
    ]


def test_the_auditor_waits_on_nothing(world: Session) -> None:
    assert waiting(world, AUDITOR.name) == []
    assert waiting(world, FED_AUDITOR.name) == []


def test_an_organization_waits_on_comments_for_its_own_assessments(world: Session) -> None:
    add_station_project(world, "assessment_recorded")

    assert waiting(world, organization_actor(QIHANG).name) == [
        ("SM-WC-2019-002", ["record_comment"])
    ]


def test_at_most_limit_candidates_are_checked_oldest_first(world: Session) -> None:
    assert waiting(world, OFFICER.name, limit=2) == [
        ("SM-2019-001", ["start_service", "record_payment"]),
        ("SM-WC-2019-001", ["submit"]),
    ]
    assert waiting(world, OFFICER.name, limit=0) == []


def test_an_assessed_project_waits_on_what_the_renewal_policy_says(world: Session) -> None:
    add_station_project(world, "assessed")  # graded 良好: the policy renews

    assert waiting(world, WC_OFFICER.name) == [
        ("SM-WC-2019-001", ["submit"]),
        ("SM-WC-2019-002", ["record_payment", "renew"]),
    ]
