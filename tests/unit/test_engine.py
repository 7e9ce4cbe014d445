"""Rules for the workflow engine: one machine per definition, fired on plain rows.

A small hand-made definition and fake guards; no database. Guards read their
verdict from ``ctx.params`` so they stay free of side effects.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

import pytest
from sqlmodel import Session

from procure.domain.errors import Refused
from procure.domain.language import use_language
from procure.store.models import Project
from procure.workflow.context import ActionContext, Actor
from procure.workflow.definition import WorkflowDefinition, parse_workflow
from procure.workflow.engine import Guard, WorkflowEngine
from procure.workflow.rules import Rules

RAW: dict[str, Any] = {
    "name": "file",
    "version": 1,
    "initial": "draft",
    "states": [
        {"code": "draft", "zh": "草拟", "en": "Draft"},
        {"code": "open", "zh": "办理中", "en": "Open"},
        {"code": "closed", "zh": "已办结", "en": "Closed", "terminal": True},
        {"code": "void", "zh": "已作废", "en": "Void", "terminal": True},
    ],
    "transitions": [
        {
            "trigger": "open",
            "zh": "受理",
            "en": "Open the file",
            "from": ["draft"],
            "to": "open",
            "roles": ["officer"],
            "guards": ["ready"],
        },
        {
            "trigger": "note",
            "zh": "登记备注",
            "en": "Record a note",
            "from": ["open"],
            "to": "same",
            "roles": ["officer", "supervisor"],
            "guards": ["ready"],
        },
        {
            "trigger": "close",
            "zh": "办结",
            "en": "Close the file",
            "from": ["open"],
            "to": "closed",
            "roles": ["leader", "admin"],
            "guards": ["ready", "signed"],
        },
        {
            "trigger": "void",
            "zh": "作废",
            "en": "Void the file",
            "from": ["draft"],
            "to": "void",
            "roles": ["officer"],
            "reason_required": True,
        },
        {
            "trigger": "void",
            "zh": "作废",
            "en": "Void the file",
            "from": ["open"],
            "to": "void",
            "roles": ["admin"],
            "reason_required": True,
        },
    ],
}


@dataclass
class Row:
    """A stand-in for a project row: only a state."""

    state: str


def _guard(name: str, calls: list[str]) -> Guard:
    """A fake guard: refuses with ``ctx.params["refuse_<name>"]`` when given, and logs its call."""

    def guard(ctx: ActionContext) -> str | None:
        calls.append(name)
        refusal = ctx.params.get(f"refuse_{name}")
        return None if refusal is None else str(refusal)

    return guard


@pytest.fixture
def definition() -> WorkflowDefinition:
    return parse_workflow(RAW, source="file.yaml", known_guards={"ready", "signed"})


@pytest.fixture
def calls() -> list[str]:
    """The names of the guards run, in order."""
    return []


@pytest.fixture
def engine(definition: WorkflowDefinition, calls: list[str]) -> WorkflowEngine:
    guards = {"ready": _guard("ready", calls), "signed": _guard("signed", calls)}
    return WorkflowEngine(definition, guards)


def context(
    row: Row,
    trigger: str,
    *,
    role: str = "officer",
    reason: str = "",
    **params: Any,
) -> ActionContext:
    return ActionContext(
        session=cast(Session, None),
        rules=cast(Rules, None),
        project=cast(Project, row),
        actor=Actor(name="林晓", role=role),
        trigger=trigger,
        params=params,
        reason=reason,
        at=datetime(2019, 3, 1, 9, 0, tzinfo=UTC),
    )


def test_the_machine_is_built_once_per_definition_without_a_model(
    engine: WorkflowEngine, definition: WorkflowDefinition
) -> None:
    assert engine.machine.models == []
    assert set(engine.machine.states) == {s.code for s in definition.states}
    assert set(engine.machine.events) == {"open", "note", "close", "void"}


def test_firing_moves_the_row_to_the_destination_and_returns_the_entry(
    engine: WorkflowEngine,
) -> None:
    row = Row(state="draft")

    entry = engine.fire(context(row, "open"))

    assert row.state == "open"
    assert entry.trigger == "open"
    assert entry.dest == "open"


def test_firing_adds_no_attribute_to_the_row_but_its_state(engine: WorkflowEngine) -> None:
    row = Row(state="draft")

    engine.fire(context(row, "open"))
    engine.fire(context(row, "note"))
    engine.fire(context(row, "close", role="leader"))

    assert vars(row) == {"state": "closed"}
    assert engine.machine.models == []


def test_a_guard_refusal_names_the_rule_and_leaves_the_state(engine: WorkflowEngine) -> None:
    row = Row(state="draft")
    ctx = context(row, "open", refuse_ready="the applicant has not signed the form")

    with pytest.raises(Refused, match="^不能办理「受理」：the applicant has not signed the form$"):
        engine.fire(ctx)

    assert row.state == "draft"
    assert vars(row) == {"state": "draft"}
    assert ctx.refusals == ["the applicant has not signed the form"]


def test_the_first_refusing_guard_is_named_and_later_guards_do_not_run(
    engine: WorkflowEngine,
    calls: list[str],
) -> None:
    row = Row(state="open")
    ctx = context(row, "close", role="leader", refuse_ready="not ready", refuse_signed="unsigned")

    with pytest.raises(Refused, match="^不能办理「办结」：not ready$"):
        engine.fire(ctx)

    assert calls == ["ready"]
    assert row.state == "open"


def test_every_guard_must_pass_for_the_transition_to_happen(
    engine: WorkflowEngine, calls: list[str]
) -> None:
    row = Row(state="open")

    with pytest.raises(Refused, match="^不能办理「办结」：the leader has not signed$"):
        engine.fire(context(row, "close", role="leader", refuse_signed="the leader has not signed"))

    assert calls == ["ready", "signed"]
    assert row.state == "open"


def test_a_row_refused_by_a_guard_can_fire_once_the_rule_holds(engine: WorkflowEngine) -> None:
    row = Row(state="draft")
    with pytest.raises(Refused):
        engine.fire(context(row, "open", refuse_ready="not yet"))

    engine.fire(context(row, "open"))

    assert row.state == "open"


def test_a_role_not_allowed_is_refused_listing_the_allowed_roles(engine: WorkflowEngine) -> None:
    row = Row(state="open")

    with pytest.raises(
        Refused,
        match="^不能办理「办结」：项目干事无权办理；有权办理的角色：分管领导、管理员$",
    ):
        engine.fire(context(row, "close", role="officer"))
    with (
        use_language("en"),
        pytest.raises(
            Refused,
            match="^Close the file refused: the role Project officer may not do this; "
            "allowed roles: Leader in charge, Administrator$",
        ),
    ):
        engine.fire(context(row, "close", role="officer"))

    assert row.state == "open"


def test_role_and_state_are_checked_before_any_guard_runs(
    engine: WorkflowEngine, calls: list[str]
) -> None:
    row = Row(state="open")

    with pytest.raises(Refused, match="监管人员无权办理"):
        engine.fire(context(row, "close", role="supervisor", refuse_ready="not ready"))

    assert calls == []


def test_the_roles_allowed_depend_on_the_state_the_trigger_fires_from(
    engine: WorkflowEngine,
) -> None:
    draft, opened = Row(state="draft"), Row(state="open")

    engine.fire(context(draft, "void", role="officer", reason="duplicate file"))
    with pytest.raises(
        Refused, match="^不能办理「作废」：项目干事无权办理；有权办理的角色：管理员$"
    ):
        engine.fire(context(opened, "void", role="officer", reason="duplicate file"))

    assert draft.state == "void"
    assert opened.state == "open"


def test_a_trigger_not_allowed_from_the_state_names_the_state_and_the_allowed_sources(
    engine: WorkflowEngine,
) -> None:
    row = Row(state="draft")

    with pytest.raises(
        Refused,
        match="^不能办理「办结」：项目当前为「草拟」状态，只有在以下状态可以办理：办理中$",
    ):
        engine.fire(context(row, "close", role="leader"))
    with (
        use_language("en"),
        pytest.raises(
            Refused,
            match="^Close the file refused: not allowed while the project is Draft; "
            "allowed while it is: Open$",
        ),
    ):
        engine.fire(context(row, "close", role="leader"))

    assert row.state == "draft"


def test_allowed_sources_gather_every_entry_of_the_trigger(engine: WorkflowEngine) -> None:
    row = Row(state="closed")

    with pytest.raises(
        Refused,
        match="^不能办理「作废」：项目当前为「已办结」状态，只有在以下状态可以办理：草拟、办理中$",
    ):
        engine.fire(context(row, "void", role="admin", reason="mistake"))


def test_the_state_is_checked_before_the_role(engine: WorkflowEngine) -> None:
    row = Row(state="draft")

    with pytest.raises(Refused, match="项目当前为「草拟」状态"):
        engine.fire(context(row, "close", role="officer"))


def test_an_unknown_trigger_is_refused_listing_the_known_triggers(
    engine: WorkflowEngine,
) -> None:
    row = Row(state="draft")

    with pytest.raises(Refused, match=r"^未知步骤 'reopen'（可用：open, note, close, void）$"):
        engine.fire(context(row, "reopen"))

    assert row.state == "draft"


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_a_trigger_that_requires_a_reason_is_refused_without_one(
    engine: WorkflowEngine, reason: str
) -> None:
    row = Row(state="draft")

    with pytest.raises(Refused, match="^不能办理「作废」：须填写理由$"):
        engine.fire(context(row, "void", reason=reason))

    assert row.state == "draft"


def test_a_trigger_that_requires_a_reason_fires_with_one(engine: WorkflowEngine) -> None:
    row = Row(state="draft")

    engine.fire(context(row, "void", reason="opened by mistake"))

    assert row.state == "void"


def test_a_reason_is_optional_where_not_required(engine: WorkflowEngine) -> None:
    row = Row(state="draft")

    engine.fire(context(row, "open", reason=""))

    assert row.state == "open"


def test_an_internal_transition_keeps_the_state(engine: WorkflowEngine, calls: list[str]) -> None:
    row = Row(state="open")

    entry = engine.fire(context(row, "note", role="supervisor"))

    assert entry.dest is None
    assert row.state == "open"
    assert calls == ["ready"]


def test_an_internal_transition_refused_by_a_guard_names_the_rule(
    engine: WorkflowEngine,
) -> None:
    row = Row(state="open")

    with pytest.raises(Refused, match="^不能办理「登记备注」：nothing to note$"):
        engine.fire(context(row, "note", refuse_ready="nothing to note"))

    assert row.state == "open"


def test_one_engine_fires_on_many_rows_independently(engine: WorkflowEngine) -> None:
    rows = [Row(state="draft") for _ in range(30)]

    for index, row in enumerate(rows):
        if index % 3 == 0:
            engine.fire(context(row, "open"))
        elif index % 3 == 1:
            engine.fire(context(row, "void", reason="duplicate"))
    for row in rows[::3]:
        engine.fire(context(row, "close", role="admin"))

    assert [row.state for row in rows[:6]] == ["closed", "void", "draft"] * 2
    assert {row.state for row in rows[2::3]} == {"draft"}
    assert engine.machine.models == []
    assert all(vars(row) == {"state": row.state} for row in rows)


def test_a_refusal_on_one_row_leaves_other_rows_alone(engine: WorkflowEngine) -> None:
    first, second = Row(state="draft"), Row(state="draft")

    with pytest.raises(Refused):
        engine.fire(context(first, "open", refuse_ready="missing form"))
    engine.fire(context(second, "open"))

    assert (first.state, second.state) == ("draft", "open")


def test_guard_returns_the_registered_guard(engine: WorkflowEngine) -> None:
    ctx = context(Row(state="draft"), "open", refuse_ready="no")

    assert engine.guard("ready")(ctx) == "no"
    assert engine.guard("signed")(ctx) is None
