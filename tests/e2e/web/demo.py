"""The demo database for the browser tests that walk the demo year: ``procure demo`` run as a
person runs it (the decided 2019 year and the 2020 draft), each account with the demo password
(run once per session, copied per module)."""

from __future__ import annotations

from contextlib import ExitStack
from datetime import datetime, timedelta, timezone
from pathlib import Path

from playwright.sync_api import Page

from procure.services.loading.demo import DEMO_PASSWORD, demo_draft
from procure.store import queries
from procure.store.db import make_engine, new_session
from tests.e2e.conftest import DRAFT_YEAR, UnprintedDemo, copy_demo
from tests.e2e.web.browser import sign_in
from tests.e2e.web.server import free_port, served

BEIJING = timezone(timedelta(hours=8))
WALK_STARTS = datetime(2020, 2, 17, 10, 0, tzinfo=BEIJING)
"""Monday 17 February 2020: the call, the review, the award (its objection window runs to
26 February) and the objection happen this morning."""
SERVICE_DAY = datetime(2020, 6, 22, 10, 0, tzinfo=BEIJING)
"""Monday 22 June 2020: the contract, its payments, an inspection and the assessment are
recorded this morning (a 2020 contract cannot be signed after an award made in 2026)."""
SIGNED_ON = "2020-02-28"
"""On or after the end of the objection window (26 February): an objection was lodged."""


class DemoServer:
    """``procure serve`` on the demo database, on one port, started again at a later moment
    when the walk's calendar moves on (a server's clock is pinned when it starts)."""

    def __init__(self, url: str, folder: Path) -> None:
        self.url, self.folder, self.port = url, folder, free_port()
        self._running = ExitStack()
        self.base = ""

    def start_at(self, moment: datetime) -> str:
        """Stop the server if it runs, and serve on the same port from ``moment``."""
        self._running.close()
        log = self.folder / f"serve-{moment:%Y%m%d}.log"
        self.base = self._running.enter_context(served(self.url, log, at=moment, port=self.port))
        return self.base

    def stop(self) -> None:
        """Stop the server."""
        self._running.close()


def state(url: str) -> str:
    """The demo draft's (SM-2020-010's) state now."""
    engine = make_engine(url)
    try:
        with new_session(engine) as session:
            return queries.project_by_code(session, demo_draft(DRAFT_YEAR).code).state
    finally:
        engine.dispose()


def demo_database(demo: UnprintedDemo, folder: Path) -> str:
    """A copy in ``folder`` of the session's ``procure demo`` folder (its records not
    printed, see tests/e2e/conftest.py); the database's URL."""
    return f"sqlite:///{copy_demo(demo, folder) / 'demo.db'}"


def demo_sign_in(page: Page, login: str, next_path: str) -> None:
    """Sign ``login`` in with the demo password and land on ``next_path``."""
    sign_in(page, login, next_path, password=DEMO_PASSWORD)


def print_year(page: Page, year: int, folder: Path, *, timeout_ms: float) -> Path:
    """On /records, print ``year`` as a job, follow its page until done, save the zip."""
    page.goto("/records")
    page.fill("#p-year", str(year))
    page.select_option("#p-purchaser", value="")
    page.get_by_role("button", name="打印", exact=True).click()
    page.wait_for_url("**/jobs/*")
    page.locator("#state").filter(has_text="已完成").wait_for(timeout=timeout_ms)
    with page.expect_download() as downloading:
        page.locator("#download").click()
    archive = folder / downloading.value.suggested_filename
    downloading.value.save_as(archive)
    return archive
