"""An administrator in a real browser: an account added with its password, a station's grant,
and its sessions ended while it is signed in elsewhere."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.web.browser import shoot, sign_in
from tests.e2e.web.site import (
    OTHER_STATION,
    OTHER_STATION_PROJECT,
    STATION_PROJECT,
    WALK,
)
from tests.integration.builders import ADMIN

NEW_LOGIN = "zh-officer"
NEW_NAME = "中华街道新任干事"
NEW_PASSWORD = "zhonghua-2019-officer"


def test_an_admin_adds_an_officer_for_one_station_then_ends_its_sessions(
    open_page: Callable[[], Page], screenshots: Path
) -> None:
    admin = open_page()
    sign_in(admin, ADMIN.name, "/admin")
    admin.get_by_role("link", name="购买方与社会组织 »").click()
    admin.wait_for_url("**/admin/registry")
    expect(admin.locator("main")).to_contain_text("中华街道工会")
    shoot(admin, screenshots, "admin-registry")
    admin.goto("/admin")

    admin.fill("#account-login", NEW_LOGIN)
    admin.fill("#account-name", NEW_NAME)
    admin.fill("#account-password", NEW_PASSWORD)
    admin.get_by_role("button", name="添加", exact=True).click()
    admin.wait_for_url("**/admin?done=account")
    row = admin.locator("table.accounts tbody tr", has_text=NEW_LOGIN)
    expect(row).to_contain_text(NEW_NAME)
    expect(row).to_contain_text("有效")
    expect(row).not_to_contain_text("未设密码")

    admin.select_option("#grant-login", NEW_LOGIN)
    admin.select_option("#grant-role", "officer")
    admin.select_option("#grant-purchaser", OTHER_STATION)
    admin.get_by_role("button", name="授权", exact=True).click()
    admin.wait_for_url("**/admin?done=grant")
    expect(row.locator("ul.grants")).to_contain_text(OTHER_STATION)

    officer = open_page()
    sign_in(officer, NEW_LOGIN, f"/projects/{OTHER_STATION_PROJECT}", password=NEW_PASSWORD)
    expect(officer.locator("header .who")).to_contain_text(NEW_NAME)
    submit = f'form[action="/projects/{OTHER_STATION_PROJECT}/do/submit"]'
    expect(officer.locator(submit)).to_have_count(1)
    for outside in (STATION_PROJECT, WALK):
        response = officer.goto(f"/projects/{outside}")
        assert response is not None and response.status == 404, outside
    officer.goto(f"/projects/{OTHER_STATION_PROJECT}")

    admin.reload()
    sessions = admin.locator("section", has_text="当前登录")
    expect(sessions.locator("tr", has_text=NEW_LOGIN)).to_have_count(1)
    shoot(admin, screenshots, "admin")
    row.get_by_role("button", name="结束登录", exact=True).click()
    admin.wait_for_url("**/admin?done=sessions")
    expect(sessions.locator("tr", has_text=NEW_LOGIN)).to_have_count(0)

    officer.reload()
    officer.wait_for_url("**/signin**")
    expect(officer.locator('input[name="login"]')).to_be_visible()
    expect(officer.locator("main")).not_to_contain_text(OTHER_STATION_PROJECT)
