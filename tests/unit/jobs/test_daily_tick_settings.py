"""The daily tick's settings: off unless an account is named, from 06:00 Beijing time."""

from __future__ import annotations

from datetime import time

import pytest

from procure.domain.errors import InvalidInput
from procure.jobs.ticking import DailyTick, daily_tick_settings, describe


def test_without_an_account_the_worker_runs_no_daily_tick() -> None:
    assert daily_tick_settings({}) is None
    assert daily_tick_settings({"PROCURE_TICK_BY": "  "}) is None
    assert "off" in describe(None) and "cron" in describe(None)


def test_the_tick_runs_from_six_in_the_morning_unless_told_otherwise() -> None:
    assert daily_tick_settings({"PROCURE_TICK_BY": "Clock"}) == DailyTick("clock", time(6))
    custom = daily_tick_settings({"PROCURE_TICK_BY": "clock", "PROCURE_TICK_AT": "07:30"})
    assert custom == DailyTick("clock", time(7, 30))
    assert describe(custom) == "daily tick: as clock, from 07:30 Beijing time"


@pytest.mark.parametrize("value", ["7 am", "25:00", "7.30", "-1"])
def test_a_malformed_time_of_day_is_refused_with_the_setting_named(value: str) -> None:
    with pytest.raises(InvalidInput, match="PROCURE_TICK_AT must be a time of day"):
        daily_tick_settings({"PROCURE_TICK_BY": "clock", "PROCURE_TICK_AT": value})


def test_a_malformed_account_name_is_refused() -> None:
    with pytest.raises(InvalidInput):
        daily_tick_settings({"PROCURE_TICK_BY": "clock\u202e"})
