"""Every page of the app, as each role, at a phone's and a laptop's width: nothing wider than
the screen, no serious or critical axe-core violation, and a screenshot of each kept; and each
page in one language: no English word on the Chinese laptop load, and no Chinese on a second,
English load of the same pages (the ``lang`` cookie), the leftovers of every page listed at
the end by :func:`test_every_page_reads_in_one_language`.

The pages are listed by the app's routes: a new page that no role visits here (and that is
not a download) fails :func:`test_every_page_of_the_app_is_visited_by_some_role`. Each role
signs in once; each page is loaded once per width, and both checks run on that load.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from procure.jobs.printing import KIND as PRINT
from procure.jobs.printing import print_key
from procure.jobs.submit import submit
from procure.store.db import new_session
from procure.web.app import create_app
from procure.web.settings import WebSettings
from tests.e2e.web.browser import WIDTHS, set_language, sign_in
from tests.e2e.web.site import (
    ACKNOWLEDGE,
    ASSESS_FORM,
    AUDITED,
    AWARDED,
    IN_SERVICE,
    OTHER_STATION_PROJECT,
    PANEL,
    PROPOSED,
    REVIEW_ERRORS,
    WALK,
    Site,
)
from tests.integration.builders import (
    ADMIN,
    ASSESSOR,
    AUDITOR,
    LEADER,
    OFFICER,
    PURCHASER,
    QIHANG,
    REVIEWERS,
    SUPERVISOR,
    organization_actor,
)
from tests.language_purity import chinese_runs, english_words, page_text, world_text

SWITCH = frozenset({"English"})
"""The language switch names English in its own words on a Chinese page (as 中文 on an
English one, which :func:`chinese_runs` leaves out itself)."""

TYPED = {
    "/admin/calendar": frozenset(
        {"title", "published", "on", "days", "off", "name", "from", "to", "makeup", "workdays"}
    )
}
"""Per page, the words of a file a person types that the page shows as an example where no
<code> can hold it (the holiday notice's keys, in the paste box's placeholder)."""

LEFTOVERS: dict[str, list[str]] = {}
"""Each page's words in the other language (``zh_CN /path (role)`` → words), collected by
the loads and asserted at once by :func:`test_every_page_reads_in_one_language`."""
LANGUAGE_WIDTH = "desktop"

NOT_PAGES = frozenset(
    {
        "/projects.csv",
        "/projects.xlsx",
        "/projects/{code}/panel/template.xlsx",
        "/projects/{code}/assessment/template.xlsx",
        "/projects/{code}/record",  # the evaluation record's PDF
        "/jobs/{job_id}/download",  # the year's records as a .zip
        "/public/feed.atom",
        "/attachments/{attachment_id}",  # an attached file, inline or
        "/attachments/{attachment_id}/download",  # as a download
    }
)
"""GET routes that answer a file, not a page a person reads."""

JOB = "{job}"
"""Stands for the id of the officer's print job (made by :func:`job_id`)."""

ROLES: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "public": (
        None,
        (
            "/",
            "/signin",
            "/public/",
            f"/public/purchasers/{PURCHASER}",
            f"/public/notices/{AWARDED}",
            "/dashboard?missing=signin",
        ),
    ),
    "officer": (
        OFFICER.name,
        (
            "/dashboard",
            "/projects",
            f"/projects/{WALK}",
            f"/projects/{AWARDED}",
            f"/projects/{PANEL}/panel",
            f"/projects/{AWARDED}/objection",
            f"/projects/{AWARDED}/documents",
            "/due",
            "/records",
            "/renewal",
            f"/jobs/{JOB}",
            "/account/password",
            f"/projects/{OTHER_STATION_PROJECT}x",  # not found
        ),
    ),
    "leader": (LEADER.name, ("/dashboard", f"/projects/{PROPOSED}", "/due")),
    "reviewer": (
        REVIEWERS[0].name,
        (
            "/dashboard",
            f"/projects/{REVIEW_ERRORS}/panel/sheet",
            f"/projects/{PANEL}/panel",
            f"/projects/{REVIEW_ERRORS}",
        ),
    ),
    "assessor": (
        ASSESSOR.name,
        ("/dashboard", f"/projects/{ASSESS_FORM}/assessment", f"/projects/{ASSESS_FORM}"),
    ),
    "supervisor": (SUPERVISOR.name, ("/dashboard", f"/projects/{IN_SERVICE}")),
    "auditor": (
        AUDITOR.name,
        (
            "/dashboard",
            "/projects?year=2020",
            f"/projects/{AUDITED}",
            f"/projects/{AUDITED}/assessment",
            "/audit",
            "/audit/verify",
            "/records",
            "/renewal",  # refused: the forbidden page
        ),
    ),
    "organization": (
        organization_actor(QIHANG).name,
        (
            "/mine",
            "/dashboard",
            f"/projects/{ACKNOWLEDGE}",
            f"/projects/{ACKNOWLEDGE}/assessment",
            f"/projects/{AWARDED}/objection",
        ),
    ),
    "admin": (
        ADMIN.name,
        (
            "/admin",
            "/admin/registry",
            "/admin/visibility",
            "/admin/backups",
            "/admin/calendar",
        ),
    ),
}
"""Who signs in (``None``: nobody) and the pages each role opens, in order."""

