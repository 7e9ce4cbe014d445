"""Hostile names are shown as typed: markup, template syntax, bidi marks and emoji."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.web.browser import fire, shoot, sign_in
from tests.e2e.web.site import (
    HOSTILE,
    HOSTILE_ORGANIZATION,
    HOSTILE_PURPOSE,
    HOSTILE_TITLE,
    HOSTILE_USCC,
    Site,
)
from tests.integration.builders import OFFICER


def test_hostile_titles_and_names_are_shown_literally_and_run_nothing(
    page: Page, screenshots: Path
) -> None:
    sign_in(page, OFFICER.name, f"/projects/{HOSTILE}")
    expect(page.locator("h1")).to_contain_text(HOSTILE_TITLE)
    expect(page).to_have_title(f"{HOSTILE} {HOSTILE_TITLE} · procure 购买服务项目管理")
    expect(page.locator("dl.facts")).to_contain_text(HOSTILE_PURPOSE)
    proposals = page.locator("section", has=page.get_by_role("heading", name="申报方案"))
    expect(proposals).to_contain_text(HOSTILE_ORGANIZATION)
    picker = page.locator("#record_recusal-organization option", has_text=HOSTILE_USCC)
    expect(picker).to_have_text(f"{HOSTILE_ORGANIZATION}（{HOSTILE_USCC}）")
    expect(page.locator("main script, main img, main b")).to_have_count(0)
    assert "49" not in page.locator("h1").inner_text()  # {{ 7*7 }} was not evaluated
    shoot(page, screenshots, "project-hostile")


def test_a_typed_right_to_left_mark_is_refused_beside_its_field_and_kept_as_typed(
    page: Page, site: Site
) -> None:
    sign_in(page, OFFICER.name, f"/projects/{HOSTILE}")
    before = site.business_data()
    typed = "违规\u200f<script>alert(1)</script>"
    fire(
        page,
        HOSTILE,
        "record_recusal",
        fill={"reason": typed},
        choose={"organization": f"{HOSTILE_ORGANIZATION}（{HOSTILE_USCC}）", "reviewer": "陈建华"},
        accepted=False,
    )
    error = page.locator("#do-record_recusal .field", has=page.locator("#record_recusal-reason"))
    expect(error.locator(".field-error")).to_contain_text("U+200F")
    expect(page.locator("#record_recusal-reason")).to_have_value(typed)
    assert site.business_data() == before
