"""The working-day calendar: Chinese holidays, make-up working days (调休), unknown years."""

from __future__ import annotations

from datetime import date

import pytest

from procure.domain.errors import InvalidInput
from procure.domain.language import use_language
from procure.domain.workdays import CalendarYear, OutsideCalendar, WorkingCalendar
from procure.services.deadlines.calendar import default_calendar

# 2019 (国办发明电〔2018〕15号): Spring Festival 4–10 February, worked Saturday 2 and
# Sunday 3 February; National Day 1–7 October, worked Sunday 29 September and
# Saturday 12 October.
NATIONAL_DAY_2019 = CalendarYear(
    2019,
    days_off=frozenset(date(2019, 10, day) for day in range(1, 8)),
    makeup_workdays=frozenset({date(2019, 9, 29), date(2019, 10, 12)}),
)


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return default_calendar()


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2019, 9, 27), True),  # Friday
        (date(2019, 9, 28), False),  # an ordinary Saturday
        (date(2019, 9, 29), True),  # Sunday worked before National Day
        (date(2019, 10, 1), False),  # National Day
        (date(2019, 10, 3), False),  # a Thursday in the holiday week
        (date(2019, 10, 8), True),  # the first working day after it
        (date(2019, 10, 12), True),  # Saturday worked after it
        (date(2019, 2, 2), True),  # Saturday worked before Spring Festival
        (date(2019, 2, 4), False),  # 除夕
        (date(2019, 2, 8), False),  # a Friday of the Spring Festival week
        (date(2019, 2, 11), True),  # back to work
        (date(2020, 1, 1), False),  # New Year's Day, a Wednesday
    ],
)
def test_a_day_is_a_working_day_as_the_announced_holidays_say(
    calendar: WorkingCalendar, day: date, working: bool
) -> None:
    assert calendar.is_working_day(day) is working


def test_the_day_after_the_event_is_the_first_working_day_counted(
    calendar: WorkingCalendar,
) -> None:
    assert calendar.add_working_days(date(2019, 9, 26), 1) == date(2019, 9, 27)
    assert calendar.add_working_days(date(2019, 9, 27), 1) == date(2019, 9, 29)
    assert calendar.add_working_days(date(2019, 9, 27), 0) == date(2019, 9, 27)


def test_seven_working_days_from_the_eve_of_national_day_skip_the_holiday_week(
    calendar: WorkingCalendar,
) -> None:
    # 8, 9, 10, 11, 12 (the worked Saturday), 14, 15 October
    assert calendar.add_working_days(date(2019, 9, 30), 7) == date(2019, 10, 15)
    assert calendar.working_days_between(date(2019, 9, 30), date(2019, 10, 15)) == 7


def test_the_spring_festival_week_is_skipped_and_its_weekend_worked(
    calendar: WorkingCalendar,
) -> None:
    assert calendar.add_working_days(date(2019, 2, 1), 2) == date(2019, 2, 3)
    assert calendar.add_working_days(date(2019, 2, 3), 1) == date(2019, 2, 11)


def test_counting_runs_across_the_year_boundary(calendar: WorkingCalendar) -> None:
    assert calendar.add_working_days(date(2019, 12, 31), 1) == date(2020, 1, 2)
    assert calendar.working_days_between(date(2019, 12, 30), date(2020, 1, 2)) == 2


def test_working_days_between_is_negative_backwards_and_zero_on_the_same_day(
    calendar: WorkingCalendar,
) -> None:
    assert calendar.working_days_between(date(2019, 10, 15), date(2019, 9, 30)) == -7
    assert calendar.working_days_between(date(2019, 10, 3), date(2019, 10, 3)) == 0
    assert calendar.working_days_between(date(2019, 10, 1), date(2019, 10, 7)) == 0


def test_a_period_ending_on_a_day_off_ends_on_the_next_working_day(
    calendar: WorkingCalendar,
) -> None:
    assert calendar.first_working_day_from(date(2019, 10, 1)) == date(2019, 10, 8)
    assert calendar.first_working_day_from(date(2019, 9, 29)) == date(2019, 9, 29)


def test_a_date_in_a_year_no_one_announced_yet_is_refused_without_a_provisional_source(
    calendar: WorkingCalendar,
) -> None:
    last = calendar.known_years[-1]
    announced_only = WorkingCalendar(calendar.years())
    with pytest.raises(OutsideCalendar, match=rf"尚不知道{last + 1}年的放假安排.*calendar add"):
        announced_only.is_working_day(date(last + 1, 3, 1))


def test_the_installed_calendar_counts_a_year_no_one_announced_yet_as_provisional(
    calendar: WorkingCalendar,
) -> None:
    last = calendar.known_years[-1]
    assert calendar.is_provisional(last + 1)
    assert not calendar.is_provisional(last)
    assert calendar.is_working_day(date(last + 1, 3, 1)) is (date(last + 1, 3, 1).weekday() < 5)


def test_counting_into_an_unknown_year_is_refused() -> None:
    only_2019 = WorkingCalendar([NATIONAL_DAY_2019])

    assert only_2019.add_working_days(date(2019, 12, 30), 1) == date(2019, 12, 31)
    with pytest.raises(OutsideCalendar, match="2020-01-01 无法按工作日计算"):
        only_2019.add_working_days(date(2019, 12, 31), 1)
    with use_language("en"), pytest.raises(OutsideCalendar, match="2020-01-01 cannot be counted"):
        only_2019.add_working_days(date(2019, 12, 31), 1)


def test_a_year_before_the_known_ones_is_refused_without_saying_yet() -> None:
    with pytest.raises(OutsideCalendar) as refused:
        WorkingCalendar([NATIONAL_DAY_2019]).is_working_day(date(2003, 5, 1))

    assert "工作日历不知道2003年的放假安排（已知：2019–2019）" in str(refused.value)
    with use_language("en"), pytest.raises(OutsideCalendar) as in_english:
        WorkingCalendar([NATIONAL_DAY_2019]).is_working_day(date(2003, 5, 1))
    assert "holidays of 2003 (it knows 2019–2019)" in str(in_english.value)


def test_the_library_knows_the_years_from_2004(calendar: WorkingCalendar) -> None:
    assert calendar.known_years[0] == 2004
    assert 2026 in calendar.known_years


def test_a_negative_number_of_working_days_is_refused() -> None:
    with pytest.raises(InvalidInput, match="cannot be negative"):
        WorkingCalendar([NATIONAL_DAY_2019]).add_working_days(date(2019, 10, 1), -1)


def test_a_make_up_working_day_must_be_a_weekend_day() -> None:
    with pytest.raises(InvalidInput, match="2019-10-08 is a weekday"):
        CalendarYear(2019, frozenset(), frozenset({date(2019, 10, 8)}))


def test_a_day_cannot_be_both_off_and_worked() -> None:
    with pytest.raises(InvalidInput, match="both as a day off and as a make-up"):
        CalendarYear(2019, frozenset({date(2019, 9, 29)}), frozenset({date(2019, 9, 29)}))


def test_a_day_listed_under_another_year_is_refused() -> None:
    with pytest.raises(InvalidInput, match="2020-01-01 is in 2020"):
        CalendarYear(2019, frozenset({date(2020, 1, 1)}), frozenset())


def test_a_year_given_twice_is_refused() -> None:
    with pytest.raises(InvalidInput, match="2019 is given twice"):
        WorkingCalendar([NATIONAL_DAY_2019, NATIONAL_DAY_2019])
