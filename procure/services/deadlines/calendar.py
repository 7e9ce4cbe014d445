"""Build the working-day calendar from the ``chinesecalendar`` library and ``calendar.yaml``.

The library (``chinese_calendar``) carries the State Council's announced holidays and
make-up working days for the years it knows (2004 up to the year after its release). The
repository's ``workflows/calendar.yaml`` adds the years it does not know yet, as soon as they
are announced, without waiting for a new release: a year listed in the file replaces what
the library says about that year entirely, so a correction is one edit in one place.

A year after the last one known is counted on a provisional (暂定) year built from the law
(:mod:`procure.services.deadlines.calendar_law`) until its notice is entered, in the database with
``procure calendar add`` (:mod:`procure.services.deadlines.calendar_entry`) or in the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from chinese_calendar import constants as _library

from procure.domain.config import check_keys, load_yaml_mapping
from procure.domain.errors import ConfigError, InvalidInput
from procure.domain.text import quoted
from procure.domain.workdays import CalendarYear, WorkingCalendar
from procure.resources import resource_dir
from procure.services.deadlines.calendar_law import provisional_calendar_year

CALENDAR_FILE = "calendar.yaml"
_YEAR_KEYS = ("days_off", "makeup_workdays")
_RANGE_KEYS = ("from", "to")


def library_years() -> dict[int, CalendarYear]:
    """Return the years the ``chinesecalendar`` library knows, one entry per year."""
    days_off: dict[int, set[date]] = {}
    makeup: dict[int, set[date]] = {}
    for day in _library.holidays:
        days_off.setdefault(day.year, set()).add(day)
    for day in _library.workdays:
        makeup.setdefault(day.year, set()).add(day)
    first, last = min(days_off), max(days_off)
    return {
        year: CalendarYear(year, frozenset(days_off.get(year, ())), frozenset(makeup.get(year, ())))
        for year in range(first, last + 1)
    }


def _day(value: object, year: int, where: str) -> date:
    if not isinstance(value, date):
        raise ConfigError(f"{where}: must be a date such as {year}-01-01, got {quoted(value)}")
    if value.year != year:
        raise ConfigError(f"{where}: {value.isoformat()} is not in {year}")
    return value


def _days(value: object, year: int, where: str) -> frozenset[date]:
    """Read a list of dates and ``{from: D1, to: D2}`` ranges (both ends included)."""
    if value is None:
        return frozenset()
    if not isinstance(value, list):
        raise ConfigError(f"{where}: must be a list of dates or {{from, to}} ranges")
    days: set[date] = set()
    for index, item in enumerate(value):
        at = f"{where}[{index}]"
        if not isinstance(item, dict):
            days.add(_day(item, year, at))
            continue
        check_keys(item, _RANGE_KEYS, at)
        first = _day(item.get("from"), year, f"{at}.from")
        last = _day(item.get("to"), year, f"{at}.to")
        if last < first:
            raise ConfigError(f"{at}: ends on {last.isoformat()}, before {first.isoformat()}")
        days.update(first + timedelta(days=n) for n in range((last - first).days + 1))
    return frozenset(days)


def _year_number(key: object, where: str) -> int:
    text = str(key).strip()
    if isinstance(key, bool) or not text.isascii() or not text.isdigit() or len(text) != 4:
        raise ConfigError(f"{where}: {quoted(key)} is not a year such as 2027")
    if not 1949 < int(text) < 2200:
        raise ConfigError(f"{where}: {quoted(key)} is not a year such as 2027")
    return int(text)


def load_calendar_years(path: Path) -> dict[int, CalendarYear]:
    """Read ``calendar.yaml``; a missing file gives no years.

    Raises:
        ConfigError: naming the file and key of the first problem found.
    """
    if not path.exists():
        return {}
    data = load_yaml_mapping(path)
    check_keys(data, ("version", "years"), str(path))
    entries = data.get("years") or {}
    if not isinstance(entries, Mapping):
        raise ConfigError(f"{path}: years: must be a mapping of year to its days")
    years: dict[int, CalendarYear] = {}
    for key, body in entries.items():
        where = f"{path}: years.{key}"
        year = _year_number(key, where)
        if year in years:
            raise ConfigError(f"{where}: year {year} is given twice")
        if not isinstance(body, Mapping):
            raise ConfigError(f"{where}: must be a mapping with days_off and makeup_workdays")
        check_keys(body, _YEAR_KEYS, where)
        off = _days(body.get("days_off"), year, f"{where}.days_off")
        makeup = _days(body.get("makeup_workdays"), year, f"{where}.makeup_workdays")
        try:
            years[year] = CalendarYear(year, off, makeup)
        except InvalidInput as exc:
            raise ConfigError(f"{where}: {exc}") from exc
    return years


def build_calendar(path: Path) -> WorkingCalendar:
    """Return the library's years with those of ``path`` added or replacing them; a later
    year is provisional, built from the law."""
    years = library_years()
    years.update(load_calendar_years(path))
    return WorkingCalendar(years.values(), provisional=provisional_calendar_year)


def working_calendar(workflows: Path | None = None) -> WorkingCalendar:
    """Return the working calendar of a ``workflows`` folder (the installed one by default).

    Raises:
        ConfigError: if ``calendar.yaml`` is invalid.
    """
    if workflows is None:
        return default_calendar()
    return build_calendar(workflows / CALENDAR_FILE)


@lru_cache(maxsize=1)
def default_calendar() -> WorkingCalendar:
    """The calendar of the installed ``workflows/`` folder, built once per process."""
    return build_calendar(resource_dir("workflows") / CALENDAR_FILE)