SERIOUS = frozenset({"serious", "critical"})
AXE_RUN = "axe.run({resultTypes: ['violations']})"
SMALLEST_CHART_TEXT = """() => {
  const sizes = Array.from(document.querySelectorAll("main svg text"))
    .filter((text) => text.getClientRects().length > 0)
    .map((text) => parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a);
  return sizes.length ? Math.min(...sizes) : null;
}"""
"""The rendered height of the smallest text drawn in a chart that shows, or null."""
SQUEEZED = """() => Array.from(document.querySelectorAll("main label, main th, main td"))
  .filter((cell) => cell.textContent.trim().length >= 4 && cell.getClientRects().length > 0)
  .filter((cell) => {
    const em = parseFloat(getComputedStyle(cell).fontSize);
    return cell.getBoundingClientRect().width < 2.2 * em;
  })
  .map((cell) => cell.textContent.trim().slice(0, 20)).slice(0, 5)"""
"""Labels and cells of four characters or more squeezed narrower than two characters."""


def test_every_page_of_the_app_is_visited_by_some_role(site: Site) -> None:
    app = create_app(WebSettings(site.url))
    # Every route the app serves, from its schema (the routers' own lists are FastAPI's
    # internals); only /healthz, plain text for probes, is left out of it.
    schema = app.openapi()["paths"]
    routes = {path for path, operations in schema.items() if "get" in operations}
    assert len(routes) > 20 and "/projects/{code}" in routes
    visited = {_route_of(path, routes) for _, paths in ROLES.values() for path in paths}
    assert visited <= routes, sorted(visited - routes)
    assert NOT_PAGES <= routes, sorted(NOT_PAGES - routes)
    unvisited = routes - visited - NOT_PAGES
    assert not unvisited, f"pages no role opens in this test: {sorted(unvisited)}"


@pytest.fixture(scope="module")
def job_id(site: Site) -> Iterator[str]:
    """A print job of the officer's (a year with no records), for the job's page."""
    year = 2014
    with new_session(site.engine) as session:
        asked = submit(
            session,
            kind=PRINT,
            key=print_key(year, None),
            params={"year": year, "purchaser": None},
            requested_by=OFFICER.name,
            at=datetime.now(UTC),
        )
        yield str(asked.job.id)


@pytest.fixture(scope="module")
def world(site: Site) -> set[str]:
    """What people wrote into the site's database (names, titles, reasons): left out."""
    with site.engine.connect() as connection:
        return world_text(connection)


@pytest.fixture(scope="module")
def axe_script() -> str:
    """axe-core as bundled by axe-playwright-python (no CDN), added to every page opened."""
    return str(Axe().axe_script)


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_fits_a_phone_and_has_no_serious_accessibility_violation(
    role: str,
    open_page: Callable[[], Page],
    axe_script: str,
    job_id: str,
    screenshots: Path,
    world: set[str],
) -> None:
    login, paths = ROLES[role]
    page = open_page()
    page.context.add_init_script(axe_script)
    if login is not None:
        sign_in(page, login, "/account/password")
    agent = str(page.evaluate("navigator.userAgent"))
    folder = screenshots / "pages"
    folder.mkdir(exist_ok=True)
    problems: list[str] = []
    for path in paths:
        path = path.replace(JOB, job_id)
        for label, (width, height) in WIDTHS.items():
            wide, squeezed = _visit(page, path, width, height)
            if wide > width:
                problems.append(f"{path} is {wide} px wide at {width} px")
            if squeezed:
                problems.append(f"{path} wraps a character a line at {width} px: {squeezed}")
            smallest = page.evaluate(SMALLEST_CHART_TEXT)
            if smallest is not None and smallest < 12:
                problems.append(f"{path} draws chart text {smallest:.1f} px high at {width} px")
            for violation in page.evaluate(AXE_RUN)["violations"]:
                if violation["impact"] in SERIOUS:
                    targets = [node["target"] for node in violation["nodes"]][:3]
                    problems.append(
                        f"{path} at {width} px: {violation['id']} ({violation['impact']}) "
                        f"{violation['help']}: {targets}"
                    )
            page.screenshot(
                path=str(folder / f"{role}-{_slug(path)}-{label}.jpeg"), full_page=True, quality=80
            )
            if label == LANGUAGE_WIDTH:
                seen = world | {agent}  # the sessions list shows this browser's own name
                allowed = SWITCH | TYPED.get(path, frozenset())
                words = english_words(page_text(page.content()), seen, allowed=allowed)
                if words:
                    LEFTOVERS[f"zh_CN {path} ({role})"] = words
    assert not problems, "\n".join(problems)


