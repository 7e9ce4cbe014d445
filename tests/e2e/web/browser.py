"""What a person does in the browser: sign in, open a project, fill a trigger's form."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote

from openpyxl import load_workbook
from playwright.sync_api import Locator, Page

from tests.e2e.web.site import PASSWORD


def sign_in(page: Page, login: str, next_path: str, *, password: str = PASSWORD) -> None:
    """Sign ``login`` in through the sign-in form and land on ``next_path``."""
    page.goto(f"/signin?next={quote(next_path, safe='/')}")
    page.fill('input[name="login"]', login)
    page.fill('input[name="password"]', password)
    page.click('main button[type="submit"]')
    page.wait_for_url(f"**{next_path}")


def set_language(page: Page, language: str) -> None:
    """Read the pages in ``language`` (``zh_CN`` or ``en``) from now on: the ``lang`` cookie
    on the browser, as the switch sets it."""
    if not page.url.startswith("http"):
        page.goto("/signin")  # a page of the site, whose origin the cookie is for
    origin = page.evaluate("location.origin")
    page.context.add_cookies([{"name": "lang", "value": language, "url": origin}])


def sign_out(page: Page) -> None:
    """Click 退出 and land on the sign-in page."""
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/signin**")


def fill_sheet(page: Page, scores: Mapping[str, object], narratives: Mapping[str, str]) -> None:
    """Type every criterion's inputs and every dimension's narrative, as an assessor would."""
    for code, value in scores.items():
        if isinstance(value, Mapping):
            for name, number in value.items():
                page.fill(f'input[name="c.{code}.{name}"]', str(number))
        else:
            page.fill(f'input[name="c.{code}.score"]', str(value))
    for dimension, text in narratives.items():
        page.fill(f"#n-{dimension}", text)


def action(page: Page, trigger: str) -> Locator:
    """The trigger's form on the project page, opened (its <details> expanded) like a click."""
    details = page.locator(f"#do-{trigger}")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    return details


def fire(
    page: Page,
    code: str,
    trigger: str,
    *,
    fill: dict[str, str] | None = None,
    choose: dict[str, str] | None = None,
    accepted: bool = True,
) -> None:
    """Fill the trigger's form (``choose``: a picker's option by its label) and submit it.

    Waits for the project page again: with ``?done=TRIGGER`` when ``accepted``, else the
    page the refused form was posted to (its errors beside the fields).
    """
    details = action(page, trigger)
    for name, value in (fill or {}).items():
        page.fill(f"#{trigger}-{name}", value)
    for name, label in (choose or {}).items():
        page.select_option(f"#{trigger}-{name}", label=label)
    details.locator('button[type="submit"]').click()
    if accepted and trigger in irreversible_triggers():
        confirm(page, code, trigger)
    elif accepted:
        page.wait_for_url(f"**/projects/{code}?done={trigger}")
    else:
        page.wait_for_url(f"**/projects/{code}/do/{trigger}")


def confirm(page: Page, code: str, trigger: str) -> None:
    """On the confirmation page of a step that cannot be undone, press 确认 and land on the
    project page with the step done."""
    page.wait_for_url(f"**/projects/{code}/do/{trigger}")
    page.locator("#confirm-form button[type=submit]").click()
    page.wait_for_url(f"**/projects/{code}?done={trigger}")


def irreversible_triggers() -> frozenset[str]:
    """The triggers the browser confirms on a page of their own (``irreversible`` ones)."""
    from procure.workflow.rules import default_rules

    definition = default_rules().engine.definition
    return frozenset(t.trigger for t in definition.transitions if t.irreversible)


def field_error(page: Page, trigger: str, name: str) -> Locator:
    """The message shown beside one field of a trigger's form."""
    field = page.locator(f"#do-{trigger} .field").filter(has=page.locator(f"#{trigger}-{name}"))
    return field.locator(".field-error")


def shoot(page: Page, folder: Path, name: str) -> Path:
    """Save a full-page screenshot as ``folder/NAME.png``."""
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


WIDTHS = {"desktop": (1366, 768), "phone": (390, 844)}
"""The widths a page that matters is looked at: a laptop's and a phone's."""


def shoot_widths(page: Page, folder: Path, name: str, *, fits: bool = True) -> list[Path]:
    """Save the page at each of :data:`WIDTHS` (``NAME-desktop.png``, ``NAME-phone.png``), and
    check that nothing is wider than the screen (``fits=False``: a page known not to fit a
    phone yet, only shot); the viewport is put back afterwards."""
    before = page.viewport_size
    paths = []
    try:
        for label, (width, height) in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            scrolled = page.evaluate("document.documentElement.scrollWidth")
            assert scrolled <= width or not fits, f"{name} is {scrolled} px wide at {width} px"
            paths.append(shoot(page, folder, f"{name}-{label}"))
    finally:
        if before is not None:
            page.set_viewport_size(before)
    return paths


def fill_review_template(path: Path, scores: Mapping[str, object]) -> None:
    """Type each score into the 得分 column of the template's 评分表 sheet."""
    book = load_workbook(path)
    sheet = book["评分表"]
    filled = 0
    for row in range(1, sheet.max_row + 1):
        code = sheet.cell(row, 1).value
        if code in scores:
            sheet.cell(row, 5, scores[str(code)])
            filled += 1
    assert filled == len(scores), "the template lists every judged criterion"
    book.save(path)
