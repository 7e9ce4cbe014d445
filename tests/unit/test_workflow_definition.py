"""Rules for loading a workflow definition: the real lifecycle loads, broken ones are refused.

Every refusal is a ``ConfigError`` naming the file and the key, so whoever edits
``workflows/service_project.yaml`` can find the line to fix.
"""

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from procure.domain.errors import ConfigError
from procure.workflow.definition import WorkflowDefinition, load_workflow, parse_workflow
from procure.workflow.guards import GUARDS

WORKFLOW = Path(__file__).resolve().parents[2] / "workflows" / "service_project.yaml"
SOURCE = "service_project.yaml"

DESIGN_STATES = (
    "draft proposed approved soliciting reviewing awarded contracted in_service assessing "
    "assessed rectifying renewed dropped rejected cancelled"
).split()
TERMINAL_STATES = {"renewed", "dropped", "rejected", "cancelled"}


@pytest.fixture(scope="module")
def real_raw() -> dict[str, Any]:
    raw = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(raw, dict)
    return raw


@pytest.fixture
def raw(real_raw: dict[str, Any]) -> dict[str, Any]:
    """A fresh copy of the real definition, free to mutate."""
    return copy.deepcopy(real_raw)


def parse(raw: dict[str, Any]) -> WorkflowDefinition:
    return parse_workflow(raw, source=SOURCE, known_guards=GUARDS)


def refused(raw: dict[str, Any], message: str) -> None:
    """Assert that parsing ``raw`` is refused with exactly ``message`` after the file name."""
    with pytest.raises(ConfigError, match=re.escape(f"{SOURCE}: {message}")):
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


# --- the real workflow ---------------------------------------------------------------


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


def test_only_an_objection_is_lodged_by_the_organization_it_names() -> None:
    definition = load_workflow(WORKFLOW, known_guards=GUARDS)

    named = {t.trigger for t in definition.transitions if t.named_organization}
    assert named == {"lodge_objection"}


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


# --- refusals: guards and roles --------------------------------------------------------


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


# --- refusals: the shape of the lifecycle ---------------------------------------------


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


def test_a_state_defined_twice_is_refused(raw: dict[str, Any]) -> None:
    raw["states"].append({"code": "draft", "zh": "草拟", "en": "Draft"})
    index = len(raw["states"]) - 1

    refused(raw, f"states[{index}] (draft).code: state 'draft' is defined twice")


# --- refusals: labels -------------------------------------------------------------------


@pytest.mark.parametrize("label", ["zh", "en"])
def test_a_state_without_a_label_is_refused(raw: dict[str, Any], label: str) -> None:
    index, entry = state(raw, "assessing")
    del entry[label]

    refused(raw, f"states[{index}] (assessing).{label}: missing")


@pytest.mark.parametrize("label", ["zh", "en"])
def test_a_state_with_a_blank_label_is_refused(raw: dict[str, Any], label: str) -> None:
    index, entry = state(raw, "assessing")
    entry[label] = "   "

    refused(raw, f"states[{index}] (assessing).{label}: missing")


@pytest.mark.parametrize("label", ["zh", "en"])
def test_a_transition_without_a_label_is_refused(raw: dict[str, Any], label: str) -> None:
    index, entry = transition(raw, "award")
    del entry[label]

    refused(raw, f"transitions[{index}] (award).{label}: missing")


def test_a_param_without_a_chinese_label_is_refused(raw: dict[str, Any]) -> None:
    index, entry = transition(raw, "sign_contract")
    del entry["params"]["amount"]["zh"]

    refused(raw, f"transitions[{index}] (sign_contract).params.amount.zh: missing")


# --- refusals: names of states and types -----------------------------------------------


def test_an_unknown_source_state_is_refused(raw: dict[str, Any]) -> None:
    index, entry = transition(raw, "open_call")
    entry["from"] = ["aproved"]

    refused(raw, f"transitions[{index}] (open_call).from: unknown state 'aproved'")


