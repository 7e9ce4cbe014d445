"""Rules for the renewal policy (优胜劣汰): grade or veto -> renew, rectify or drop."""

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from procure.domain.errors import ConfigError, InvalidInput
from procure.domain.renewal import Decision, RenewalPolicy, load_renewal_policy
from procure.domain.scorecard import GradeBand, Scorecard, load_scorecard

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
RENEWAL = WORKFLOWS / "renewal.yaml"
ASSESSMENT = WORKFLOWS / "scorecards" / "assessment.yaml"
Writer = Callable[[Any], Path]


@pytest.fixture
def policy() -> RenewalPolicy:
    return load_renewal_policy(RENEWAL)


@pytest.fixture
def assessment() -> Scorecard:
    return load_scorecard(ASSESSMENT)


@pytest.fixture
def write(tmp_path: Path) -> Writer:
    def _write(data: Any) -> Path:
        path = tmp_path / "renewal.yaml"
        text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write


def base() -> dict[str, Any]:
    return yaml.safe_load(RENEWAL.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_shipped_policy_covers_every_assessment_grade(
    policy: RenewalPolicy, assessment: Scorecard
) -> None:
    policy.check_covers((g.code for g in assessment.grades), str(ASSESSMENT))
    assert policy.version == 1
    assert dict(policy.actions) == {
        "excellent": "renew",
        "good": "renew",
        "pass": "rectify",
        "fail": "drop",
    }


@pytest.mark.parametrize(
    ("total", "action", "reason"),
    [
        ("95", "renew", "graded 优秀 (95.00): policy renews"),
        ("84.5", "renew", "graded 良好 (84.50): policy renews"),
        ("79.995", "renew", "graded 良好 (80.00): policy renews"),
        ("60", "rectify", "graded 合格 (60.00): policy requires rectification"),
        ("59.99", "drop", "graded 不合格 (59.99): policy drops"),
    ],
)
def test_grade_decides_the_action(
    policy: RenewalPolicy, assessment: Scorecard, total: str, action: str, reason: str
) -> None:
    score = Decimal(total)
    assert policy.decide(assessment.grade(score), score, []) == Decision(action, reason)


def test_a_veto_item_drops_whatever_the_score(policy: RenewalPolicy, assessment: Scorecard) -> None:
    decision = policy.decide(assessment.grade(Decimal(98)), Decimal(98), ["misuse_of_funds"])
    assert decision == Decision(
        "drop", "veto item 挪用资金 (misuse_of_funds) applies: policy drops whatever the score"
    )


def test_several_veto_items_are_all_named(policy: RenewalPolicy, assessment: Scorecard) -> None:
    decision = policy.decide(
        assessment.grade(Decimal(70)), Decimal(70), ["fraud", "falsified_data", "fraud"]
    )
    assert decision.action == "drop"
    assert decision.reason.startswith(
        "veto items 骗取资金 (fraud), 数据造假 (falsified_data) apply"
    )


def test_an_unknown_veto_item_is_refused(policy: RenewalPolicy, assessment: Scorecard) -> None:
    with pytest.raises(InvalidInput, match="unknown veto item lateness; the renewal policy knows"):
        policy.decide(assessment.grade(Decimal(70)), Decimal(70), ["lateness"])


def test_a_grade_without_an_action_is_a_config_error(policy: RenewalPolicy) -> None:
    band = GradeBand("outstanding", "卓越", "Outstanding", Decimal(95))
    with pytest.raises(ConfigError, match=r"actions: no action for grade outstanding \(卓越\)"):
        policy.decide(band, Decimal(97), [])


def test_rectification_accepted_renews_and_rejected_drops(policy: RenewalPolicy) -> None:
    assert policy.after_rectification(True) == Decision(
        "renew", "rectification accepted: policy renews"
    )
    assert policy.after_rectification(False) == Decision(
        "drop", "rectification rejected: policy drops"
    )


def test_only_a_drop_bars_the_organization(policy: RenewalPolicy) -> None:
    assert policy.bars("drop")
    assert not policy.bars("renew")
    assert not policy.bars("rectify")


def test_no_bar_when_the_policy_says_so(write: Writer) -> None:
    data = base()
    data["bar_on_drop"] = False
    assert not load_renewal_policy(write(data)).bars("drop")


def test_bars_refuses_an_unknown_action(policy: RenewalPolicy) -> None:
    with pytest.raises(InvalidInput, match="action 'suspend' is not one of renew, rectify, drop"):
        policy.bars("suspend")


def test_a_policy_missing_a_grade_of_the_scorecard_is_refused_naming_it(
    write: Writer, assessment: Scorecard
) -> None:
    data = base()
    del data["actions"]["pass"]
    path = write(data)
    policy = load_renewal_policy(path)
    with pytest.raises(ConfigError, match=f"^{path}: actions: no action for grade pass of"):
        policy.check_covers((g.code for g in assessment.grades), "assessment.yaml")


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("version", 0, "version: must be a whole number of 1 or more, got 0"),
        ("version", ..., "version: must be a whole number"),
        ("actions", ..., "actions: must be a non-empty mapping, got None"),
        ("actions", {}, "actions: must be a non-empty mapping"),
        ("actions", {"good": "promote"}, "actions.good: 'promote' is not an allowed action"),
        ("veto", "renew", "veto: 'renew' is not an allowed action; use rectify, drop"),
        ("veto", ..., "veto: None is not an allowed action"),
        ("veto_items", ..., "veto_items: must be a non-empty mapping"),
        ("veto_items", {"fraud": "骗取资金"}, "veto_items.fraud: must be a mapping"),
        (
            "veto_items",
            {"fraud": {"label_zh": "骗取资金"}},
            "veto_items.fraud.label_en: required text is missing",
        ),
        ("bar_on_drop", "yes please", "bar_on_drop: must be true or false"),
        ("bar_on_drop", ..., "bar_on_drop: must be true or false, got None"),
        ("rectification", ..., "rectification: must be a non-empty mapping"),
        (
            "rectification",
            {"accepted": "renew"},
            "rectification.rejected: None is not an allowed action",
        ),
        (
            "rectification",
            {"accepted": "rectify", "rejected": "drop"},
            "rectification.accepted: 'rectify' is not an allowed action; use renew, drop",
        ),
        ("colour", "red", "unknown key colour"),
    ],
)
@pytest.mark.usefixtures("in_english")  # the refusal as the code writes it
def test_invalid_policies_are_refused_naming_file_and_key(
    write: Writer, key: str, value: Any, message: str
) -> None:
    data = base()
    if value is ...:
        del data[key]
    else:
        data[key] = value
    path = write(data)
    with pytest.raises(ConfigError, match=f"^{path}: {message}"):
        load_renewal_policy(path)


@pytest.mark.usefixtures("in_english")  # the refusal as the code writes it
def test_a_policy_file_that_is_not_a_mapping_is_refused(write: Writer) -> None:
    path = write("- renew\n")
    with pytest.raises(ConfigError, match="the top level must be a mapping"):
        load_renewal_policy(path)
