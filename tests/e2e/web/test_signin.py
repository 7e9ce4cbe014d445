"""Signing in and out in a real browser."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.web.browser import shoot
from tests.e2e.web.site import PASSWORD, WALK
from tests.integration.builders import LEADER, OFFICER

SENT_TO_SIGN_IN = re.compile(rf"/signin\?next=%2Fprojects%2F{WALK}$")


def test_a_wrong_password_is_refused_on_the_sign_in_page_and_opens_nothing(
    page: Page, screenshots: Path
) -> None:
    page.goto("/signin")
    shoot(page, screenshots, "signin")
    page.fill('input[name="login"]', LEADER.name)
    page.fill('input[name="password"]', "not-the-password")
    page.click('main button[type="submit"]')
    expect(page.locator("main .error")).to_have_text("登录名或密码不正确")
    expect(page.locator('input[name="login"]')).to_have_value(LEADER.name)
    shoot(page, screenshots, "signin-refused")
    page.goto(f"/projects/{WALK}")
    expect(page).to_have_url(SENT_TO_SIGN_IN)


def test_signing_in_returns_to_the_page_asked_for_and_signing_out_ends_the_session(
    page: Page,
) -> None:
    page.goto(f"/projects/{WALK}")
    expect(page).to_have_url(SENT_TO_SIGN_IN)
    page.fill('input[name="login"]', OFFICER.name)
    page.fill('input[name="password"]', PASSWORD)
    page.click('main button[type="submit"]')
    page.wait_for_url(f"**/projects/{WALK}")
    expect(page.locator("header .who")).to_contain_text(OFFICER.name)
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/signin")
    page.goto(f"/projects/{WALK}")
    expect(page).to_have_url(SENT_TO_SIGN_IN)
    expect(page.locator("h1")).to_have_text("登录")
