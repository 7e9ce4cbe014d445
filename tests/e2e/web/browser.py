"""What a person does in the browser: sign in, open a project, fill a trigger's form."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import Locator, Page

from tests.e2e.web.site import PASSWORD


def sign_in(page: Page, login: str, next_path: str, *, password: str = PASSWORD) -> None:
    """Sign ``login`` in through the sign-in form and land on ``next_path``."""
    page.goto(f"/signin?next={quote(next_path, safe='/')}")
    page.fill('input[name="login"]', login)
    page.fill('input[name="password"]', password)
    page.click('main button[type="submit"]')
    page.wait_for_url(f"**{next_path}")


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
    if accepted:
        page.wait_for_url(f"**/projects/{code}?done={trigger}")
    else:
        page.wait_for_url(f"**/projects/{code}/do/{trigger}")


def field_error(page: Page, trigger: str, name: str) -> Locator:
    """The message shown beside one field of a trigger's form."""
    field = page.locator(f"#do-{trigger} .field").filter(has=page.locator(f"#{trigger}-{name}"))
    return field.locator(".field-error")


def shoot(page: Page, folder: Path, name: str) -> Path:
    """Save a full-page screenshot as ``folder/NAME.png``."""
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
