"""workflows/deadlines.yaml: what each deadline counts, and the file's validation."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from procure.domain.deadlines import DUE, EXPIRED, FIRE, OVERDUE, DeadlineRule, DeadlineStart
from procure.domain.errors import ConfigError
from procure.resources import resource_dir
from procure.services.deadlines.calendar import default_calendar
from procure.workflow.deadlines import load_deadlines, parse_deadlines
from procure.workflow.rules import load_rules

WORKFLOWS = resource_dir("workflows")


@pytest.fixture(scope="module")
def definition() -> Any:
    return load_rules().engine.definition


def rule(**changes: Any) -> DeadlineRule:
    values: dict[str, Any] = {
        "code": "sign_contract",
        "zh": "签订合同",
        "en": "Sign",
        "start": DeadlineStart("trigger", "award"),
        "days": 30,
        "working": False,
        "role": "officer",
        "states": ("awarded",),
    }
    return DeadlineRule(**{**values, **changes})


def test_thirty_calendar_days_from_the_award_end_thirty_days_later() -> None:
    assert rule().last_day(date(2019, 3, 1), default_calendar()) == date(2019, 3, 31)


def test_a_calendar_period_ending_in_the_national_day_week_ends_after_it() -> None:
    rolled = rule(ends_on_working_day=True)

    assert rolled.last_day(date(2019, 9, 1), default_calendar()) == date(2019, 10, 8)
    assert rule().last_day(date(2019, 9, 1), default_calendar()) == date(2019, 10, 1)


def test_working_days_skip_the_holiday_week_and_count_the_worked_saturday() -> None:
    seven = rule(days=7, working=True)

    assert seven.last_day(date(2019, 9, 30), default_calendar()) == date(2019, 10, 15)


def test_a_deadline_is_due_on_its_last_day_and_overdue_the_day_after() -> None:
    last = date(2019, 3, 31)

    assert rule().status(last, date(2019, 3, 31)) == DUE
    assert rule().status(last, date(2019, 4, 1)) == OVERDUE
    assert rule(on_pass="expires").status(last, date(2019, 4, 1)) == EXPIRED


def test_the_shipped_deadlines_load_with_the_defaults_of_the_issue(definition: Any) -> None:
    deadlines = load_deadlines(WORKFLOWS / "deadlines.yaml", definition)
    by_code = {rule.code: rule for rule in deadlines.rules}

    assert by_code["call_closes"].on_pass == FIRE and by_code["call_closes"].fire == "close_call"
    assert (by_code["sign_contract"].days, by_code["sign_contract"].working) == (30, False)
    assert by_code["comment_window"].days == 14 and by_code["comment_window"].role == "organization"
    assert all(rule.basis for rule in deadlines.rules)


def copy_workflows(tmp_path: Path) -> Path:
    folder = tmp_path / "workflows"
    for path in WORKFLOWS.rglob("*.yaml"):
        target = folder / path.relative_to(WORKFLOWS)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text(encoding="utf-8"), "utf-8")
    return folder


def test_the_comment_window_of_the_guards_is_the_deadline_s(tmp_path: Path) -> None:
    folder = copy_workflows(tmp_path)
    path = folder / "deadlines.yaml"
    path.write_text(path.read_text("utf-8").replace("calendar_days: 14", "calendar_days: 21"))

    assert load_rules(folder).comment_window_days == 21


GOOD = {
    "code": "sign_contract",
    "zh": "签订合同",
    "en": "Sign the contract",
    "from": {"trigger": "award"},
    "calendar_days": 30,
    "role": "officer",
    "while": ["awarded"],
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"from": {"enters": "signed"}}, r"\(sign_contract\)\.from: unknown state 'signed'"),
        ({"from": {"trigger": "sign"}}, r"\.from: unknown trigger 'sign'"),
        ({"from": {"leaves": "awarded"}}, r"\.from: unknown event 'leaves'"),
        ({"from": "tomorrow"}, r"\.from: must be \{enters: STATE\}"),
        ({"while": ["signed"]}, r"\.while: unknown state 'signed'"),
        ({"while": ["renewed"]}, r"\.while: renewed is terminal"),
        ({"while": None}, r"\.while: required unless"),
        ({"role": "clerk"}, r"\.role: unknown role 'clerk'"),
        ({"role": "auditor"}, r"\.role: role auditor is read-only"),
        ({"done_by": ["sign"]}, r"\.done_by: unknown trigger 'sign'"),
        ({"calendar_days": 0}, r"\.calendar_days: must be a whole number of days from 1"),
        ({"calendar_days": "30"}, r"\.calendar_days: must be a whole number"),
        ({"working_days": 5}, r"give either calendar_days or working_days"),
        ({"when_passed": "late"}, r"\.when_passed: must be overdue, expires or \{fire"),
        ({"when_passed": {"fire": "renew"}}, r"when_passed\.fire: renew cannot fire from awarded"),
        ({"when_passed": {"fire": "nothing"}}, r"when_passed\.fire: unknown trigger 'nothing'"),
        (
            {"role": "leader", "when_passed": {"fire": "sign_contract"}},
            r"sign_contract is not fired by leader",
        ),
        ({"zh": ""}, r"\.zh: required text"),
        ({"days": 30}, r"unknown key days"),
        ({"code": "Sign Contract"}, r"deadlines\[0\]\.code: must be a name"),
        ({"provisional": "wait"}, r"\.provisional: must be hold or run, got 'wait'"),
    ],
)
@pytest.mark.usefixtures("in_english")  # the refusal as the code writes it
def test_a_bad_deadline_is_refused_naming_file_and_key(
    definition: Any, change: dict[str, Any], message: str
) -> None:
    entry = {key: value for key, value in {**GOOD, **change}.items() if value is not None}

    with pytest.raises(ConfigError, match=rf"^deadlines\.yaml: .*{message}"):
        parse_deadlines({"deadlines": [entry]}, source="deadlines.yaml", definition=definition)


def test_a_deadline_declared_twice_is_refused(definition: Any) -> None:
    with pytest.raises(ConfigError, match=r"deadlines\[1\]\.code: sign_contract is declared twice"):
        parse_deadlines({"deadlines": [GOOD, GOOD]}, source="d.yaml", definition=definition)


@pytest.mark.usefixtures("in_english")  # the refusal as the code writes it
def test_a_misspelt_top_level_key_is_refused(definition: Any) -> None:
    with pytest.raises(ConfigError, match="unknown key deadline"):
        parse_deadlines({"deadline": [GOOD]}, source="d.yaml", definition=definition)


def test_a_bad_file_stops_the_rules_from_loading(tmp_path: Path) -> None:
    folder = copy_workflows(tmp_path)
    entry = {**GOOD, "role": "clerk"}
    (folder / "deadlines.yaml").write_text(yaml.safe_dump({"deadlines": [entry]}), "utf-8")

    with pytest.raises(ConfigError, match=r"deadlines\.yaml: deadlines\[0\] \(sign_contract\)"):
        load_rules(folder)


def test_an_organization_s_window_holds_while_provisional_unless_told_to_run(
    definition: Any,
) -> None:
    window = {**GOOD, "code": "w", "role": "organization", "when_passed": "expires"}
    rules = parse_deadlines(
        {
            "provisional_hold_working_days": 5,
            "deadlines": [GOOD, window, {**window, "code": "r", "provisional": "run"}],
        },
        source="d.yaml",
        definition=definition,
    )
    assert [(r.code, r.holds) for r in rules.rules] == [
        ("sign_contract", False),
        ("w", True),
        ("r", False),
    ]
    assert rules.hold_working_days == 5


def test_a_working_day_count_through_a_provisional_year_holds_open_until_the_bound() -> None:
    window = rule(days=7, working=True, holds=True)
    counted = window.window(date(2026, 12, 28), default_calendar(), 10)
    assert (counted.last_day, counted.provisional, counted.held_until) == (
        date(2027, 1, 7),
        (2027,),
        date(2027, 1, 21),
    )
    assert window.status(counted.last_day, date(2027, 1, 21), counted.held_until) == DUE
    assert rule(days=14).window(date(2026, 12, 28), default_calendar(), 10).provisional == ()
