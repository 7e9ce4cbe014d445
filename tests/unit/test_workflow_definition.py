"""Rules for loading a workflow definition: the real lifecycle loads, broken ones are refused.

Every refusal is a ``ConfigError`` naming the file and the key, so whoever edits
``workflows/service_project.yaml`` can find the line to fix.
"""

import copy
import re
from pathlib import Path
from typing import Any

import pytest

from procure.domain.errors import ConfigError
from procure.domain.language import use_language
from procure.workflow.definition import WorkflowDefinition, load_workflow, parse_workflow
from procure.workflow.guards import GUARDS

WORKFLOW = Path(__file__).resolve().parents[2] / "workflows" / "service_project.yaml"


SOURCE = "service_project.yaml"


DESIGN_STATES = (
    "draft proposed approved soliciting reviewing awarded contracted in_service assessing "
    "assessed rectifying renewed dropped rejected cancelled"
).split()


TERMINAL_STATES = {"renewed", "dropped", "rejected", "cancelled"}


def parse(raw: dict[str, Any]) -> WorkflowDefinition:
    return parse_workflow(raw, source=SOURCE, known_guards=GUARDS)


def refused(raw: dict[str, Any], message: str) -> None:
    """Assert that parsing ``raw`` is refused with exactly ``message`` after the file name, as
    an English reader reads it (the Chinese is asserted once, below)."""
    with use_language("en"), pytest.raises(ConfigError, match=re.escape(f"{SOURCE}: {message}")):
        parse(raw)


def transition(raw: dict[str, Any], trigger: str) -> tuple[int, dict[str, Any]]:
    """Return the index and entry of a trigger's (first) transition in the raw definition."""
    for index, entry in enumerate(raw["transitions"]):
        if entry["trigger"] == trigger:
            return index, entry
    raise AssertionError(f"no transition {trigger}")


def state(raw: dict[str, Any], code: str) -> tuple[int, dict[str, Any]]:
    for index, entry in enumerate(raw["states"]):
        if entry["code"] == code:
            return index, entry
    raise AssertionError(f"no state {code}")


def test_the_real_workflow_loads_with_the_known_guards() -> None:
    definition = load_workflow(WORKFLOW, known_guards=GUARDS)

    assert definition.name == "service_project"
    assert definition.version == 2
    assert definition.initial == "draft"
    assert definition.source == SOURCE


def test_the_real_workflow_has_every_design_state_in_order_with_both_labels() -> None:
    definition = load_workflow(WORKFLOW, known_guards=GUARDS)

    assert [s.code for s in definition.states] == DESIGN_STATES
    for s in definition.states:
        assert s.zh.strip() and s.en.strip(), s.code
    assert definition.state("in_service").zh == "履约中"
    assert definition.state("rectifying").en == "Rectifying"


def test_only_renewed_dropped_rejected_and_cancelled_are_terminal() -> None:
    definition = load_workflow(WORKFLOW, known_guards=GUARDS)

    assert {s.code for s in definition.states if s.terminal} == TERMINAL_STATES


def test_every_guard_the_real_workflow_names_is_registered() -> None:
    definition = load_workflow(WORKFLOW, known_guards=GUARDS)

    named = {guard for t in definition.transitions for guard in t.guards}
    assert named <= set(GUARDS)


def test_a_recorded_fact_keeps_the_state_it_fires_from() -> None:
    definition = load_workflow(WORKFLOW, known_guards=GUARDS)

    payment = definition.transition_from("record_payment", "rectifying")
    assert payment is not None
    assert payment.dest is None
    assert payment.destination_from("rectifying") == "rectifying"
    assert definition.transition_from("record_payment", "draft") is None


def test_reject_cancel_drop_and_the_answers_to_an_objection_require_a_reason() -> None:
    definition = load_workflow(WORKFLOW, known_guards=GUARDS)

    needing = {t.trigger for t in definition.transitions if t.reason_required}
    assert needing == {"reject", "drop", "cancel", "uphold_objection", "reject_objection"}


def test_only_an_objection_and_a_withdrawal_act_for_the_organization_they_name() -> None:
    definition = load_workflow(WORKFLOW, known_guards=GUARDS)

    named = {t.trigger for t in definition.transitions if t.named_organization}
    assert named == {"lodge_objection", "withdraw_proposal"}


def test_an_optional_param_is_marked_not_required() -> None:
    definition = load_workflow(WORKFLOW, known_guards=GUARDS)

    sign = definition.transitions_for("sign_contract")[0]
    required = {p.name: p.required for p in sign.params}
    assert required == {
        "number": True,
        "amount": False,  # a renewed project's carried terms stand in (contract_terms_given)
        "start": False,
        "end": False,
        "signed_on": False,
    }