def test_an_unknown_destination_state_is_refused(raw: dict[str, Any]) -> None:
    index, entry = transition(raw, "open_call")
    entry["to"] = "solicting"

    refused(raw, f"transitions[{index}] (open_call).to: unknown state 'solicting'")


def test_an_unknown_initial_state_is_refused(raw: dict[str, Any]) -> None:
    raw["initial"] = "drafting"

    refused(raw, "initial: unknown state 'drafting'")


def test_an_unknown_param_type_is_refused_listing_the_known_types(raw: dict[str, Any]) -> None:
    index, entry = transition(raw, "add_proposal")
    entry["params"]["price"]["type"] = "float"

    refused(
        raw,
        f"transitions[{index}] (add_proposal).params.price.type: unknown type 'float' "
        "(known: account, bool, date, list, money, sheet, text, texts, uscc)",
    )


def test_a_non_boolean_terminal_flag_is_refused(raw: dict[str, Any]) -> None:
    index, entry = state(raw, "renewed")
    entry["terminal"] = "yes"

    refused(raw, f"states[{index}] (renewed).terminal: must be true or false")


def test_a_non_boolean_reason_required_is_refused(raw: dict[str, Any]) -> None:
    index, entry = transition(raw, "reject")
    entry["reason_required"] = "always"

    refused(raw, f"transitions[{index}] (reject).reason_required: must be true or false")


def test_roles_given_as_one_word_instead_of_a_list_are_refused(raw: dict[str, Any]) -> None:
    index, entry = transition(raw, "submit")
    entry["roles"] = "officer"

    refused(raw, f"transitions[{index}] (submit).roles: must be a list of names")


def test_a_definition_without_states_is_refused(raw: dict[str, Any]) -> None:
    raw["states"] = []

    refused(raw, "states: must be a non-empty list")


# --- refusals: version and files -------------------------------------------------------


@pytest.mark.parametrize("version", [None, 0, -1, "1", 1.0, True])
def test_a_version_that_is_not_a_positive_whole_number_is_refused(
    raw: dict[str, Any], version: object
) -> None:
    raw["version"] = version

    refused(raw, "version: must be a positive whole number")


def test_a_document_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(ConfigError, match=re.escape(f"{SOURCE}: (top level): must be a mapping")):
        parse_workflow(["draft"], source=SOURCE, known_guards=GUARDS)


def test_malformed_yaml_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("name: service_project\nstates: [draft\n", encoding="utf-8")

    with pytest.raises(
        ConfigError, match=r"^broken\.yaml: not valid YAML at line 3, column 1: "
    ) as refusal:
        load_workflow(path, known_guards=GUARDS)

    assert "line 2, column 9" in str(refusal.value)
    assert "\n" not in str(refusal.value)


def test_an_empty_file_is_refused_as_not_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("", encoding="utf-8")

    with pytest.raises(ConfigError, match=re.escape("empty.yaml: (top level): must be a mapping")):
        load_workflow(path, known_guards=GUARDS)


def test_a_missing_file_is_refused_naming_the_path(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"

    with pytest.raises(ConfigError, match=re.escape(f"{path}: no such file")):
        load_workflow(path, known_guards=GUARDS)


def test_a_file_loaded_from_disk_is_named_by_its_file_name(
    tmp_path: Path, real_raw: dict[str, Any]
) -> None:
    broken = copy.deepcopy(real_raw)
    broken["initial"] = "drafting"
    path = tmp_path / "custom.yaml"
    path.write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")

    with pytest.raises(ConfigError, match=re.escape("custom.yaml: initial: unknown state")):
        load_workflow(path, known_guards=GUARDS)


def test_a_file_not_in_utf8_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes(WORKFLOW.read_text(encoding="utf-8").encode("gb18030"))

    with pytest.raises(ConfigError, match=r"gbk\.yaml: not UTF-8 text"):
        load_workflow(path, known_guards=GUARDS)
