"""workflows/contract_dates.yaml: the three service-period rules, the grace, bad files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from procure.domain.contract_dates import ContractDateRules, load_contract_date_rules
from procure.domain.errors import ConfigError
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

    assert rules == ContractDateRules(service_period="overlap", payment_grace_days=180)


def test_a_payment_on_the_last_day_of_grace_fits_and_the_next_day_does_not() -> None:
    rules = ContractDateRules(payment_grace_days=10)
    end = date(2019, 12, 31)

    assert rules.payment_problem(date(2020, 1, 10), signed_on=None, start=START, end=end) is None
    assert "10 days of grace" in str(
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

    with pytest.raises(ConfigError, match=says):
        load_contract_date_rules(path)


@pytest.mark.parametrize(
    ("signed_on", "paid_on", "says"),
    [
        (date(2019, 2, 25), date(2019, 2, 24), "before the contract was signed (2019-02-25)"),
        (None, date(2019, 2, 28), "before the service started (2019-03-01)"),
        (date(2026, 12, 1), date(2019, 2, 28), "before the service started (2019-03-01)"),
    ],
)
def test_a_payment_before_both_signing_and_start_is_refused(
    signed_on: date | None, paid_on: date, says: str
) -> None:
    problem = ContractDateRules().payment_problem(
        paid_on, signed_on=signed_on, start=START, end=date(2019, 12, 31)
    )

    assert problem is not None and says in problem


def test_a_payment_after_the_start_is_accepted_even_if_the_signing_was_recorded_later() -> None:
    rules = ContractDateRules()

    assert (
        rules.payment_problem(
            date(2019, 3, 15), signed_on=date(2026, 12, 1), start=START, end=date(2019, 12, 31)
        )
        is None
    )