def test_an_unknown_guard_is_refused_naming_file_and_key(raw: dict[str, Any]) -> None:
    index, entry = transition(raw, "approve")
    entry["guards"].append("budget_looks_fine")

    refused(raw, f"transitions[{index}] (approve).guards: unknown guard 'budget_looks_fine'")


def test_an_unknown_role_is_refused_listing_the_known_roles(raw: dict[str, Any]) -> None:
    index, entry = transition(raw, "submit")
    entry["roles"] = ["clerk"]

    refused(
        raw,
        f"transitions[{index}] (submit).roles: unknown role 'clerk' "
        "(known: officer, leader, reviewer, assessor, supervisor, auditor, admin, organization)",
    )


def test_the_auditor_may_not_fire_anything_because_it_is_read_only(raw: dict[str, Any]) -> None:
    index, entry = transition(raw, "cancel")
    entry["roles"].append("auditor")

    refused(raw, f"transitions[{index}] (cancel).roles: role 'auditor' is read-only")


def test_a_transition_without_roles_is_refused(raw: dict[str, Any]) -> None:
    index, entry = transition(raw, "submit")
    del entry["roles"]

    refused(raw, f"transitions[{index}] (submit).roles: missing")


def test_a_state_no_transition_reaches_is_refused(raw: dict[str, Any]) -> None:
    raw["states"].append({"code": "archived", "zh": "已归档", "en": "Archived", "terminal": True})
    index = len(raw["states"]) - 1

    refused(raw, f"states[{index}] (archived): no transition reaches this state")


def test_a_non_terminal_state_with_no_way_out_is_refused(raw: dict[str, Any]) -> None:
    raw["states"].append({"code": "on_hold", "zh": "暂停", "en": "On hold"})
    index = len(raw["states"]) - 1
    raw["transitions"].append(
        {
            "trigger": "hold",
            "zh": "暂停项目",
            "en": "Put on hold",
            "from": ["approved"],
            "to": "on_hold",
            "roles": ["officer"],
        }
    )

    refused(raw, f"states[{index}] (on_hold): not terminal, but no transition leaves it")


def test_a_state_left_only_by_recorded_facts_has_no_way_out(raw: dict[str, Any]) -> None:
    raw["states"].append({"code": "on_hold", "zh": "暂停", "en": "On hold"})
    index = len(raw["states"]) - 1
    hold = {"zh": "暂停项目", "en": "Put on hold", "roles": ["officer"]}
    raw["transitions"].append({**hold, "trigger": "hold", "from": ["approved"], "to": "on_hold"})
    raw["transitions"].append({**hold, "trigger": "note", "from": ["on_hold"], "to": "same"})

    refused(raw, f"states[{index}] (on_hold): not terminal, but no transition leaves it")


def test_a_terminal_state_with_a_way_out_is_refused(raw: dict[str, Any]) -> None:
    index, _ = state(raw, "rejected")
    raw["transitions"].append(
        {
            "trigger": "reopen",
            "zh": "重新申报",
            "en": "Reopen",
            "from": ["rejected"],
            "to": "draft",
            "roles": ["officer"],
        }
    )

    refused(raw, f"states[{index}] (rejected): terminal, but a transition leaves it")


def test_marking_a_working_state_terminal_is_refused(raw: dict[str, Any]) -> None:
    index, entry = state(raw, "in_service")
    entry["terminal"] = True

    refused(raw, f"states[{index}] (in_service): terminal, but a transition leaves it")


def test_a_trigger_defined_twice_for_one_source_is_refused(raw: dict[str, Any]) -> None:
    _, cancel = transition(raw, "cancel")
    again = copy.deepcopy(cancel)
    again["from"] = ["awarded", "contracted"]
    again["to"] = "dropped"
    raw["transitions"].append(again)
    index = len(raw["transitions"]) - 1

    refused(
        raw,
        f"transitions[{index}] (cancel).from: trigger 'cancel' is defined twice "
        "for source 'awarded'",
    )


def test_one_trigger_may_have_entries_for_different_sources(raw: dict[str, Any]) -> None:
    _, cancel = transition(raw, "cancel")
    late = copy.deepcopy(cancel)
    late["from"] = ["contracted"]
    late["to"] = "dropped"
    late["roles"] = ["admin"]
    raw["transitions"].append(late)

    definition = parse(raw)

    assert len(definition.transitions_for("cancel")) == 2
    late_entry = definition.transition_from("cancel", "contracted")
    assert late_entry is not None and late_entry.roles == ("admin",)
    assert definition.triggers().count("cancel") == 1


def test_a_source_listed_twice_in_one_entry_is_refused(raw: dict[str, Any]) -> None:
    index, entry = transition(raw, "drop")
    entry["from"].append("assessed")

    refused(raw, f"transitions[{index}] (drop).from: a source state is listed twice")
