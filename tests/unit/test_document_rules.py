"""``workflows/documents.yaml``: who may attach which file until when, checked at load."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from procure.domain.documents import KINDS, MEGABYTE, SEEN_AS, load_document_rules
from procure.domain.errors import ConfigError
from procure.domain.language import use_language
from procure.domain.visibility import FACT_KINDS
from procure.resources import resource_dir
from procure.workflow.roles import ROLES

STATES = ("soliciting", "reviewing", "awarded", "contracted", "in_service", "assessing",
          "assessed", "rectifying")  # fmt: skip
INSTALLED = resource_dir("workflows") / "documents.yaml"


def _load(tmp_path: Path, data: object) -> object:
    path = tmp_path / "documents.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_document_rules(path, states=STATES, roles=ROLES)


def _installed() -> dict[str, object]:
    data = yaml.safe_load(INSTALLED.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_the_installed_rules_cover_every_kind_with_the_default_limits() -> None:
    rules = load_document_rules(INSTALLED, states=STATES + ("draft",), roles=ROLES)
    assert set(rules.kinds) == set(KINDS)
    assert (rules.file_bytes, rules.project_bytes) == (20 * MEGABYTE, 200 * MEGABYTE)
    assert rules.kinds["proposal"].states == ("soliciting",)


def test_every_kind_is_seen_as_a_fact_the_visibility_policy_decides() -> None:
    assert set(SEEN_AS) == set(KINDS)
    assert set(SEEN_AS.values()) <= set(FACT_KINDS)


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (lambda d: d["kinds"].update(letters={}), "documents.yaml: kinds: unknown kind 'letters'"),
        (
            lambda d: d["kinds"]["proposal"].update(roles=["bidder"]),
            "documents.yaml: kinds.proposal.roles: unknown role 'bidder'",
        ),
        (
            lambda d: d["kinds"]["contract"].update(states=["signed"]),
            "documents.yaml: kinds.contract.states: unknown state 'signed'",
        ),
        (
            lambda d: d["kinds"]["inspection"].pop("basis"),
            "documents.yaml: kinds.inspection.basis: required text is missing",
        ),
        (
            lambda d: d["limits"].update(file_megabytes=-1),
            "documents.yaml: limits.file_megabytes: must be a positive number",
        ),
        (
            lambda d: d["limits"].update(project_megabytes=5),
            "documents.yaml: limits.project_megabytes: smaller than file_megabytes",
        ),
        (lambda d: d.update(limit={}), "documents.yaml: unknown key limit"),
    ],
    ids=["kind", "role", "state", "basis", "negative limit", "project below file", "typo"],
)
@pytest.mark.usefixtures("in_english")  # the refusal as the code writes it
def test_a_rule_file_with_a_mistake_is_refused_naming_file_and_key(
    tmp_path: Path, edit: object, said: str
) -> None:
    data = _installed()
    edit(data)  # type: ignore[operator]
    with pytest.raises(ConfigError) as refused:
        _load(tmp_path, data)
    assert str(refused.value).startswith(said)


def test_the_files_of_every_installed_kind_are_named_in_both_languages() -> None:
    rules = load_document_rules(INSTALLED, states=STATES + ("draft",), roles=ROLES)
    assert all(rule.zh and rule.en for rule in rules.kinds.values())
    assert rules.kinds["objection"].label == "质疑函"
    with use_language("en"):
        assert rules.kinds["objection"].label == "Objection letter"
