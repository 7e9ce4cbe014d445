"""Who may fire what: a wrong role is refused naming the allowed roles; auditors fire nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from procure.domain.errors import InvalidInput, Refused
from procure.services.browse import project_view as views
from procure.services.lifecycle import fire as lc
from procure.services.lifecycle import registry
from procure.workflow.context import Actor
from procure.workflow.rules import default_rules
from tests.integration.builders import (
    ASSESSMENT_GOOD,
    AUDITOR,
    LEADER,
    OFFICER,
    QIHANG,
    REVIEW_GOOD,
    STAGES,
    UNREGISTERED,
    Plan,
    create_project,
    drive,
    project_at,
    setup_registry,
    snapshot,
)

Action = Callable[[Session, str], object]
DUMPED_STAGES = ("draft", "reviewed", "in_service", "assessed")

WRONG_ROLES: list[tuple[str, Action, str]] = [
    (
        "draft",
        lambda s, c: lc.submit(s, c, LEADER),
        "submit refused: role leader may not submit for approval; allowed roles: officer",
    ),
    (
        "proposed",
        lambda s, c: lc.approve(s, c, OFFICER),
        "approve refused: role officer may not approve; allowed roles: leader",
    ),
    (
        "reviewing",
        lambda s, c: lc.record_review(s, c, OFFICER, organization=QIHANG, scores=REVIEW_GOOD),
        "record_review refused: role officer may not record a review sheet; "
        "allowed roles: reviewer",
    ),
    (
        "in_service",
        lambda s, c: lc.record_inspection(s, c, OFFICER, inspected_on="2019-06-01", findings="好"),
        "record_inspection refused: role officer may not record an inspection; "
        "allowed roles: supervisor",
    ),
    (
        "assessing",
        lambda s, c: lc.record_assessment(
            s, c, Actor("王丽华", "supervisor"), scores=ASSESSMENT_GOOD, narrative="好"
        ),
        "record_assessment refused: role supervisor may not record an assessment sheet; "
        "allowed roles: assessor",
    ),
    (
        "draft",
        lambda s, c: lc.cancel(s, c, LEADER, reason="不需要了"),
        "cancel refused: role leader may not cancel; allowed roles: officer, admin",
    ),
]


@pytest.mark.parametrize(
    ("stage", "action", "message"),
    [pytest.param(*case, id=case[2].split(" ")[0]) for case in WRONG_ROLES],
)
def test_a_wrong_role_is_refused_naming_the_roles_allowed(
    session: Session, engine: Engine, stage: str, action: Action, message: str
) -> None:
    plan = project_at(session, stage)
    before = snapshot(session, engine)

    with pytest.raises(Refused) as refused:
        action(session, plan.code)

    assert str(refused.value) == message
    assert snapshot(session, engine) == before


def test_the_auditor_can_fire_no_trigger_at_any_stage(session: Session, engine: Engine) -> None:
    setup_registry(session)
    plan = create_project(session)
    triggers = default_rules().engine.definition.triggers()
    previous = "draft"
    for stage in STAGES:
        drive(session, plan, stage, start=previous)
        previous = stage
        before = snapshot(session, engine) if stage in DUMPED_STAGES else None
        rows = len(views.project_history(session, plan.code))
        for trigger in triggers:
            with pytest.raises(Refused, match=f"^{trigger} refused: "):
                lc.advance(session, plan.code, trigger, AUDITOR, reason="审计")
        actions = views.available_actions(session, plan.code, "auditor")
        assert [a["trigger"] for a in actions if a["allowed"]] == [], stage
        assert len(views.project_history(session, plan.code)) == rows, stage
        if before is not None:
            assert snapshot(session, engine) == before, stage


def test_the_auditor_is_refused_by_role_wherever_the_state_allows_the_trigger(
    session: Session,
) -> None:
    plan = project_at(session, "draft")

    with pytest.raises(Refused) as refused:
        lc.submit(session, plan.code, AUDITOR)

    assert str(refused.value) == (
        "submit refused: role auditor may not submit for approval; allowed roles: officer"
    )


def test_the_auditor_cannot_register_anything(session: Session, engine: Engine) -> None:
    setup_registry(session)
    before = snapshot(session, engine)

    with pytest.raises(Refused, match="allowed roles: officer, admin"):
        registry.register_organization(
            session, registry.OrganizationCreate(UNREGISTERED, "某组织"), AUDITOR
        )
    with pytest.raises(Refused, match="allowed roles: officer$"):
        registry.create_project(
            session,
            registry.ProjectCreate("SM-2019-009", 2019, "SM-FED", "某项目", "1000.00"),
            AUDITOR,
        )
    session.rollback()
    assert snapshot(session, engine) == before


def test_an_unknown_role_is_refused_naming_the_known_roles(session: Session) -> None:
    plan = project_at(session, "draft")

    with pytest.raises(InvalidInput, match=r"unknown role 'boss' \(known: officer, leader"):
        lc.submit(session, plan.code, Actor("老板", "boss"))


def test_an_unnamed_person_may_not_act(session: Session) -> None:
    plan = project_at(session, "draft")

    with pytest.raises(InvalidInput, match="the person acting must be named"):
        lc.submit(session, plan.code, Actor("  ", "officer"))


def test_a_trigger_from_the_wrong_state_is_refused_naming_the_states_allowed(
    session: Session,
) -> None:
    plan = project_at(session, "draft", Plan())

    with pytest.raises(Refused) as refused:
        lc.award(session, plan.code, OFFICER, organization=QIHANG)

    assert str(refused.value) == (
        "award refused: not allowed from state draft (草拟); allowed from: reviewing"
    )
