"""The year-end renewal in a real browser: an officer reads the plan of an assessed year,
confirms its counts, and the server's own worker applies it; the job page shows the
contracts changed and links the audit batch."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.web.browser import shoot, sign_in
from tests.e2e.web.site import RENEWAL_FAIL, RENEWAL_GOOD, RENEWAL_YEAR, Site
from tests.integration.builders import AUDITOR, OFFICER, PURCHASER

COUNTS = {"renew": "1", "rectify": "0", "drop": "1", "skip": "0", "decide": "0", "refused": "0"}
DONE = "已完成"
APPLY_MS = 60_000
"""How long the job page may take to show the renewal done (ms)."""


def counts(page: Page) -> dict[str, str]:
    """The plan's counts as shown, by action."""
    return {action: page.locator(f"#count-{action}").inner_text() for action in COUNTS}


def test_an_officer_reads_the_plan_confirms_and_the_job_shows_the_contracts_changed(
    page: Page, open_page: Callable[[], Page], site: Site, screenshots: Path
) -> None:
    sign_in(page, OFFICER.name, "/renewal")
    expect(page.get_by_role("heading", name="年终续约", exact=True)).to_be_visible()
    page.fill("#r-year", str(RENEWAL_YEAR))
    page.select_option("#r-purchaser", value=PURCHASER)
    page.get_by_role("button", name="查看计划", exact=True).click()
    page.wait_for_url(f"**/renewal?year={RENEWAL_YEAR}&purchaser={PURCHASER}")

    rows = page.locator("#plan-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text=RENEWAL_GOOD).locator("td").nth(4)).to_have_text("续约")
    expect(rows.filter(has_text=RENEWAL_FAIL).locator("td").nth(4)).to_have_text("不再合作")
    assert counts(page) == COUNTS
    expect(page.locator("#to-write")).to_have_text("2")
    shoot(page, screenshots, "renewal")
    assert [site.state(code) for code in (RENEWAL_GOOD, RENEWAL_FAIL)] == ["assessed"] * 2

    page.get_by_role("button", name="执行续约…", exact=True).click()
    page.wait_for_url("**/renewal/confirm")
    assert counts(page) == COUNTS  # the confirmation repeats them
    assert [site.state(code) for code in (RENEWAL_GOOD, RENEWAL_FAIL)] == ["assessed"] * 2
    shoot(page, screenshots, "renewal-confirm")
    page.get_by_role("button", name="确认执行", exact=True).click()
    page.wait_for_url("**/jobs/*")

    expect(page.locator("progress#progress")).to_have_attribute("max", "2")
    expect(page.locator("#state")).to_have_text(DONE, timeout=APPLY_MS)
    expect(page.locator("progress#progress")).to_have_attribute("value", "2")
    expect(page.locator("#changed")).to_contain_text("2 份合同")
    expect(page.locator("#refused-count")).to_have_text("0")
    batch = page.locator("#batch")  # named, not linked: the officer may not open the trail
    expect(batch).to_have_text(re.compile(rf"^renew-{RENEWAL_YEAR}-"))
    expect(page.locator('a[href^="/audit"]')).to_have_count(0)
    expect(page.locator("#download")).to_have_count(0)
    shoot(page, screenshots, "job-renewal-done")
    assert [site.state(code) for code in (RENEWAL_GOOD, RENEWAL_FAIL)] == ["renewed", "dropped"]

    expect(page.locator("#renewal-result")).to_contain_text(
        "审计、管理员可在审计记录中按此批次查看"
    )

    auditor = open_page()  # the officer may not read the trail: the batch is for auditors
    batch_url = f"/audit?batch={batch.inner_text()}"
    sign_in(auditor, AUDITOR.name, batch_url)
    expect(auditor.locator("main")).to_contain_text(RENEWAL_GOOD)
    expect(auditor.locator("main")).to_contain_text(RENEWAL_FAIL)
