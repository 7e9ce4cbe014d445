"""An administrator in a real browser sees how old the last backup is, before and after
`procure backup` copied the database the server is serving."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.cli import ok
from tests.e2e.web.browser import shoot, sign_in
from tests.e2e.web.site import Site
from tests.integration.builders import ADMIN


def test_an_admin_sees_the_last_backup_s_age_on_the_backups_page(
    open_page: Callable[[], Page], site: Site, screenshots: Path, tmp_path: Path
) -> None:
    admin = open_page()
    sign_in(admin, ADMIN.name, "/admin")
    admin.get_by_role("link", name="备份 »").click()
    admin.wait_for_url("**/admin/backups")
    last = admin.locator("#last-backup")
    expect(last).to_contain_text("从未备份")

    ok("backup", "-o", str(tmp_path / "served.db"), "--by", ADMIN.name, db=site.url)
    admin.reload()

    expect(last).to_contain_text("0 小时前")
    expect(last).to_contain_text("served.db")
    expect(last).to_contain_text(ADMIN.name)
    expect(admin.locator("main table")).to_contain_text("SQLite 在线备份")
    shoot(admin, screenshots, "admin-backups")
