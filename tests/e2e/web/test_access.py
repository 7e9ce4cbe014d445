"""Who sees what: an auditor reads without acting; a station's officer sees only the station."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.web.browser import shoot, sign_in
from tests.e2e.web.site import (
    IN_SERVICE,
    OTHER_STATION_PROJECT,
    STATION_OFFICER,
    STATION_PROJECT,
    Site,
)
from tests.integration.builders import AUDITOR


def test_an_auditor_reads_a_project_and_is_offered_no_action(
    page: Page, site: Site, screenshots: Path
) -> None:
    sign_in(page, AUDITOR.name, f"/projects/{IN_SERVICE}")
    expect(page.locator("h1")).to_contain_text(IN_SERVICE)
    expect(page.locator("section.actions")).to_contain_text("目前没有你可以办理的事项")
    expect(page.locator('form[action*="/do/"]')).to_have_count(0)
    expect(
        page.locator("section", has=page.get_by_role("heading", name="合同", exact=True))
    ).to_contain_text("868,000.00")
    shoot(page, screenshots, "project-auditor")
    assert site.state(IN_SERVICE) == "in_service"


def test_a_station_officer_opens_the_stations_project_but_not_another_stations_by_url(
    page: Page, screenshots: Path
) -> None:
    sign_in(page, STATION_OFFICER, f"/projects/{STATION_PROJECT}")
    expect(page.locator(f'form[action="/projects/{STATION_PROJECT}/do/submit"]')).to_have_count(1)
    response = page.goto(f"/projects/{OTHER_STATION_PROJECT}")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("未找到")
    expect(page.locator("main")).not_to_contain_text("职工成长方程式")
    shoot(page, screenshots, "not-found")
