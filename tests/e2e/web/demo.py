"""The demo database for the browser tests that walk the demo year: ``procure demo`` run as a
person runs it (the decided 2019 year and the 2020 draft), each account with the demo password
(run once per session, copied per module)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

from procure.services.loading.demo import DEMO_PASSWORD
from tests.e2e.conftest import UnprintedDemo, copy_demo
from tests.e2e.web.browser import sign_in


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
    page.get_by_role("button", name="打印 Print").click()
    page.wait_for_url("**/jobs/*")
    page.locator("#state").filter(has_text="已完成 done").wait_for(timeout=timeout_ms)
    with page.expect_download() as downloading:
        page.locator("#download").click()
    archive = folder / downloading.value.suggested_filename
    downloading.value.save_as(archive)
    return archive
