"""When the real clock reaches a year whose holidays the working-day calendar does not know,
the dashboard and the due page still answer, naming the year in the deadline they cannot
count, and an award made on the web is refused with how to add the year."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from procure.services.calendar import default_calendar
from procure.services.clock import using_clock
from procure.services.replay import BEIJING
from procure.web.app import create_app
from procure.web.settings import WebSettings
from tests.clock import pinned_clock
from tests.integration.builders import CODE, OFFICER, QIHANG, Plan, drive
from tests.integration.web.support import csrf_of, set_passwords, sign_in

UNKNOWN = max(default_calendar().known_years) + 1
AWARDED = datetime(UNKNOWN - 1, 12, 18, 10, 0, tzinfo=BEIJING)
"""A Friday: signing is due 30 days later, in the year the calendar does not know."""
LATE_DECEMBER = datetime(UNKNOWN - 1, 12, 28, 10, 0, tzinfo=BEIJING)
IN_UNKNOWN_YEAR = datetime(UNKNOWN, 3, 1, 10, 0, tzinfo=BEIJING)


def browser_at(database_url: str, moment: datetime) -> Iterator[TestClient]:
    app = create_app(
        WebSettings(database_url, allowed_hosts=("testserver",)), clock=pinned_clock(moment)
    )
    with TestClient(app) as browser:
        yield browser
    app.state.writer.dispose()
    app.state.reader.dispose()


@pytest.fixture
def in_unknown_year(engine: Engine, database_url: str) -> Iterator[TestClient]:
    """A browser on the app whose clock reads 1 March of the unknown year."""
    yield from browser_at(database_url, IN_UNKNOWN_YEAR)


@pytest.fixture
def in_late_december(engine: Engine, database_url: str) -> Iterator[TestClient]:
    """A browser on the app whose clock reads 28 December of the last known year."""
    yield from browser_at(database_url, LATE_DECEMBER)


def test_the_dashboard_and_due_page_name_the_year_they_cannot_count(
    in_unknown_year: TestClient, registered: Session
) -> None:
    with using_clock(pinned_clock(AWARDED)):
        drive(registered, Plan(), "awarded")
    set_passwords(registered, OFFICER.name)
    sign_in(in_unknown_year, OFFICER.name)
    dashboard = in_unknown_year.get("/")
    assert dashboard.status_code == 200, dashboard.text[-2000:]
    assert 'href="/due"' in dashboard.text
    due = in_unknown_year.get("/due")
    assert due.status_code == 200, due.text[-2000:]
    assert f'href="/projects/{CODE}"' in due.text and "签订合同" in due.text
    assert f"does not know the holidays of {UNKNOWN}" in due.text


def test_an_award_on_the_web_late_in_the_last_known_year_says_how_to_add_the_next(
    in_late_december: TestClient, registered: Session
) -> None:
    drive(registered, Plan(), "reviewed")
    set_passwords(registered, OFFICER.name)
    sign_in(in_late_december, OFFICER.name)
    answer = in_late_december.post(
        f"/projects/{CODE}/do/award",
        data={"csrf_token": csrf_of(in_late_december), "organization": QIHANG},
    )
    assert answer.status_code == 403, answer.text[-2000:]
    assert f"does not know the holidays of {UNKNOWN} yet" in answer.text
    assert "国务院办公厅关于" in answer.text and "workflows/calendar.yaml" in answer.text
