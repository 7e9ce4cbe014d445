"""When the real clock reaches a year whose holidays the working-day calendar does not know
(chinesecalendar knows up to the year after its release; workflows/calendar.yaml adds the
rest), an award is refused in one line that says how to add the year, and `procure due` and
`procure tick` still answer, naming the year in each deadline they cannot count."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from procure.services.deadlines.calendar import default_calendar
from procure.services.loading.replay import BEIJING
from tests.e2e.cli import (
    CODE,
    OFFICER,
    QIHANG,
    fixture,
    in_service_history,
    ok,
    procure,
    project_entry,
    sets,
    sqlite_url,
)

UNKNOWN = max(default_calendar().known_years) + 1
LATE_DECEMBER = datetime(UNKNOWN - 1, 12, 28, 10, 0, tzinfo=BEIJING)
"""A Monday late in the last known year: 7 working days from it reach the unknown year."""
IN_UNKNOWN_YEAR = datetime(UNKNOWN, 3, 1, 10, 0, tzinfo=BEIJING)
AWARDED_ON = f"{UNKNOWN - 1}-12-18"  # signing is due 30 days later, in the unknown year


def _database(tmp_path: Path, stop_after: str, dates: str = "") -> str:
    history = in_service_history()
    if dates:
        history = history.replace("    proposals:", f"    dates: {dates}\n    proposals:", 1)
    file = tmp_path / "project.yaml"
    file.write_text(
        fixture(project_entry(CODE, stop_after=stop_after, history=history)), encoding="utf-8"
    )
    url = sqlite_url(tmp_path / "procure.db")
    ok("init", db=url)
    ok("load", str(file), db=url)
    return url


def test_an_award_late_in_the_last_known_year_is_refused_with_how_to_add_the_next(
    tmp_path: Path,
) -> None:
    url = _database(tmp_path, stop_after="record_review")
    refused = procure(
        "advance", CODE, "award", "--as", "officer", "--by", OFFICER,
        *sets(organization=QIHANG), db=url, at=LATE_DECEMBER,
    )  # fmt: skip
    assert refused.code == 1, str(refused)
    assert len(refused.stderr.splitlines()) == 1, str(refused)
    line = refused.stderr
    assert line.startswith("error: award refused:"), line
    assert f"does not know the holidays of {UNKNOWN} yet" in line
    assert "workflows/calendar.yaml" in line
    assert f"国务院办公厅关于{UNKNOWN}年部分节假日安排的通知" in line
    assert ok("show", CODE, "--json", db=url).json()["state"] == "reviewing"


@pytest.fixture
def awarded_in_december(tmp_path: Path) -> str:
    """CODE awarded on AWARDED_ON: signing is due in the year the calendar does not know."""
    return _database(tmp_path, stop_after="award", dates=f"{{award: {AWARDED_ON}}}")


def test_due_names_the_unknown_year_instead_of_failing(awarded_in_december: str) -> None:
    shown = ok("due", "--json", db=awarded_in_december, at=IN_UNKNOWN_YEAR).json()
    signing = [item for item in shown if item["deadline"] == "sign_contract"]
    assert len(signing) == 1, shown
    assert f"does not know the holidays of {UNKNOWN}" in signing[0]["problem"]
    table = ok("due", db=awarded_in_december, at=IN_UNKNOWN_YEAR)
    assert f"holidays of {UNKNOWN}" in table.stdout


def test_tick_reports_the_unknown_year_and_goes_on(awarded_in_december: str) -> None:
    ticked = ok("tick", "--by", OFFICER, "--no-send", db=awarded_in_december, at=IN_UNKNOWN_YEAR)
    assert f"期限检查 tick {UNKNOWN}-03-01" in ticked.stdout
    assert f"日历 calendar: {CODE} sign_contract:" in ticked.stdout
    assert f"holidays of {UNKNOWN}" in ticked.stdout
