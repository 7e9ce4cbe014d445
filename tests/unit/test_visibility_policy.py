"""Who sees what, and when (workflows/visibility.yaml): every cell decided, every default with
its basis, and a file that leaves a cell out or names something unknown refused at load."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from procure.domain.errors import ConfigError
from procure.domain.language import use_language
from procure.domain.visibility import (
    FACT_KINDS,
    RECORD_FACTS,
    RELATIONS,
    RELATIONS_EN,
    VISIBILITY_FILE,
    WHEN,
    Moments,
    load_visibility,
    policy_table,
)
from procure.resources import resource_dir
from procure.workflow.rules import load_rules

INSTALLED = resource_dir("workflows") / VISIBILITY_FILE
REVIEWING = Moments()
SCORED_OWN = Moments(own_sheets_done=True)
AWARDED = Moments(awarded=True)


def edited(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the installed policy with ``old`` replaced by ``new`` (once)."""
    text = INSTALLED.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / VISIBILITY_FILE
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_the_installed_policy_decides_every_fact_for_every_relation_with_its_basis() -> None:
    policy = load_visibility(INSTALLED)

    assert list(policy.facts) == list(FACT_KINDS)
    for rule in policy.facts.values():
        assert set(rule.visible) == set(RELATIONS)
        assert set(rule.visible.values()) <= set(WHEN)
        assert rule.basis


def test_a_reviewer_sees_the_others_sheets_only_after_scoring_their_own() -> None:
    policy = load_visibility(INSTALLED)

    assert not policy.allows("review_sheet", {"panel"}, REVIEWING)
    assert policy.allows("review_sheet", {"panel"}, SCORED_OWN)
    assert policy.allows("review_sheet", {"author"}, REVIEWING)


def test_a_bidder_sees_no_reviewer_no_sheet_and_no_rival_before_the_award() -> None:
    policy = load_visibility(INSTALLED)

    for kind in ("reviewer_identity", "review_sheet", "panel_result"):
        assert not policy.allows(kind, {"own_organization", "public"}, REVIEWING), kind
    assert not policy.allows("proposal", {"other_bidder", "public"}, REVIEWING)
    assert policy.allows("proposal", {"own_organization"}, REVIEWING)


def test_after_the_award_a_bidder_sees_the_notice_its_own_scores_and_no_rivals_sheets() -> None:
    policy = load_visibility(INSTALLED)

    for kind in ("proposal", "panel_result", "reviewer_identity"):
        assert policy.allows(kind, {"other_bidder"}, AWARDED), kind
    assert policy.allows("review_sheet", {"own_organization"}, AWARDED)
    assert not policy.allows("review_sheet", {"other_bidder"}, AWARDED)


def test_the_contract_life_is_for_the_winner_the_staff_and_auditors_only() -> None:
    policy = load_visibility(INSTALLED)
    after = Moments(awarded=True, contracted=True)

    for kind in ("payment", "inspection", "assessment", "evaluation_record"):
        assert policy.allows(kind, {"own_organization"}, after), kind
        assert policy.allows(kind, {"auditor"}, after), kind
        for outsider in ("other_bidder", "panel", "author", "public"):
            assert not policy.allows(kind, {outsider}, after), (kind, outsider)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("panel: after_own_sheet,", "panel: later,", "review_sheet.visible.panel: 'later' is not"),
        (
            "other_bidder: never,\n              public: never}\n\n  panel_result",
            "public: never}\n\n  panel_result",
            "review_sheet.visible: no moment for other_bidder",
        ),
        (
            "author: always, panel: after_own_sheet,",
            "author: always, jury: always, panel: after_own_sheet,",
            "unknown relation 'jury'",
        ),
        ("  spread_flags:\n", "  spread_flag:\n", "unknown fact kind 'spread_flag'"),
        (
            "    basis: 中选结果应当公示",
            "    reason: 中选结果应当公示",
            "award: unknown key reason",
        ),
        ("    en: Award\n", "", r"facts\.award\.en: required text is missing"),
        (
            '    basis_en: "The award must be published',
            '    reason_en: "The award must be published',
            "award: unknown key reason_en",
        ),
    ],
)
@pytest.mark.usefixtures("in_english")  # the refusal as the code writes it
def test_a_policy_with_a_cell_undecided_or_unknown_is_refused_naming_the_key(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        load_visibility(edited(tmp_path, old, new))


def test_a_policy_without_a_fact_kind_is_refused(tmp_path: Path) -> None:
    text = INSTALLED.read_text(encoding="utf-8")
    start = text.index("  job_result:")
    path = tmp_path / VISIBILITY_FILE
    path.write_text(text[:start], encoding="utf-8")

    with pytest.raises(ConfigError, match="facts: no rule for job_result"):
        load_visibility(path)


def test_the_rules_refuse_to_load_with_a_broken_policy(tmp_path: Path) -> None:
    folder = tmp_path / "workflows"
    shutil.copytree(resource_dir("workflows"), folder)
    (folder / VISIBILITY_FILE).write_text(
        edited(tmp_path, "panel: after_own_sheet,", "panel: soon,").read_text(encoding="utf-8"),
        encoding="utf-8",
    )

    with pytest.raises(ConfigError, match="'soon' is not one of"):
        load_rules(folder)


def test_the_policy_prints_as_a_chinese_table_a_row_per_fact() -> None:
    headings, rows = policy_table(load_visibility(INSTALLED))

    assert headings[1:] == list(RELATIONS.values())
    assert [row[0] for row in rows] == list(FACT_KINDS.values())
    sheet = rows[list(FACT_KINDS).index("review_sheet")]
    assert sheet[1 + list(RELATIONS).index("panel")] == "提交本人评分后"
    assert headings[0] == "事实"


def test_the_policy_prints_as_an_english_table_in_english() -> None:
    with use_language("en"):
        headings, rows = policy_table(load_visibility(INSTALLED))

    assert headings == ["Fact", *RELATIONS_EN.values()]
    sheet = rows[list(FACT_KINDS).index("review_sheet")]
    assert sheet[0] == "Review sheets (score per criterion and total)"
    assert sheet[1 + list(RELATIONS).index("panel")] == "After submitting their own scores"


def test_whoever_may_see_the_evaluation_record_sees_every_kind_of_fact_it_shows() -> None:
    policy = load_visibility(INSTALLED)
    contracted = Moments(awarded=True, contracted=True)

    for relation in RELATIONS:
        if policy.allows("evaluation_record", {relation}, contracted):
            for kind in RECORD_FACTS:
                assert policy.allows(kind, {relation, "public"}, contracted), (relation, kind)


def test_a_policy_giving_the_record_to_someone_who_may_not_see_a_fact_it_shows_is_refused(
    tmp_path: Path,
) -> None:
    path = edited(
        tmp_path,
        "own_organization: after_contract, winner: after_contract,\n"
        "              other_bidder: never, public: never}\n\n  recusal",
        "own_organization: never, winner: after_contract,\n"
        "              other_bidder: never, public: never}\n\n  recusal",
    )

    with pytest.raises(ConfigError) as refused:
        load_visibility(path)
    assert str(refused.value) == (
        "visibility.yaml: facts.evaluation_record.visible.own_organization: the evaluation "
        "record is one signed document and shows spread_flags, which own_organization may not "
        "see once the contract is signed; let it see them, or set "
        "evaluation_record.visible.own_organization to never"
    )
