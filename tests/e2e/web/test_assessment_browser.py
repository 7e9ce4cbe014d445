"""The assessor's sheet in a real browser: typed with narratives and a veto, refused with its
errors beside the fields, and uploaded as the filled-in .xlsx template."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from procure.store import queries
from procure.store.db import new_session
from tests.e2e.web.browser import fill_sheet, shoot, shoot_widths, sign_in
from tests.e2e.web.site import ASSESS_ERRORS, ASSESS_FORM, ASSESS_UPLOAD, AUDITED, Site
from tests.integration.builders import ASSESSMENT_GOOD, ASSESSOR, AUDITOR, NARRATIVES

RECORD_ASSESSMENT_ZH = "录入考核评分"


def sheets(site: Site, code: str) -> list[tuple[str, str, str, list[str]]]:
    """The project's assessment sheets: assessor, total, grade, veto."""
    with new_session(site.engine) as session:
        project = queries.project_by_code(session, code)
        return [
            (s.assessor, str(s.total), s.grade, list(s.veto))
            for s in queries.assessment_sheets(session, project)
        ]


def test_an_assessor_records_every_dimension_with_narratives_and_a_veto_that_fails_the_grade(
    page: Page, site: Site, screenshots: Path
) -> None:
    sign_in(page, ASSESSOR.name, f"/projects/{ASSESS_FORM}/assessment")
    form = page.locator("#sheet form").first
    for legend in ("项目管理", "财务管理", "服务产出", "服务成效", "服务对象满意度"):
        expect(form.locator("fieldset.dimension legend", has_text=legend)).to_have_count(1)
    fill_sheet(page, ASSESSMENT_GOOD, NARRATIVES)
    page.fill("#narrative", "总体良好，但活动台账有补记。")
    page.get_by_label("数据造假").check()
    shoot(page, screenshots, "assessment-forms")
    page.get_by_role("button", name="保存评分表").click()
    page.wait_for_url(f"**/projects/{ASSESS_FORM}/assessment?done=sheet")

    expect(page.locator("p.ok")).to_contain_text("考核评分")
    expect(page.locator("#result-total")).to_have_text("85.00")
    expect(page.locator("#result-grade")).to_contain_text("不合格")
    expect(page.locator("#result-veto")).to_contain_text("数据造假")
    sheet = page.locator("section.sheet")
    expect(sheet.locator("h2")).to_have_text(f"考核评分表 · {ASSESSOR.name}")
    for text in NARRATIVES.values():
        expect(sheet.locator("dl.narratives")).to_contain_text(text)
    expect(sheet).to_contain_text("总体良好，但活动台账有补记。")
    expect(page.locator('form[action$="/assessment/sheet"]')).to_have_count(0)  # one each
    shoot(page, screenshots, "assessment-result")
    assert sheets(site, ASSESS_FORM) == [(ASSESSOR.name, "85.00", "fail", ["falsified_data"])]

    # until it is finalized the assessor replaces it, from the form filled with it
    replacing = page.locator('#sheet form[action$="/assessment/replace"]')
    expect(replacing.locator('input[name="c.project_management.score"]')).to_have_value("17")
    replacing.locator('input[name="c.project_management.score"]').fill("19")
    shoot_widths(page, screenshots, "assessment-replace", fits=False)  # labels: 442 px
    replacing.get_by_role("button", name="替换评分表").click()
    page.wait_for_url(f"**/projects/{ASSESS_FORM}/assessment?done=replace")
    expect(page.locator("#result-total")).to_have_text("87.00")
    assert sheets(site, ASSESS_FORM) == [(ASSESSOR.name, "87.00", "fail", ["falsified_data"])]


def test_an_out_of_range_score_and_more_satisfied_than_asked_are_shown_beside_their_fields(
    page: Page, site: Site, screenshots: Path
) -> None:
    sign_in(page, ASSESSOR.name, f"/projects/{ASSESS_ERRORS}/assessment")
    before = site.business_data()
    bad = {
        **ASSESSMENT_GOOD,
        "project_management": "25",
        "satisfaction": {"respondents": 100, "satisfied": 120},
    }
    fill_sheet(page, bad, NARRATIVES)
    page.get_by_role("button", name="保存评分表").click()
    page.wait_for_url(f"**/projects/{ASSESS_ERRORS}/assessment/sheet")

    expect(page.locator("#sheet-errors")).to_contain_text("评分表未保存：2 处需要修改")
    score = page.locator("#criterion-project_management")
    expect(score.locator(".field-error")).to_contain_text("请填写 0 到 20 之间的分数")
    expect(score.locator("input")).to_have_value("25")
    survey = page.locator("#criterion-satisfaction")
    expect(survey.locator(".field-error")).to_contain_text("满意人数不超过受访人数")
    expect(survey.locator('input[name="c.satisfaction.respondents"]')).to_have_value("100")
    expect(survey.locator('input[name="c.satisfaction.satisfied"]')).to_have_value("120")
    expect(page.locator("#sheet .field-error")).to_have_count(2)  # the good values raise none
    expect(page.locator("#n-finance")).to_have_value(NARRATIVES["finance"])
    expect(page.locator("section.sheet")).to_have_count(0)
    shoot(page, screenshots, "assessment-errors")
    assert site.business_data() == before
    assert sheets(site, ASSESS_ERRORS) == []


