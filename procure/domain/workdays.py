"""Working days on the Chinese calendar: public holidays and their make-up working days (调休).

A :class:`WorkingCalendar` knows whole years only. For each known year it holds the days off
that the State Council announced (法定节假日 and the bridging days around them, weekends
inside a holiday period included or not) and the make-up working days (调休上班), which are
weekend days worked in exchange. Any other Monday to Friday is a working day; any other
Saturday or Sunday is not.

A date in a year the calendar does not know is refused with :class:`OutsideCalendar`
rather than guessed: the holidays of a year are only known once they are announced. A
calendar may be given a *provisional* source (issue 18): for a year after the last one it
knows, it then builds the year from the law that fixes the holidays themselves
(:mod:`procure.domain.holiday_law`) and marks it provisional (暂定), so that what is
counted through it can say so, and be counted again once the year's notice is entered.

Counting rules (the same as the Civil Code's, 民法典 第二百零一条: a period counted in days
starts on the day after the event):

* ``add_working_days(start, n)`` is the n-th working day *after* ``start``: the day after
  ``start`` is day 1 if it is a working day. ``n = 0`` gives ``start`` itself.
* ``working_days_between(a, b)`` counts the working days ``d`` with ``a < d <= b``, so
  ``add_working_days(a, working_days_between(a, b)) == b`` for a working day ``b >= a``;
  it is negative when ``b`` is before ``a``.
* ``first_working_day_from(d)`` is ``d`` if it is a working day, else the next one: a period
  whose last day is a day off ends on the next working day (民法典 第二百零三条).

This module is pure: no files, no database. ``procure/services/deadlines/calendar.py`` builds the
calendar from the ``chinesecalendar`` library and ``workflows/calendar.yaml``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from procure.domain.errors import InvalidInput
from procure.domain.language import _, pgettext

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5


class OutsideCalendar(InvalidInput):
    """A date lies in a year whose holidays the working calendar does not know."""

    def __init__(self, message: str, year: int | None = None) -> None:
        super().__init__(message)
        self.year = year


@dataclass(frozen=True)
class CalendarYear:
    """The announced days off and make-up working days of one year.

    Attributes:
        year: the year, e.g. 2019.
        days_off: days off that are not ordinary weekends (weekends inside a holiday
            period may be listed too; listing them changes nothing).
        makeup_workdays: Saturdays or Sundays that are working days (调休上班).
        provisional: built from the law, not from the State Council's notice (暂定).
    """

    year: int
    days_off: frozenset[date]
    makeup_workdays: frozenset[date]
    provisional: bool = False

    def __post_init__(self) -> None:
        for day in self.days_off | self.makeup_workdays:
            if day.year != self.year:
                raise InvalidInput(f"calendar year {self.year}: {day.isoformat()} is in {day.year}")
        both = sorted(self.days_off & self.makeup_workdays)
        if both:
            raise InvalidInput(
                f"calendar year {self.year}: {both[0].isoformat()} is listed both as a day off "
                "and as a make-up working day"
            )
        weekdays = sorted(d for d in self.makeup_workdays if d.weekday() < _SATURDAY)
        if weekdays:
            raise InvalidInput(
                f"calendar year {self.year}: make-up working day {weekdays[0].isoformat()} is a "
                "weekday (Monday to Friday), already a working day; list only weekend days"
            )


ProvisionalSource = Callable[[int], "CalendarYear | None"]
"""Builds a year the calendar does not know from the law, or ``None`` if it cannot."""


class WorkingCalendar:
    """Which days are working days, for the years it knows.

    Args:
        years: one :class:`CalendarYear` per known year; a year given twice is refused.
        provisional: builds a year after the last known one, marked provisional (暂定);
            without it such a year is refused as unknown.
    """

    def __init__(
        self, years: Iterable[CalendarYear], provisional: ProvisionalSource | None = None
    ) -> None:
        self._years: dict[int, CalendarYear] = {}
        for entry in years:
            if entry.year in self._years:
                raise InvalidInput(f"calendar year {entry.year} is given twice")
            self._years[entry.year] = entry
        self._source = provisional
        self._built: dict[int, CalendarYear | None] = {}

    @property
    def known_years(self) -> tuple[int, ...]:
        """The years this calendar knows from an announcement (official), in order."""
        return tuple(sorted(self._years))

    @property
    def source(self) -> ProvisionalSource | None:
        """What builds the provisional years (to build a calendar with more years)."""
        return self._source

    def years(self) -> tuple[CalendarYear, ...]:
        """The official years, in order."""
        return tuple(self._years[year] for year in self.known_years)

    def knows(self, day: date) -> bool:
        """Whether ``day`` lies in a year this calendar knows officially."""
        return day.year in self._years

    def year_entry(self, year: int) -> CalendarYear | None:
        """The year as counted: official, provisional, or ``None`` if unknown."""
        entry = self._years.get(year)
        if entry is not None:
            return entry
        if self._source is None:
            return None
        if year not in self._built:
            self._built[year] = self._source(year)
        return self._built[year]

    def is_provisional(self, year: int) -> bool:
        """Whether ``year`` is counted on a provisional (暂定) calendar."""
        entry = self.year_entry(year)
        return entry is not None and entry.provisional

    def provisional_years(self, first: date, last: date) -> tuple[int, ...]:
        """The provisional years among those of the days from ``first`` to ``last``."""
        return tuple(y for y in range(first.year, last.year + 1) if self.is_provisional(y))

    def _year(self, day: date) -> CalendarYear:
        entry = self.year_entry(day.year)
        if entry is None:
            raise OutsideCalendar(self._outside_message(day), day.year)
        return entry

    def _outside_message(self, day: date) -> str:
        known = self.known_years
        values = {
            "year": day.year,
            "day": day.isoformat(),
            "span": f"{known[0]}–{known[-1]}" if known else pgettext("calendar years", "none"),
        }
        if not known or day.year > known[-1]:
            return _(
                "The working-day calendar does not know the holidays of %(year)s yet (it knows "
                "%(span)s); %(day)s cannot be counted in working days: enter the holidays and "
                "make-up working days of %(year)s with `procure calendar add %(year)s FILE` (or "
                "in workflows/calendar.yaml), as the State Council's notice announces them",
                **values,
            )
        return _(
            "The working-day calendar does not know the holidays of %(year)s (it knows "
            "%(span)s); %(day)s cannot be counted in working days: enter the holidays and "
            "make-up working days of %(year)s with `procure calendar add %(year)s FILE` (or in "
            "workflows/calendar.yaml), as the State Council's notice announces them",
            **values,
        )

    def is_working_day(self, day: date) -> bool:
        """Whether people work on ``day``.

        Raises:
            OutsideCalendar: if ``day`` is in a year the calendar does not know.
        """
        entry = self._year(day)
        if day in entry.makeup_workdays:
            return True
        if day in entry.days_off:
            return False
        return day.weekday() < _SATURDAY

    def add_working_days(self, start: date, n: int) -> date:
        """Return the ``n``-th working day after ``start`` (the day after ``start`` is day 1).

        Args:
            start: the day of the event the period runs from (it never counts itself).
            n: how many working days, zero or more; 0 gives ``start``.

        Returns:
            The last day of the period.

        Raises:
            InvalidInput: if ``n`` is negative.
            OutsideCalendar: if a day to count lies in a year the calendar does not know.
        """
        if n < 0:
            raise InvalidInput(f"a number of working days cannot be negative, got {n}")
        day, counted = start, 0
        while counted < n:
            day += _ONE_DAY
            if self.is_working_day(day):
                counted += 1
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """Count the working days after ``a`` up to and including ``b``.

        Returns:
            The number of working days ``d`` with ``a < d <= b``; the negative of the count
            the other way when ``b`` is before ``a``; 0 when they are the same day.

        Raises:
            OutsideCalendar: if a day to count lies in a year the calendar does not know.
        """
        if b < a:
            return -self.working_days_between(b, a)
        count, day = 0, a
        while day < b:
            day += _ONE_DAY
            if self.is_working_day(day):
                count += 1
        return count

    def first_working_day_from(self, day: date) -> date:
        """Return ``day`` if it is a working day, else the next working day after it.

        Raises:
            OutsideCalendar: if a day to look at lies in a year the calendar does not know.
        """
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day
