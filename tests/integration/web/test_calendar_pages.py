"""The pages at the year-end (issue 18): with no holiday notice for the next year, the due
page shows the calendar's state in one Chinese line and each provisional date as 暂定, an
award made on the web goes through, and an administrator enters the notice at
/admin/calendar (CSRF-checked, refused whole when bad), after which the due page lists the
deadlines it moved. A year past what the law is counted for is named in Chinese, wrapping."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from procure.services.lifecycle.clock import using_clock
from procure.services.loading.replay import BEIJING
from procure.store import queries
from procure.store.calendar_models import CalendarNotice
from procure.web.app import create_app
from procure.web.settings import WebSettings
from tests.clock import pinned_clock
from tests.integration.builders import (
    ADMIN,
    CODE,
    OFFICER,
    QIHANG,
    Plan,
    create_project,
    drive,
    snapshot,
)
from tests.integration.web.support import csrf_of, fire_confirmed, set_passwords, sign_in

INVENTED_2027 = Path(__file__).parents[2] / "fixtures" / "calendar" / "invented-2027-notice.yaml"
AWARDED = datetime(2026, 12, 18, 10, 0, tzinfo=BEIJING)  # signing due 2027-01-17 (Sunday) → 18
LATE_DECEMBER = datetime(2026, 12, 28, 10, 0, tzinfo=BEIJING)
IN_2027 = datetime(2027, 1, 4, 10, 0, tzinfo=BEIJING)


def browser_at(database_url: str, moment: datetime) -> Iterator[TestClient]:
    settings = WebSettings(database_url, allowed_hosts=("testserver",))
    app = create_app(settings, clock=pinned_clock(moment))
    with TestClient(app) as browser:
        yield browser
    app.state.writer.dispose()
    app.state.reader.dispose()


@pytest.fixture
def in_2027(engine: Engine, database_url: str) -> Iterator[TestClient]:
    yield from browser_at(database_url, IN_2027)


@pytest.fixture
def in_late_december(engine: Engine, database_url: str) -> Iterator[TestClient]:
    yield from browser_at(database_url, LATE_DECEMBER)


def calendar_state(html: str) -> str:
    return html.split('id="calendar-state">')[1].split("</p>")[0]


def test_the_due_page_says_the_next_year_is_provisional_and_marks_its_dates(
    in_2027: TestClient, registered: Session
) -> None:
    with using_clock(pinned_clock(AWARDED)):
        drive(registered, Plan(award_now=True), "awarded")
    set_passwords(registered, OFFICER.name)
    sign_in(in_2027, OFFICER.name)
    due = in_2027.get("/due")
    assert due.status_code == 200, due.text[-2000:]
    line = calendar_state(due.text)
    assert line.startswith("工作日历：2027年、2028年放假安排为暂定") and len(line) < 80
    assert line.isascii() is False and "calendar" not in line
    row = due.text.split("签订合同")[1].split("</tr>")[0]
    assert "2027年1月18日" in row and '<span class="provisional"' in row and ">暂定<" in row
    # every deadline counted: no problem shown, not even the calendar's long one
    assert "无法计算" not in due.text and "calendar add" not in due.text
    assert '<table class="list due">' in due.text


def test_an_award_on_the_web_on_28_december_goes_through(
    in_late_december: TestClient, registered: Session
) -> None:
    drive(registered, Plan(), "reviewed")
    set_passwords(registered, OFFICER.name)
    sign_in(in_late_december, OFFICER.name)
    asked, answer = fire_confirmed(
        in_late_december,
        f"/projects/{CODE}/do/award",
        {"csrf_token": csrf_of(in_late_december), "organization": QIHANG},
    )
    assert asked and answer.status_code == 303, answer.text[-2000:]
    registered.expire_all()
    assert queries.project_by_code(registered, CODE).state == "awarded"


def test_a_year_past_the_law_is_named_in_chinese_on_a_wrapping_line(
    engine: Engine, database_url: str, registered: Session
) -> None:
    with using_clock(pinned_clock(datetime(2199, 12, 18, 10, tzinfo=BEIJING))):
        drive(registered, Plan(award_now=True), "awarded")
    set_passwords(registered, OFFICER.name)
    for browser in browser_at(database_url, datetime(2200, 3, 1, 10, tzinfo=BEIJING)):
        sign_in(browser, OFFICER.name)
        due = browser.get("/due").text
        assert "无法计算：工作日历不知道2200年的放假安排，请管理员录入该年通知" in due
        assert "calendar add" not in due  # the short line, not the calendar's long message


def _admin(browser: TestClient, session: Session) -> str:
    set_passwords(session, ADMIN.name)
    return sign_in(browser, ADMIN.name)


def _enter(browser: TestClient, csrf: str, content: bytes, name: str = "notice.yaml") -> object:
    return browser.post(
        "/admin/calendar",
        data={"csrf_token": csrf, "year": "2027"},
        files={"file": (name, content, "application/yaml")},
        follow_redirects=False,
    )


def test_only_an_administrator_opens_the_calendar_page(
    in_late_december: TestClient, registered: Session
) -> None:
    set_passwords(registered, OFFICER.name)
    sign_in(in_late_december, OFFICER.name)
    assert in_late_december.get("/admin/calendar").status_code == 403
    csrf = csrf_of(in_late_december)
    refused = _enter(in_late_december, csrf, INVENTED_2027.read_bytes())
    assert refused.status_code == 403  # type: ignore[attr-defined]
    assert registered.exec(select(CalendarNotice)).all() == []


def test_a_notice_posted_without_the_form_token_changes_nothing(
    in_late_december: TestClient, registered: Session
) -> None:
    _admin(in_late_december, registered)
    refused = _enter(in_late_december, "forged", INVENTED_2027.read_bytes())
    assert refused.status_code == 403  # type: ignore[attr-defined]
    assert registered.exec(select(CalendarNotice)).all() == []


def test_a_bad_notice_is_shown_with_its_line_and_changes_nothing(
    in_late_december: TestClient, registered: Session, engine: Engine
) -> None:
    csrf = _admin(in_late_december, registered)
    before = snapshot(registered, engine)
    bad = INVENTED_2027.read_text(encoding="utf-8").replace("- 2027-10-09", "- 2027-10-03")
    page = _enter(in_late_december, csrf, bad.encode(), "bad.yaml")
    assert page.status_code == 400  # type: ignore[attr-defined]
    assert "bad.yaml 第21行：2027-10-03 既在第15行放假，又是调休上班日" in page.text  # type: ignore[attr-defined]
    assert snapshot(registered, engine) == before


def test_an_entered_notice_turns_the_year_official_and_the_due_page_lists_what_moved(
    engine: Engine, database_url: str, registered: Session
) -> None:
    with using_clock(pinned_clock(datetime(2027, 1, 11, 10, tzinfo=BEIJING))):
        drive(
            registered,
            create_project(registered, Plan(code="SM-2027-001", year=2027, award_now=True)),
            "awarded",
        )
    set_passwords(registered, OFFICER.name)
    for browser in browser_at(database_url, datetime(2027, 1, 28, 10, tzinfo=BEIJING)):
        csrf = _admin(browser, registered)
        assert "2027年、2028年放假安排为暂定" in calendar_state(browser.get("/admin/calendar").text)
        done = _enter(browser, csrf, INVENTED_2027.read_bytes())
        assert done.status_code == 303  # type: ignore[attr-defined]
        page = browser.get("/admin/calendar?done=2027").text
        assert (
            "已录入2027年放假安排" in page
            and "SM-2027-001</a> 签订合同：2027-02-10 → 2027-02-15（推后）" in page
        )
        sign_in(browser, OFFICER.name)
        due = browser.get("/due").text
        assert calendar_state(due).startswith("工作日历：2027年放假安排为正式；2028年为暂定")
        moved = due.split('id="calendar-moves"')[1].split("</section>")[0]
        assert "SM-2027-001</a> 签订合同：2027-02-10 → 2027-02-15（推后）" in moved


def test_the_public_award_notice_marks_a_provisional_window_and_how_long_it_stays_open(
    in_late_december: TestClient, registered: Session
) -> None:
    with using_clock(pinned_clock(LATE_DECEMBER)):
        drive(registered, Plan(award_now=True), "awarded")
    page = in_late_december.get(f"/public/notices/{CODE}")
    assert page.status_code == 200, page.text[-2000:]
    assert "2027年1月7日（暂定：2027年放假安排尚未公布" in page.text
    assert "最迟至 2027年1月21日" in page.text
