"""One real server for the browser tests, and Debian's Chromium driven by Playwright.

The database is built once per session (tests/e2e/web/site.py) and served by
``procure serve`` in a subprocess on a free port. Playwright never downloads a browser:
it launches the ``chromium`` found on PATH (Debian's package, installed by
``make system-packages`` as root). Without it the browser tests skip, naming the package.
Each test gets a fresh browser context (no cookies shared between tests), and may open
more (two people at once).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Dialog,
    Error,
    Page,
    Request,
    sync_playwright,
)

from tests.e2e.web.server import served
from tests.e2e.web.site import Site, build_site

CHROMIUM_MISSING = (
    "the browser tests need Debian's chromium package on PATH "
    "(apt-get install chromium, or `make system-packages` as root)"
)
BROWSERS_OWN_VIEWER = (
    "chrome-extension://mhjfbmdgcfjbbpaeojofohoefgiehjai/",
    "chrome://resources/",
)
"""What Chromium's own PDF viewer loads (from the browser itself) when it shows a PDF."""
SCREENSHOTS = Path(__file__).parent / "screenshots"
"""Where each run saves its screenshots of the main pages (git ignores the folder)."""


@pytest.fixture(scope="package")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The browser tests' database, built once."""
    built = build_site(tmp_path_factory.mktemp("browser-site"))
    yield built
    built.engine.dispose()


@pytest.fixture(scope="package")
def base_url(site: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``procure serve`` on the site's database: its ``http://127.0.0.1:PORT``."""
    log = tmp_path_factory.mktemp("browser-server") / "serve.log"
    with served(site.url, log) as base:
        yield base


@pytest.fixture(scope="session")
def chromium() -> str:
    """The path of Debian's Chromium, or a skip that names the package."""
    path = shutil.which("chromium")
    if path is None:
        pytest.skip(CHROMIUM_MISSING)
    return path


# Package scope: Playwright's sync API keeps an event loop running in this thread while it
# lives; ended with this package, it leaves the tests after it free to run their own loops.
@pytest.fixture(scope="package")
def browser(chromium: str) -> Iterator[Browser]:
    """Headless Chromium for the whole session."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def open_page(browser: Browser, base_url: str) -> Iterator[Callable[[], Page]]:
    """Open a page in a browser of its own (a fresh context: its own cookies), as many as a
    test needs; each fails the test on any JavaScript dialog or page error, and on any
    request to another host (nothing is loaded from a CDN)."""
    contexts: list[BrowserContext] = []
    surprises: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        surprises.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    def on_error(error: Error) -> None:
        surprises.append(f"page error: {error.message}")

    def on_request(request: Request) -> None:
        if not request.url.startswith((f"{base_url}/", "data:", *BROWSERS_OWN_VIEWER)):
            surprises.append(f"request to another host: {request.url}")

    def opener() -> Page:
        context = browser.new_context(
            base_url=base_url, locale="zh-CN", viewport={"width": 1280, "height": 900}
        )
        contexts.append(context)
        context.set_default_timeout(15_000)
        context.on("request", on_request)
        opened = context.new_page()
        opened.on("dialog", on_dialog)
        opened.on("pageerror", on_error)
        return opened

    yield opener
    for context in contexts:
        context.close()
    assert not surprises, surprises  # a script ran (something was not escaped), or a fetch left


@pytest.fixture
def page(open_page: Callable[[], Page]) -> Page:
    """A fresh context's page, in Chinese (see :func:`open_page`)."""
    return open_page()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """The folder for this run's screenshots."""
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS
