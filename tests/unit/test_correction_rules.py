"""workflows/corrections.yaml is checked when it is loaded: a mistake names the file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from procure.domain.corrections import load_correction_rules
from procure.domain.errors import ConfigError
from procure.domain.language import use_language
from procure.resources import resource_dir
from procure.workflow.corrections import CORRECTIONS_FILE, load_corrections
from procure.workflow.roles import ROLES
from procure.workflow.rules import default_rules

STATES = ["contracted", "in_service"]
GOOD = """
kinds:
  payment:
    zh: 拨付记录
    fields: {amount: {type: money, zh: 拨付金额}}
    roles: [officer]
    stages: [contracted]
    approval: leader
amendments: {zh: 合同变更, roles: [officer], approval: leader, stages: [in_service]}
"""


def load(tmp_path: Path, text: str) -> object:
    path = tmp_path / CORRECTIONS_FILE
    path.write_text(text, encoding="utf-8")
    return load_correction_rules(path, states=STATES, roles=ROLES)


def test_the_installed_file_covers_every_kind_of_recorded_fact() -> None:
    rules = load_corrections(resource_dir("workflows"), default_rules().definition)
    assert rules is not None and default_rules().corrections == rules
    assert set(rules.kinds) == {
        "proposal", "review", "recusal", "contract", "payment", "inspection",
        "rectification", "assessment", "comment", "objection_answer",
    }  # fmt: skip
    payment = rules.kinds["payment"]
    assert payment.needs_approval(["amount"]) and not payment.needs_approval(["note"])
    assert rules.amendments.approval == "leader"


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (GOOD.replace("stages: [contracted]", "stages: [signed]"), "unknown state 'signed'"),
        (GOOD.replace("roles: [officer]\n    stages", "roles: [boss]\n    stages"), "unknown role"),
        (GOOD.replace("approval: leader\namend", "approval: officer\namend"), "four eyes"),
        (GOOD.replace("type: money", "type: colour"), "kinds.payment.fields.amount.type"),
        (GOOD.replace("payment:", "parking:"), "unknown kind parking"),
        (GOOD.replace(", approval: leader", ""), "amendments.approval"),
    ],
)
def test_a_broken_corrections_file_is_refused_naming_the_key(
    tmp_path: Path, broken: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        load(tmp_path, broken)


def test_loading_the_workflows_refuses_a_broken_corrections_file(tmp_path: Path) -> None:
    import shutil

    from procure.workflow.rules import load_rules

    folder = shutil.copytree(resource_dir("workflows"), tmp_path / "workflows")
    path = folder / CORRECTIONS_FILE
    path.write_text(path.read_text(encoding="utf-8").replace("[soliciting]", "[signing]"))
    with pytest.raises(ConfigError, match=r"corrections.yaml: kinds.proposal.stages: unknown"):
        load_rules(folder)


def test_every_fact_and_field_of_the_installed_file_is_named_in_both_languages() -> None:
    rules = load_corrections(resource_dir("workflows"), default_rules().definition)
    assert rules is not None
    named = [*rules.kinds.values(), rules.amendments]
    fields = [field for rule in rules.kinds.values() for field in rule.fields]
    assert all(item.zh and item.en for item in (*named, *fields))
    with use_language("en"):
        assert rules.kinds["payment"].label == "Payment"
        paid_on = rules.kinds["payment"].field("paid_on")
        assert paid_on is not None and paid_on.label == "Payment date"
    assert rules.kinds["payment"].label == "拨付记录"


def test_a_name_in_english_beside_the_chinese_may_be_left_out_but_not_left_empty(
    tmp_path: Path,
) -> None:
    loaded = load(tmp_path, GOOD)
    with use_language("en"):  # none given: the Chinese shows
        assert loaded.kinds["payment"].label == "拨付记录"  # type: ignore[attr-defined]
    with pytest.raises(ConfigError, match=r"kinds.payment.en: must be a non-empty text"):
        load(tmp_path, GOOD.replace("zh: 拨付记录", "zh: 拨付记录\n    en: ''"))