def _visit(page: Page, path: str, width: int, height: int) -> tuple[int, Any]:
    """Open ``path`` at ``width`` × ``height`` (it must not fail on the server): the width
    the page takes, and the text it wraps a character or word a line (:data:`SQUEEZED`)."""
    page.set_viewport_size({"width": width, "height": height})
    response = page.goto(path)
    assert response is not None and response.status < 500, path
    return page.evaluate("document.documentElement.scrollWidth"), page.evaluate(SQUEEZED)


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_loads_in_english_for_the_language_check(
    role: str, open_page: Callable[[], Page], job_id: str, screenshots: Path, world: set[str]
) -> None:
    """The same pages read in English (no axe; English words are longer, so each page is
    looked at on both widths and kept as a screenshot too): their Chinese is collected for
    :func:`test_every_page_reads_in_one_language`."""
    login, paths = ROLES[role]
    page = open_page()
    if login is not None:
        sign_in(page, login, "/account/password")
    set_language(page, "en")  # after signing in, which sets the account's own (Chinese)
    folder = screenshots / "pages-en"
    folder.mkdir(exist_ok=True)
    problems: list[str] = []
    for path in paths:
        path = path.replace(JOB, job_id)
        for label, (width, height) in WIDTHS.items():
            wide, squeezed = _visit(page, path, width, height)
            assert page.locator("html").get_attribute("lang") == "en", path
            if wide > width:
                problems.append(f"{path} is {wide} px wide at {width} px in English")
            if squeezed:
                problems.append(f"{path} wraps a word a line at {width} px: {squeezed}")
            page.screenshot(
                path=str(folder / f"{role}-{_slug(path)}-{label}.jpeg"), full_page=True, quality=80
            )
            if label == LANGUAGE_WIDTH:
                runs = chinese_runs(page_text(page.content()), world)
                if runs:
                    LEFTOVERS[f"en {path} ({role})"] = runs
    assert not problems, "\n".join(problems)


def test_every_page_reads_in_one_language() -> None:
    """Every page loaded above, in Chinese and in English, has no word of the other language
    (apart from the world's own data and shared codes); all leftovers are listed at once."""
    if not LEFTOVERS:
        return
    listed = "\n".join(f"{page}: {' '.join(words)}" for page, words in sorted(LEFTOVERS.items()))
    pytest.fail(f"{len(LEFTOVERS)} pages mix the two languages:\n{listed}")


def _route_of(path: str, routes: set[str]) -> str:
    """The route template that ``path`` (query dropped) is served by."""
    bare = path.split("?")[0].replace(JOB, "1")
    parts = bare.strip("/").split("/")
    for route in routes:
        pattern = route.strip("/").split("/")
        if len(pattern) == len(parts) and all(
            p == q or (p.startswith("{") and p.endswith("}"))
            for p, q in zip(pattern, parts, strict=True)
        ):
            return route
    return bare


def _slug(path: str) -> str:
    return path.strip("/").replace("/", "_").replace("?", "_").replace("=", "-") or "home"


def test_the_first_tab_offers_a_skip_link_and_an_error_is_tied_to_its_input(
    open_page: Callable[[], Page],
) -> None:
    page = open_page()
    sign_in(page, OFFICER.name, "/account/password")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text("跳到正文")
    page.keyboard.press("Enter")
    expect(page.locator(":focus")).to_have_attribute("id", "main")
    # two new passwords that differ: refused before the current one is even checked
    page.fill('input[name="current"]', "not-checked-here")
    page.fill('input[name="new"]', "a-new-password-1")
    page.fill('input[name="confirm"]', "a-new-password-2")
    page.locator('main button[type="submit"]').click()
    confirm = page.locator('input[name="confirm"]')
    expect(confirm).to_have_attribute("aria-invalid", "true")
    message = page.locator(f"#{confirm.get_attribute('aria-describedby')}")
    expect(message).to_contain_text("两次输入的新密码不一致")
    expect(page.locator('input[name="new"]')).not_to_have_attribute("aria-invalid", "true")
