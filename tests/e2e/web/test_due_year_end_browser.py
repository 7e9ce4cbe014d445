"""/due at the year-end in a real browser (issue 18), on a wide screen (1366 px) and a phone
(390 px): the calendar's state is one Chinese line above the table, the provisional dates
are marked 暂定, and nothing stretches the page sideways (it once grew to 3,600 px on one
unbroken English line). Screenshots are saved for a person to look at."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from procure.services.accounts import manage as accounts
from procure.services.lifecycle.clock import using_clock
from procure.services.loading.replay import BEIJING
from procure.store.db import make_engine, new_session
from procure.store.migrate import upgrade
from tests.clock import pinned_clock
from tests.e2e.web.browser import shoot, sign_in
from tests.e2e.web.server import served
from tests.integration.builders import (
    ADMIN,
    OFFICER,
    QIHANG,
    TONGXIN,
    Plan,
    create_project,
    drive,
    setup_registry,
)

PASSWORD = "year-end-2026"
JANUARY = datetime(2027, 1, 4, 10, 0, tzinfo=BEIJING)
AWARDS = {  # each awarded at 10:00 Beijing time on its day, as the clock ran at the year-end
    "SM-2027-001": datetime(2026, 12, 22, 10, 0, tzinfo=BEIJING),
    "SM-2027-002": datetime(2026, 12, 28, 10, 0, tzinfo=BEIJING),
    "SM-2027-003": datetime(2026, 12, 31, 10, 0, tzinfo=BEIJING),
}


@pytest.fixture(scope="module")
def year_end(
    tmp_path_factory: pytest.TempPathFactory, chromium: str, monkeypatch_module: None
) -> Iterator[str]:
    """A server whose clock reads Monday 4 January 2027, 2027 without its notice, and three
    projects awarded in the last December days."""
    folder = tmp_path_factory.mktemp("year-end")
    url = f"sqlite:///{folder / 'year-end.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with new_session(engine) as session:
        setup_registry(session)
        for code, moment in AWARDS.items():
            plan = Plan(
                code=code,
                year=2027,
                proposals={QIHANG: "868000.00", TONGXIN: "880000.00"},
                award_now=True,  # awarded on its December day, as the clock ran then
            )
            with using_clock(pinned_clock(moment)):
                drive(session, create_project(session, plan, title="职工成长方程式"), "awarded")
        accounts.set_shared_password(session, [OFFICER.name, ADMIN.name], PASSWORD, ADMIN)
        session.commit()
    engine.dispose()
    with served(url, folder / "serve.log") as base:
        yield base


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[None]:
    """The server's clock (tests/pinned_procure.py reads it from the environment)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PROCURE_TESTS_PINNED_AT", JANUARY.isoformat())
        yield


def _due(browser: Browser, base: str, width: int, height: int) -> Page:
    context = browser.new_context(
        base_url=base, locale="zh-CN", viewport={"width": width, "height": height}
    )
    page = context.new_page()
    sign_in(page, OFFICER.name, "/due", password=PASSWORD)
    return page


@pytest.mark.parametrize(("width", "height"), [(1366, 900), (390, 844)], ids=["1366", "390"])
def test_the_due_page_at_the_year_end_fits_the_screen_and_says_the_calendar_is_provisional(
    browser: Browser, year_end: str, screenshots: Path, width: int, height: int
) -> None:
    page = _due(browser, year_end, width, height)
    try:
        state = page.locator("#calendar-state").inner_text()
        assert state.startswith("工作日历：2027年、2028年放假安排为暂定")
        assert page.locator("#calendar-state").bounding_box()["width"] <= width  # type: ignore[index]
        marks = page.locator("table.due .provisional")
        assert marks.count() == 3  # each signing deadline falls in 2027
        assert marks.first.inner_text() == "暂定"
        widest = page.evaluate("document.documentElement.scrollWidth")
        shoot(page, screenshots, f"due-year-end-{width}")
        assert widest <= width, f"/due is {widest} px wide in a {width} px window"
    finally:
        page.context.close()
