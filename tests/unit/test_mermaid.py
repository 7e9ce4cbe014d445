"""Rules for the Mermaid diagram of the real lifecycle (``procure workflow diagram``)."""

from pathlib import Path

import pytest

from procure.domain.language import use_language
from procure.workflow.definition import WorkflowDefinition, load_workflow
from procure.workflow.guards import GUARDS
from procure.workflow.mermaid import to_mermaid
from procure.workflow.roles import role_label

WORKFLOW = Path(__file__).resolve().parents[2] / "workflows" / "service_project.yaml"


@pytest.fixture(scope="module")
def definition() -> WorkflowDefinition:
    return load_workflow(WORKFLOW, known_guards=GUARDS)


@pytest.fixture(scope="module")
def lines(definition: WorkflowDefinition) -> list[str]:
    return to_mermaid(definition).splitlines()


def test_the_diagram_starts_with_state_diagram_v2(definition: WorkflowDefinition) -> None:
    assert to_mermaid(definition).startswith("stateDiagram-v2\n")


def test_the_diagram_ends_with_a_newline(definition: WorkflowDefinition) -> None:
    assert to_mermaid(definition).endswith("\n")


def test_the_diagram_enters_at_the_initial_state(lines: list[str]) -> None:
    assert lines[1] == "    [*] --> draft"


def test_every_state_appears_with_its_label_in_the_language_in_use(
    definition: WorkflowDefinition, lines: list[str]
) -> None:
    for state in definition.states:
        assert f'    state "{state.zh}" as {state.code}' in lines
    assert '    state "履约中" as in_service' in lines
    with use_language("en"):
        assert '    state "In service" as in_service' in to_mermaid(definition).splitlines()


def test_every_transition_appears_from_each_of_its_sources(
    definition: WorkflowDefinition, lines: list[str]
) -> None:
    for transition in definition.transitions:
        roles = "/".join(role_label(role) for role in transition.roles)
        for source in transition.sources:
            dest = transition.destination_from(source)
            assert f"    {source} --> {dest}: {transition.zh}（{roles}）" in lines


def test_a_transition_with_several_sources_and_roles_is_drawn_once_per_source(
    lines: list[str],
) -> None:
    cancels = [line for line in lines if ": 撤销项目（" in line]

    assert cancels == [
        f"    {source} --> cancelled: 撤销项目（项目干事/管理员）"
        for source in ("draft", "proposed", "approved", "soliciting", "reviewing", "awarded")
    ]


def test_a_recorded_fact_is_drawn_as_a_self_loop(lines: list[str]) -> None:
    assert "    rectifying --> rectifying: 登记拨付（项目干事）" in lines
    assert "    reviewing --> reviewing: 录入评审评分（评审专家）" in lines


def test_exactly_the_terminal_states_lead_to_the_end(
    definition: WorkflowDefinition, lines: list[str]
) -> None:
    ends = {line.strip().removesuffix(" --> [*]") for line in lines if line.endswith("--> [*]")}

    assert ends == {"renewed", "dropped", "rejected", "cancelled"}
    assert ends == {s.code for s in definition.states if s.terminal}


def test_the_diagram_has_no_line_but_states_transitions_and_ends(
    definition: WorkflowDefinition, lines: list[str]
) -> None:
    edges = sum(len(t.sources) for t in definition.transitions)
    terminals = sum(s.terminal for s in definition.states)

    assert len(lines) == 2 + len(definition.states) + edges + terminals


def test_the_diagram_in_english_names_steps_and_roles_in_english(
    definition: WorkflowDefinition,
) -> None:
    with use_language("en"):
        lines = to_mermaid(definition).splitlines()

    assert "    rectifying --> rectifying: Record a payment (Project officer)" in lines
