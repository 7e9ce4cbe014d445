"""The demo's 2019 year printed from the browser: the zip holds the records the CLI prints,
each one verifying; both are timed (the times are printed for the closing note, never
asserted: the machine's load decides them)."""

from __future__ import annotations

import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from procure.reports.verify import verify_pdf
from procure.store.db import make_engine, new_session
from tests.e2e.cli import procure
from tests.e2e.conftest import UnprintedDemo
from tests.e2e.web.demo import demo_database, demo_sign_in, print_year
from tests.e2e.web.server import served
from tests.integration.records import needs_printing

DEMO_YEAR = 2019
DEMO_RECORDS = 7
"""The demo year's contracted projects (of nine: one rejected, one cancelled)."""
PRINT_MS = 180_000


@pytest.fixture(scope="module")
def demo_db(unprinted_demo: UnprintedDemo, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A fresh ``procure demo`` database (a copy of the session's): its URL."""
    return demo_database(unprinted_demo, tmp_path_factory.mktemp("demo-print"))


@pytest.fixture(scope="module")
def base_url(demo_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``procure serve`` on the demo database, for this module (the pages open it)."""
    log = tmp_path_factory.mktemp("demo-print-server") / "serve.log"
    with served(demo_db, log) as base:
        yield base


@needs_printing
def test_the_demo_year_printed_from_the_browser_holds_the_records_the_cli_prints(
    page: Page, demo_db: str, tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    demo_sign_in(page, "李秀梅", "/records")
    started = time.monotonic()
    archive = print_year(page, DEMO_YEAR, tmp_path, timeout_ms=PRINT_MS)
    browser_seconds = time.monotonic() - started
    with zipfile.ZipFile(archive) as opened:
        browser_names = sorted(opened.namelist())
        opened.extractall(tmp_path / "browser")

    started = time.monotonic()
    cli = tmp_path / "cli"
    run = procure("report", "print", "--year", str(DEMO_YEAR), "-o", str(cli), db=demo_db)
    cli_seconds = time.monotonic() - started
    assert run.code == 0, run.stderr
    assert browser_names == sorted(path.name for path in cli.rglob("*.pdf"))
    assert len(browser_names) == DEMO_RECORDS, browser_names

    engine = make_engine(demo_db)
    try:
        with new_session(engine) as session:
            for name in browser_names:
                result = verify_pdf(session, tmp_path / "browser" / name)
                assert result.ok, (name, result.differences, result.problems)
    finally:
        engine.dispose()
    record_property("print_browser_seconds", round(browser_seconds, 1))
    record_property("print_cli_seconds", round(cli_seconds, 1))
    print(
        f"{DEMO_YEAR} printed ({DEMO_RECORDS} records): browser, job start to zip saved "
        f"{browser_seconds:.1f} s; CLI `procure report print --year {DEMO_YEAR}` "
        f"{cli_seconds:.1f} s"
    )
