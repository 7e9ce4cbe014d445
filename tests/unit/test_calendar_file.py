"""workflows/calendar.yaml: years the library does not know yet, corrections, bad files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from procure.domain.errors import ConfigError
from procure.resources import resource_dir
from procure.services.deadlines.calendar import build_calendar, library_years, load_calendar_years

YEAR_2030 = """\
version: 1
years:
  2030:
    days_off:
      - 2030-01-01
      - {from: 2030-10-01, to: 2030-10-07}
    makeup_workdays: [2030-09-29, 2030-10-12]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "calendar.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_file_loads_and_keeps_every_library_year() -> None:
    calendar = build_calendar(resource_dir("workflows") / "calendar.yaml")

    assert calendar.known_years == tuple(sorted(library_years()))


def test_a_year_in_the_file_extends_the_calendar(tmp_path: Path) -> None:
    calendar = build_calendar(write(tmp_path, YEAR_2030))

    assert 2030 in calendar.known_years
    assert not calendar.is_working_day(date(2030, 10, 4))  # a Friday of the holiday week
    assert calendar.is_working_day(date(2030, 10, 12))  # a worked Saturday
    assert calendar.add_working_days(date(2030, 9, 30), 1) == date(2030, 10, 8)


def test_a_year_in_the_file_replaces_the_library_year(tmp_path: Path) -> None:
    # Say 2019 had no National Day week at all: the file wins over the library.
    calendar = build_calendar(write(tmp_path, "years:\n  2019:\n    days_off: []\n"))

    assert calendar.is_working_day(date(2019, 10, 3))
    assert not calendar.is_working_day(date(2019, 9, 29))


def test_a_missing_file_gives_no_years(tmp_path: Path) -> None:
    assert load_calendar_years(tmp_path / "absent.yaml") == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("years:\n  2030:\n    days_of: [2030-01-01]\n", r"years\.2030: unknown key days_of"),
        (
            "years:\n  2030:\n    days_off: [2031-01-01]\n",
            r"days_off\[0\]: 2031-01-01 is not in 2030",
        ),
        ("years:\n  2030:\n    days_off: [soon]\n", r"days_off\[0\]: must be a date"),
        (
            "years:\n  2030:\n    days_off: [{from: 2030-10-07, to: 2030-10-01}]\n",
            r"days_off\[0\]: ends on 2030-10-01, before 2030-10-07",
        ),
        ("years:\n  next:\n    days_off: []\n", r"years\.next: 'next' is not a year"),
        ("years: [2030]\n", r"years: must be a mapping"),
        ("year: {}\n", r"unknown key year"),
        (
            "years:\n  2030:\n    makeup_workdays: [2030-10-08]\n",
            r"years\.2030: .*2030-10-08 is a weekday",
        ),
    ],
)
@pytest.mark.usefixtures("in_english")  # the refusal as the code writes it
def test_a_bad_calendar_file_is_refused_naming_file_and_key(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, text)

    with pytest.raises(ConfigError, match=message) as refused:
        load_calendar_years(path)

    assert str(path) in str(refused.value)
