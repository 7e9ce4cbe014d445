"""The year-end at the terminal (issue 18): with no holiday notice for the next year an award
late in December goes through and its objection window is 暂定; `procure calendar add` with
a good file turns the year official and lists the deadlines it moved, a malformed file
changes nothing; `procure calendar show` prints a year; a year past what the law is counted
for is still named by `procure due` and `procure tick`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from procure.services.deadlines.calendar import default_calendar
from procure.services.loading.replay import BEIJING
from tests.e2e.cli import (
    ADMIN,
    CHINESE,
    CODE,
    OFFICER,
    QIHANG,
    dump,
    fixture,
    in_service_history,
    ok,
    procure,
    project_entry,
    sets,
    sqlite_url,
)

NEXT = max(default_calendar().known_years) + 1  # 2027: no notice in the library or the file
LATE_DECEMBER = datetime(NEXT - 1, 12, 28, 10, 0, tzinfo=BEIJING)
"""A Monday late in the last announced year: 7 working days from it reach the next year."""
IN_JANUARY = datetime(NEXT, 1, 4, 10, 0, tzinfo=BEIJING)
INVENTED = Path(__file__).parents[1] / "fixtures" / "calendar" / f"invented-{NEXT}-notice.yaml"
INVENTED_CSV = INVENTED.with_suffix(".csv")


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


@pytest.fixture
def awarded_late_december(tmp_path: Path) -> str:
    url = _database(tmp_path, stop_after="record_review")
    ok(
        "advance", CODE, "award", "--as", "officer", "--by", OFFICER,
        *sets(organization=QIHANG), db=url, at=LATE_DECEMBER,
    )  # fmt: skip
    return url


def test_an_award_on_28_december_without_the_next_notice_succeeds_with_a_provisional_window(
    awarded_late_december: str,
) -> None:
    url = awarded_late_december
    assert ok("show", CODE, "--json", db=url).json()["state"] == "awarded"
    shown = ok("due", "--json", "--on", f"{NEXT - 1}-12-28", db=url).json()
    window = next(item for item in shown if item["deadline"] == "objection_window")
    assert (window["due_on"], window["provisional"], window["held_until"]) == (
        f"{NEXT}-01-07",
        [NEXT],
        f"{NEXT}-01-21",
    )
    table = ok("due", "--on", f"{NEXT}-01-12", db=url, lang=CHINESE).stdout
    assert f"{NEXT}-01-07 暂定，保持开放至 {NEXT}-01-21" in table
    ticked = ok("tick", "--by", OFFICER, "--no-send", db=url, at=IN_JANUARY)
    assert (
        f"Provisional, held open: {CODE} Objections may be lodged: provisional last day "
        f"{NEXT}-01-07, counted on the provisional calendar of {NEXT}; not closed"
    ) in ticked.stdout


def test_calendar_show_prints_a_provisional_year_from_the_law(tmp_path: Path) -> None:
    url = _database(tmp_path, stop_after="record_review")
    shown = ok("calendar", "show", str(NEXT), db=url, lang=CHINESE).stdout
    assert shown.startswith(f"{NEXT}年工作日历：暂定（暂定：按《全国年节及纪念日放假办法》推算")
    assert f"{NEXT}-02-05" in shown and "调休上班：无" in shown


@pytest.mark.parametrize("notice", [INVENTED, INVENTED_CSV], ids=["yaml", "csv"])
def test_calendar_add_turns_the_year_official_and_lists_the_deadlines_it_moved(
    tmp_path: Path, notice: Path
) -> None:
    url = _database(tmp_path, stop_after="award", dates=f"{{award: {NEXT}-01-11}}")
    added = ok(
        "calendar",
        "add",
        str(NEXT),
        str(notice),
        "--by",
        ADMIN,
        db=url,
        at=IN_JANUARY,
        lang=CHINESE,
    )
    lines = added.stdout.splitlines()
    assert lines[0] == (
        f"已录入{NEXT}年放假安排：（虚构，仅供测试）国务院办公厅关于{NEXT}年部分节假日安排的通知"
        f"（{NEXT - 1}-11-12发布）"
    )
    assert f"    {CODE} 签订合同：{NEXT}-02-10 → {NEXT}-02-15（推后）" in lines
    shown = ok("calendar", "show", str(NEXT), db=url, lang=CHINESE).stdout
    assert shown.startswith(f"{NEXT}年工作日历：正式（已录入国务院通知")
    assert f"调休上班：{NEXT}-01-31、{NEXT}-02-20" in shown
    again = procure("calendar", "add", str(NEXT), str(notice), "--by", ADMIN, db=url, lang=CHINESE)
    assert again.code == 1 and f"{NEXT}年的放假安排已是正式的" in again.stderr


def test_a_malformed_notice_is_refused_naming_its_line_and_changes_nothing(
    tmp_path: Path,
) -> None:
    url = _database(tmp_path, stop_after="award", dates=f"{{award: {NEXT}-01-11}}")
    bad = tmp_path / "notice.yaml"
    bad.write_text(
        INVENTED.read_text(encoding="utf-8").replace(f"from: {NEXT}-02-05", f"from: {NEXT}-2-5"),
        encoding="utf-8",
    )
    before = dump(url)
    refused = procure("calendar", "add", str(NEXT), str(bad), "--by", ADMIN, db=url, lang=CHINESE)
    assert refused.code == 1, str(refused)
    assert refused.stderr.strip() == (
        f"错误：notice.yaml 第10行：放假起日 '{NEXT}-2-5' 不是日期（应写作 2027-01-01）"
    )
    assert dump(url) == before


def test_a_year_past_the_law_is_named_by_due_and_tick(tmp_path: Path) -> None:
    url = _database(tmp_path, stop_after="award", dates="{award: 2199-12-18}")
    at = datetime(2200, 3, 1, 10, 0, tzinfo=BEIJING)
    shown = ok("due", "--json", db=url, at=at, lang=CHINESE).json()
    signing = next(item for item in shown if item["deadline"] == "sign_contract")
    assert "不知道2200年的放假安排" in signing["problem"]
    ticked = ok("tick", "--by", OFFICER, "--no-send", db=url, at=at)
    assert f"Calendar: {CODE} Sign the contract: The working-day calendar does not know" in (
        ticked.stdout
    )  # the deadline by its name, never its code
