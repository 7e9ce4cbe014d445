"""Who may fire what: a wrong role is refused naming the allowed roles; auditors fire nothing."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from procure.domain.errors import InvalidInput, Refused
from procure.domain.language import use_language
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
        "不能办理「提交立项申报」：分管领导无权办理；有权办理的角色：项目干事",
    ),
    (
        "proposed",
        lambda s, c: lc.approve(s, c, OFFICER),
        "不能办理「批准立项」：项目干事无权办理；有权办理的角色：分管领导",
    ),
    (
        "reviewing",
        lambda s, c: lc.record_review(s, c, OFFICER, organization=QIHANG, scores=REVIEW_GOOD),
        "不能办理「录入评审评分」：项目干事无权办理；有权办理的角色：评审专家",
    ),
    (
        "in_service",
        lambda s, c: lc.record_inspection(s, c, OFFICER, inspected_on="2019-06-01", findings="好"),
        "不能办理「登记监管检查」：项目干事无权办理；有权办理的角色：监管人员",
    ),
    (
        "assessing",
        lambda s, c: lc.record_assessment(
            s, c, Actor("王丽华", "supervisor"), scores=ASSESSMENT_GOOD, narrative="好"
        ),
        "不能办理「录入考核评分」：监管人员无权办理；有权办理的角色：考核人员",
    ),
    (
        "draft",
        lambda s, c: lc.cancel(s, c, LEADER, reason="不需要了"),
        "不能办理「撤销项目」：分管领导无权办理；有权办理的角色：项目干事、管理员",
    ),
]


@pytest.mark.parametrize(
    ("stage", "action", "message"),
    [pytest.param(*case, id=case[2].split("：")[0]) for case in WRONG_ROLES],
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
            label = default_rules().definition.transitions_for(trigger)[0].label
            with pytest.raises(Refused, match=f"^不能办理「{re.escape(label)}」："):
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
        "不能办理「提交立项申报」：审计无权办理；有权办理的角色：项目干事"
    )
    with use_language("en"), pytest.raises(Refused) as in_english:
        lc.submit(session, plan.code, AUDITOR)
    assert str(in_english.value) == (
        "Submit for approval refused: the role Auditor may not do this; "
        "allowed roles: Project officer"
    )


def test_the_auditor_cannot_register_anything(session: Session, engine: Engine) -> None:
    setup_registry(session)
    before = snapshot(session, engine)

    with pytest.raises(Refused, match="有权办理的角色：项目干事、管理员$"):
        registry.register_organization(
            session, registry.OrganizationCreate(UNREGISTERED, "某组织"), AUDITOR
        )
    with pytest.raises(Refused, match="有权办理的角色：项目干事$"):
        registry.create_project(
            session,
            registry.ProjectCreate("SM-2019-009", 2019, "SM-FED", "某项目", "1000.00"),
            AUDITOR,
        )
    session.rollback()
    assert snapshot(session, engine) == before


def test_an_unknown_role_is_refused_naming_the_known_roles(session: Session) -> None:
    plan = project_at(session, "draft")

    with pytest.raises(InvalidInput, match=r"未知角色 'boss'（可用：officer, leader"):
        lc.submit(session, plan.code, Actor("老板", "boss"))


def test_an_unnamed_person_may_not_act(session: Session) -> None:
    plan = project_at(session, "draft")

    with pytest.raises(InvalidInput, match="须指明操作人的账号"):
        lc.submit(session, plan.code, Actor("  ", "officer"))


def test_a_trigger_from_the_wrong_state_is_refused_naming_the_states_allowed(
    session: Session,
) -> None:
    plan = project_at(session, "draft", Plan())

    with pytest.raises(Refused) as refused:
        lc.award(session, plan.code, OFFICER, organization=QIHANG)

    assert str(refused.value) == (
        "不能办理「确定中选组织」：项目当前为「草拟」状态，只有在以下状态可以办理：评审中"
    )
