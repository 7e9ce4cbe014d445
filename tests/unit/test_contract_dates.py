"""workflows/contract_dates.yaml: the three service-period rules, the grace, bad files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from procure.domain.contract_dates import DATE_RULES, ContractDateRules, load_contract_date_rules
from procure.domain.errors import ConfigError
from procure.domain.language import use_language
from procure.resources import resource_dir

ACROSS = (date(2019, 7, 1), date(2020, 6, 30))
BEFORE = (date(2018, 3, 1), date(2019, 2, 28))
INSIDE = (date(2019, 3, 1), date(2019, 12, 31))
START = date(2019, 3, 1)


@pytest.mark.parametrize(
    ("rule", "period", "fits"),
    [
        ("overlap", ACROSS, True),
        ("overlap", BEFORE, True),
        ("overlap", (date(2018, 1, 1), date(2018, 12, 31)), False),
        ("within", ACROSS, False),
        ("within", INSIDE, True),
        ("starts_in", ACROSS, True),
        ("starts_in", BEFORE, False),
    ],
)
def test_a_service_period_fits_its_funding_year_as_the_rule_says(
    rule: str, period: tuple[date, date], fits: bool
) -> None:
    problem = ContractDateRules(service_period=rule).period_problem(*period, 2019)

    assert (problem is None) == fits, problem


def test_the_shipped_rules_are_overlap_and_a_grace_of_180_days() -> None:
    rules = load_contract_date_rules(resource_dir("workflows") / "contract_dates.yaml")

    assert (rules.service_period, rules.payment_grace_days) == ("overlap", 180)


def test_a_payment_on_the_last_day_of_grace_fits_and_the_next_day_does_not() -> None:
    rules = ContractDateRules(payment_grace_days=10)
    end = date(2019, 12, 31)

    assert rules.payment_problem(date(2020, 1, 10), signed_on=None, start=START, end=end) is None
    assert "晚于服务期结束（2019-12-31）后 10 天" in str(
        rules.payment_problem(date(2020, 1, 11), signed_on=None, start=START, end=end)
    )
    with use_language("en"):
        assert "more than 10 days after the service period ended (2019-12-31)" in str(
            rules.payment_problem(date(2020, 1, 11), signed_on=None, start=START, end=end)
        )


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("service_period: sometimes\n", "'sometimes' is not one of overlap, within, starts_in"),
        ("payment_grace_days: -1\n", "must not be negative"),
        ("payment_grace_days: lots\n", "must be a whole number"),
        ("grace: 3\n", "unknown key grace"),
    ],
)
def test_a_bad_rules_file_is_refused_naming_the_key(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "contract_dates.yaml"
    path.write_text("version: 1\n" + text, encoding="utf-8")

    with use_language("en"), pytest.raises(ConfigError, match=says):
        load_contract_date_rules(path)


@pytest.mark.parametrize(
    ("signed_on", "paid_on", "says"),
    [
        (date(2019, 2, 25), date(2019, 2, 24), "早于签订日期 2019-02-25"),
        (None, date(2019, 2, 28), "早于服务开始日期 2019-03-01"),
        (date(2019, 3, 10), date(2019, 3, 5), "拨付日期 2019-03-05 早于签订日期 2019-03-10"),
    ],
)
def test_a_payment_before_the_signing_is_refused_naming_the_rule(
    signed_on: date | None, paid_on: date, says: str
) -> None:
    problem = ContractDateRules().payment_problem(
        paid_on, signed_on=signed_on, start=START, end=date(2019, 12, 31)
    )

    assert problem is not None and says in problem
    assert "拨付不早于签订" in problem


def test_with_the_payment_rule_off_a_payment_after_the_start_but_before_signing_fits() -> None:
    rules = ContractDateRules(turned_off=frozenset({"payment_not_before_signing"}))

    assert (
        rules.payment_problem(
            date(2019, 3, 15), signed_on=date(2026, 12, 1), start=START, end=date(2019, 12, 31)
        )
        is None
    )


def test_the_shipped_file_turns_every_date_rule_on() -> None:
    rules = load_contract_date_rules(resource_dir("workflows") / "contract_dates.yaml")

    assert all(rules.applies(name) for name in DATE_RULES)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("date_rules: {signing_soon: false}\n", "unknown rule signing_soon"),
        ("date_rules: {signing_not_in_future: maybe}\n", "must be true or false"),
        ("date_rules: [signing_not_in_future]\n", "must be a mapping"),
    ],
)
def test_a_bad_date_rule_switch_is_refused_naming_it(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "contract_dates.yaml"
    path.write_text("version: 1\n" + text, encoding="utf-8")

    with use_language("en"), pytest.raises(ConfigError, match=says):
        load_contract_date_rules(path)


def test_a_rule_turned_off_in_the_file_no_longer_refuses(tmp_path: Path) -> None:
    path = tmp_path / "contract_dates.yaml"
    path.write_text("version: 1\ndate_rules: {signing_not_before_award: false}\n", "utf-8")
    rules = load_contract_date_rules(path)
    signed = date(2020, 2, 25)

    assert (
        rules.signing_problem(
            signed,
            today=date(2026, 10, 12),
            awarded_on=date(2026, 10, 12),
            objections_close_on=None,
            start=date(2020, 3, 1),
        )
        is None
    )
    assert "签订不早于中选" in str(
        ContractDateRules().signing_problem(
            signed,
            today=date(2026, 10, 12),
            awarded_on=date(2026, 10, 12),
            objections_close_on=None,
            start=date(2020, 3, 1),
        )
    )


def test_an_assessment_on_the_day_the_service_starts_is_too_early() -> None:
    rules = ContractDateRules()

    assert "考核在服务开始之后" in str(rules.assessment_problem(START, start=START))
    assert rules.assessment_problem(date(2019, 3, 2), start=START) is None


def test_a_date_rule_is_named_by_its_label_in_english_too() -> None:
    with use_language("en"):
        problem = ContractDateRules().payment_problem(
            date(2019, 2, 24), signed_on=date(2019, 2, 25), start=START, end=date(2019, 12, 31)
        )

    assert problem == (
        "Rule “no payment before the signing”: the payment date 2019-02-24 is before the "
        "signing date 2019-02-25"
    )


def test_a_bad_rules_file_is_refused_in_chinese_by_default(tmp_path: Path) -> None:
    path = tmp_path / "contract_dates.yaml"
    path.write_text("version: 1\nservice_period: sometimes\n", encoding="utf-8")

    with pytest.raises(ConfigError) as refused:
        load_contract_date_rules(path)

    assert str(refused.value) == (
        f"{path}：service_period：'sometimes' 不是 overlap, within, starts_in 之一"
    )