def test_an_assessor_downloads_the_template_fills_it_and_uploads_it(
    page: Page, site: Site, tmp_path: Path
) -> None:
    sign_in(page, ASSESSOR.name, f"/projects/{ASSESS_UPLOAD}/assessment")
    with page.expect_download() as downloading:
        page.get_by_role("link", name="下载模板").click()
    download = downloading.value
    assert download.suggested_filename == f"assessment-{ASSESS_UPLOAD}.xlsx"
    filled = tmp_path / "考核评分表.xlsx"
    download.save_as(filled)
    _fill_template(filled, veto="serious_safety_incident")

    page.set_input_files("#sheet-file", filled)
    page.get_by_role("button", name="上传", exact=True).click()
    page.wait_for_url(f"**/projects/{ASSESS_UPLOAD}/assessment?done=upload")

    expect(page.locator("p.ok")).to_contain_text("上传")
    sheet = page.locator("section.sheet")
    expect(sheet.locator("h2")).to_have_text(f"考核评分表 · {ASSESSOR.name}")
    expect(sheet).to_contain_text("85.00")
    expect(sheet).to_contain_text("重大安全事故")
    expect(sheet.locator("dl.narratives")).to_contain_text("上传的评语：项目管理")
    expect(sheet.locator("tr", has_text="服务对象满意度")).to_contain_text("满意人数 60")
    expect(page.locator("#result-grade")).to_contain_text("不合格")
    expect(page.locator('form[action$="/assessment/sheet"]')).to_have_count(0)
    assert sheets(site, ASSESS_UPLOAD) == [
        (ASSESSOR.name, "85.00", "fail", ["serious_safety_incident"])
    ]


def _fill_template(path: Path, *, veto: str) -> None:
    """Fill the downloaded template as a person would in a spreadsheet: the scores, each
    dimension's 评语, and 是 beside one 一票否决 item."""
    book = load_workbook(path)
    scores = book["评分表"]
    columns = {"score": 5, "planned": 6, "actual": 7, "respondents": 8, "satisfied": 9}
    for row in range(1, scores.max_row + 1):
        value = ASSESSMENT_GOOD.get(str(scores.cell(row, 1).value))
        if isinstance(value, Mapping):
            for name, number in value.items():
                scores.cell(row, columns[name], number)
        elif value is not None:
            scores.cell(row, columns["score"], value)
    narratives = book["评语"]
    for row in range(2, narratives.max_row + 1):
        narratives.cell(row, 3, f"上传的评语：{narratives.cell(row, 2).value}")
    vetoes = book["一票否决"]
    for row in range(2, vetoes.max_row + 1):
        if vetoes.cell(row, 1).value == veto:
            vetoes.cell(row, 3, "是")
    book.save(path)


def test_an_auditor_reads_the_assessment_without_forms_then_filters_and_verifies_the_trail(
    page: Page, site: Site, screenshots: Path
) -> None:
    sign_in(page, AUDITOR.name, f"/projects/{AUDITED}/assessment")
    expect(page.locator("#result-total")).to_have_text("85.00")
    expect(page.locator("section.sheet h2")).to_have_text(f"考核评分表 · {ASSESSOR.name}")
    expect(page.locator("main form")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("下载模板")
    shoot(page, screenshots, "assessment-auditor")

    page.get_by_role("link", name="审计").click()
    page.wait_for_url("**/audit")
    expect(page.locator("table.trail tbody tr").first).to_be_visible()
    page.fill("#f-project", AUDITED)
    page.get_by_role("button", name="筛选", exact=True).click()
    page.wait_for_url(f"**/audit?*project={AUDITED}*")
    rows = page.locator("table.trail tbody tr")
    triggers = [text.strip() for text in rows.locator("td:nth-child(6)").all_inner_texts()]
    assert triggers[0] == RECORD_ASSESSMENT_ZH and triggers[-1] == "草拟项目"  # newest first
    assert {text.strip() for text in rows.locator("td:nth-child(5)").all_inner_texts()} == {
        f"{AUDITED} ≡"
    }
    shoot(page, screenshots, "audit")

    page.get_by_role("link", name="校验审计链").click()
    page.wait_for_url(f"**/audit/verify?project={AUDITED}")
    expect(page.locator("#verdict")).to_have_text("通过")
    expect(page.locator("#chain_ok")).to_have_text("完整")
    expect(page.locator("#problems")).to_have_text("无")
    expect(page.locator("#compared")).to_contain_text("是（")
    expect(page.locator("#differences")).to_contain_text("数据与审计记录一致")
    shoot(page, screenshots, "audit-verify")
    assert site.state(AUDITED) == "assessing"
