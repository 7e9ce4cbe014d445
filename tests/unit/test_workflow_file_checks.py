"""The lifecycle file is checked when it is loaded: states, labels, params, sources and
destinations, flags and the document itself, each refusal naming file and key."""

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from procure.domain.errors import ConfigError
from procure.domain.language import use_language
from procure.workflow.definition import load_workflow, parse_workflow
from procure.workflow.guards import GUARDS
from tests.unit.test_workflow_definition import (
    SOURCE,
    WORKFLOW,
    refused,
    state,
    transition,
)


def test_a_state_defined_twice_is_refused(raw: dict[str, Any]) -> None:
    raw["states"].append({"code": "draft", "zh": "草拟", "en": "Draft"})
    index = len(raw["states"]) - 1

    refused(raw, f"states[{index}] (draft).code: state 'draft' is defined twice")


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


@pytest.mark.parametrize("label", ["zh", "en"])
def test_a_param_without_a_label_in_either_language_is_refused(
    raw: dict[str, Any], label: str
) -> None:
    index, entry = transition(raw, "sign_contract")
    del entry["params"]["amount"][label]

    refused(raw, f"transitions[{index}] (sign_contract).params.amount.{label}: missing")


def test_a_param_is_named_in_the_language_in_use(raw: dict[str, Any]) -> None:
    definition = parse_workflow(raw, source=SOURCE, known_guards=GUARDS)
    amount = next(
        p for p in definition.transitions_for("sign_contract")[0].params if p.name == "amount"
    )

    assert amount.label == "合同金额"
    with use_language("en"):
        assert amount.label == "Contract amount"


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


@pytest.mark.parametrize("version", [None, 0, -1, "1", 1.0, True])
def test_a_version_that_is_not_a_positive_whole_number_is_refused(
    raw: dict[str, Any], version: object
) -> None:
    raw["version"] = version

    refused(raw, "version: must be a positive whole number")


def test_a_document_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(ConfigError, match=re.escape(f"{SOURCE}：(top level)：须为映射（键值对）")):
        parse_workflow(["draft"], source=SOURCE, known_guards=GUARDS)
    with (
        use_language("en"),
        pytest.raises(ConfigError, match=re.escape(f"{SOURCE}: (top level): must be a mapping")),
    ):
        parse_workflow(["draft"], source=SOURCE, known_guards=GUARDS)


def test_malformed_yaml_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("name: service_project\nstates: [draft\n", encoding="utf-8")

    with pytest.raises(
        ConfigError, match=r"^broken\.yaml：第 3 行第 1 列不是有效的 YAML（解析器提示：“"
    ) as refusal:
        load_workflow(path, known_guards=GUARDS)

    assert "，第 2 行第 9 列" in str(refusal.value)  # where PyYAML's context began, in Chinese
    assert "\n" not in str(refusal.value)
    with (
        use_language("en"),
        pytest.raises(ConfigError, match=r"^broken\.yaml: not valid YAML at line 3, column 1: "),
    ):
        load_workflow(path, known_guards=GUARDS)


def test_an_empty_file_is_refused_as_not_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("", encoding="utf-8")

    with pytest.raises(ConfigError, match=re.escape("empty.yaml：(top level)：须为映射（键值对）")):
        load_workflow(path, known_guards=GUARDS)


def test_a_missing_file_is_refused_naming_the_path(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"

    with pytest.raises(ConfigError, match=re.escape(f"{path}：文件不存在")):
        load_workflow(path, known_guards=GUARDS)
    with use_language("en"), pytest.raises(ConfigError, match=re.escape(f"{path}: no such file")):
        load_workflow(path, known_guards=GUARDS)


def test_a_file_loaded_from_disk_is_named_by_its_file_name(
    tmp_path: Path, real_raw: dict[str, Any]
) -> None:
    broken = copy.deepcopy(real_raw)
    broken["initial"] = "drafting"
    path = tmp_path / "custom.yaml"
    path.write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")

    with pytest.raises(ConfigError, match=re.escape("custom.yaml：initial：未知状态 'drafting'")):
        load_workflow(path, known_guards=GUARDS)


def test_a_file_not_in_utf8_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes(WORKFLOW.read_text(encoding="utf-8").encode("gb18030"))

    with pytest.raises(ConfigError, match=r"gbk\.yaml：不是 UTF-8 文本（第 \d+ 字节）"):
        load_workflow(path, known_guards=GUARDS)
