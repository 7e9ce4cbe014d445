"""The dashboard and the projects list in a real browser: what waits for an officer and the
way to its form, the charts; the list filtered, searched, paged and exported; a station's
officer sees only the station's projects."""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.e2e.web.browser import shoot, sign_in
from tests.e2e.web.site import (
    ACKNOWLEDGE,
    AUDITED,
    FORMULA_TITLE,
    IN_SERVICE,
    OTHER_STATION,
    OTHER_STATION_PROJECT,
    RECUSAL,
    REVIEW_ERRORS,
    REVIEW_FORM,
    REVIEW_UPLOAD,
    STATION_OFFICER,
    STATION_PROJECT,
)
from tests.integration.builders import OFFICER, PURCHASER_NAME

FILTER = "筛选"
NOTHING = "没有符合条件的项目"


def listed(page: Page, column: int) -> list[str]:
    """One column of the projects list as shown (1: the code, 3: the title, 8: the state)."""
    cells = page.locator(f"table.list tbody tr td:nth-child({column})")
    return [text.strip() for text in cells.all_inner_texts()]


def test_an_officers_dashboard_links_each_waiting_project_to_its_form_and_shows_two_charts(
    page: Page, screenshots: Path
) -> None:
    sign_in(page, OFFICER.name, "/dashboard")
    waiting = page.locator("section", has=page.get_by_role("heading", name="等你办理"))
    expect(waiting.locator("tbody tr").first).to_be_visible()
    targets = waiting.locator("tbody td:last-child a").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    )
    # opened and scrolled to; an objection to answer, to its text above the answer forms
    anchored = re.compile(r"/projects/[^#?]+(\?open=([a-z_]+)#do-\2|#objections)")
    assert targets and all(anchored.fullmatch(target) for target in targets)
    row = waiting.locator("tbody tr", has=page.get_by_role("link", name=STATION_PROJECT))
    expect(row).to_contain_text("草拟")
    submit = row.locator(f'a[href="/projects/{STATION_PROJECT}?open=submit#do-submit"]')
    expect(submit).to_have_count(1)

    shoot(page, screenshots, "dashboard")
    charts = page.locator("section.chart .chart-wide svg")  # the laptop's drawing
    expect(charts).to_have_count(2)
    headings = page.locator("section.chart h2")
    expect(headings).to_have_text(["考核等级", "已拨付（元）"])
    expect(charts.nth(0)).to_contain_text("考核等级")
    expect(charts.nth(1)).to_contain_text(PURCHASER_NAME)  # the 2020 payments, by purchaser
    for grade in ("优秀", "良好", "合格", "不合格"):
        expect(charts.nth(0).locator("text", has_text=re.compile(f"^{grade}$"))).to_have_count(1)
    for chart in charts.all():
        box = chart.bounding_box()
        assert box is not None and box["width"] > 400 and box["height"] > 30  # legible

    submit.click()
    page.wait_for_url(f"**/projects/{STATION_PROJECT}?open=submit#do-submit")
    form = page.locator(f'#do-submit form[action="/projects/{STATION_PROJECT}/do/submit"]')
    expect(form).to_be_visible()
    expect(form.get_by_role("button")).to_be_in_viewport()
    expect(page.locator("details.action[open]")).to_have_count(1)  # cancel stays folded


def test_the_projects_list_filters_searches_pages_and_exports_a_formula_title_as_text(
    page: Page, tmp_path: Path, screenshots: Path
) -> None:
    sign_in(page, OFFICER.name, "/projects")
    first = listed(page, 1)
    assert len(first) == 50
    shoot(page, screenshots, "projects")
    page.get_by_role("link", name="下一页 »").click()
    page.wait_for_url("**/projects?*after=*")
    second = listed(page, 1)
    assert second and first + second == sorted(first + second)  # by code, none twice
    expect(page.get_by_role("link", name="« 第一页")).to_be_visible()
    expect(page.get_by_role("link", name="下一页 »")).to_have_count(0)

    page.get_by_role("link", name="清除").click()
    page.select_option('select[name="state"]', label="评审中")
    page.get_by_role("button", name=FILTER).click()
    page.wait_for_url("**/projects?*state=reviewing*")
    assert set(listed(page, 8)) == {"评审中"}
    assert {REVIEW_FORM, REVIEW_ERRORS, REVIEW_UPLOAD, RECUSAL} <= set(listed(page, 1))

    page.select_option('select[name="state"]', label="全部状态")
    page.fill('input[name="q"]', "职工心理关爱")
    page.get_by_role("button", name=FILTER).click()
    page.wait_for_url("**/projects?*q=*")
    assert listed(page, 1) == [IN_SERVICE, ACKNOWLEDGE, AUDITED]
    assert set(listed(page, 3)) == {"职工心理关爱"}
    expect(page.locator('input[name="q"]')).to_have_value("职工心理关爱")
    shoot(page, screenshots, "projects-search")

    page.get_by_role("link", name="清除").click()
    expect(page.locator("table.list")).to_contain_text(FORMULA_TITLE)  # shown as typed
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Excel (.xlsx)").click()
    assert downloading.value.suggested_filename == "projects.xlsx"
    saved = tmp_path / "projects.xlsx"
    downloading.value.save_as(saved)
    book = load_workbook(saved, read_only=True)
    try:
        rows = list(book["项目"].iter_rows(values_only=True))
    finally:
        book.close()
    assert [row[0] for row in rows[1:]] == first + second  # every page, not the one shown
    titles = {row[0]: row[2] for row in rows[1:]}
    assert titles["SM-2018-001"] == "'" + FORMULA_TITLE


def test_a_station_officer_lists_only_the_stations_projects(page: Page, screenshots: Path) -> None:
    sign_in(page, STATION_OFFICER, "/projects")
    assert listed(page, 1) == [STATION_PROJECT]
    assert set(listed(page, 4)) == {"梧村街道工会"}
    expect(page.get_by_role("link", name="下一页 »")).to_have_count(0)
    for query in (f"q={OTHER_STATION_PROJECT}", f"purchaser={OTHER_STATION}", "year=2020"):
        page.goto(f"/projects?{query}")
        expect(page.locator("table.list tbody")).to_have_text(NOTHING)
    shoot(page, screenshots, "projects-station")
