"""The reviewer's sheet and the panel in a real browser: a sheet typed, refused with its
errors beside the fields, uploaded as the filled-in .xlsx template; a conflict declared; the
panel's trims, recusal, flags and ranking, then the award; who may read and who finds nothing."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from tests.e2e.web.browser import (
    action,
    fill_review_template,
    fire,
    shoot,
    shoot_widths,
    sign_in,
)
from tests.e2e.web.site import (
    IN_SERVICE,
    OTHER_STATION_PROJECT,
    PANEL,
    RECUSAL,
    RECUSED_REASON,
    RECUSED_REVIEWER,
    REVIEW_ERRORS,
    REVIEW_FORM,
    REVIEW_UPLOAD,
    STATION_OFFICER,
    STATION_PROJECT,
    Site,
)
from tests.integration.builders import (
    AUDITOR,
    OFFICER,
    ORGANIZATIONS,
    QIHANG,
    REVIEW_GOOD,
    REVIEWERS,
    TONGXIN,
)

SUBMIT = "提交评分"
XLSX_ONLY = "请上传 .xlsx 评分表（填写后的模板）"


def by_id(page: Page, element_id: str) -> Locator:
    """An element by its id (a USCC starts with a digit, which a CSS ``#id`` cannot)."""
    return page.locator(f'[id="{element_id}"]')


def type_sheet(page: Page, uscc: str, scores: Mapping[str, object]) -> None:
    """Type each judged criterion's score into the proposal's form."""
    for code, value in scores.items():
        by_id(page, f"{uscc}-{code}").fill(str(value))


def test_a_reviewer_follows_the_panel_to_the_sheet_and_submits_one_proposals_form(
    page: Page, site: Site, screenshots: Path
) -> None:
    reviewer = REVIEWERS[0].name
    sign_in(page, reviewer, f"/projects/{REVIEW_FORM}")
    go = action(page, "record_review").get_by_role("link", name="去评分")
    expect(go).to_have_attribute("href", f"/projects/{REVIEW_FORM}/panel/sheet")
    expect(page.locator('form[action*="/do/record_re"]')).to_have_count(0)  # no code=value box
    page.locator("nav.tabs").get_by_role("link", name="评审").click()
    page.wait_for_url(f"**/projects/{REVIEW_FORM}/panel")
    page.locator("nav.tabs").get_by_role("link", name="我的评分").click()
    page.wait_for_url(f"**/projects/{REVIEW_FORM}/panel/sheet")

    for uscc, points in ((QIHANG, "20.00"), (TONGXIN, "18.67")):  # 140,000 ÷ 150,000 × 20
        price = by_id(page, f"{uscc}-price")
        expect(price).to_have_text(points)
        assert price.evaluate("element => element.tagName") == "OUTPUT"
        row = page.locator(f'[id="sheet-{uscc}"] tr.field', has=price)
        expect(row.locator("input, textarea, select")).to_have_count(0)  # shown, never typed
    expect(page.locator('[name="score-price"]')).to_have_count(0)
    type_sheet(page, QIHANG, REVIEW_GOOD)
    page.locator(f'[id="sheet-{QIHANG}"]').get_by_role("button", name=SUBMIT).click()
    page.wait_for_url(f"**/projects/{REVIEW_FORM}/panel/sheet?done=review")

    recorded = page.locator("p.ok[role=status]")
    expect(recorded).to_have_text("已录入评审评分")
    scored = page.locator(f'[id="sheet-{QIHANG}"]')
    expect(scored.locator("p.ok")).to_have_text("已评分：总分 85.00")
    expect(scored.locator('form[action$="/panel/sheet"]')).to_have_count(0)  # recorded once
    expect(by_id(page, f"own-{QIHANG}")).to_contain_text("服务方案")  # the own sheet, shown
    expect(page.locator(f'[id="sheet-{TONGXIN}"] form')).to_have_count(1)
    shoot(page, screenshots, "review-sheet-scored")
    assert site.reviews(REVIEW_FORM) == [(reviewer, QIHANG, "85.00")]

    # until the award the reviewer replaces it there, from the form filled with it
    by_id(page, f"change-{QIHANG}").locator("summary").click()
    replacing = by_id(page, f"r-{QIHANG}-service_plan")
    expect(replacing).to_have_value("18")
    replacing.fill("10")
    shoot_widths(page, screenshots, "review-sheet-replace", fits=False)  # its table: 540 px
    scored.get_by_role("button", name="替换评分表").click()
    page.wait_for_url(f"**/projects/{REVIEW_FORM}/panel/sheet?done=replace")
    expect(scored.locator("p.ok")).to_have_text("已评分：总分 77.00")
    assert site.reviews(REVIEW_FORM) == [(reviewer, QIHANG, "77.00")]


def test_a_score_above_its_maximum_and_a_word_are_shown_beside_their_fields_and_kept(
    page: Page, site: Site, screenshots: Path
) -> None:
    sign_in(page, REVIEWERS[1].name, f"/projects/{REVIEW_ERRORS}/panel/sheet")
    before = site.business_data()
    type_sheet(page, QIHANG, {**REVIEW_GOOD, "service_plan": 25, "team": "很好"})
    page.locator(f'[id="sheet-{QIHANG}"]').get_by_role("button", name=SUBMIT).click()
    page.wait_for_url(f"**/projects/{REVIEW_ERRORS}/panel/sheet")

    form = page.locator(f'[id="sheet-{QIHANG}"] form')
    plan = form.locator("tr.field.invalid", has=by_id(page, f"{QIHANG}-service_plan"))
    expect(plan.locator(".field-error")).to_contain_text("超过满分 20 分")
    team = form.locator("tr.field.invalid", has=by_id(page, f"{QIHANG}-team"))
    expect(team.locator(".field-error")).to_contain_text("请填写数字")
    expect(form.locator(".field-error")).to_have_count(2)  # the good scores raise nothing
    expect(by_id(page, f"{QIHANG}-service_plan")).to_have_value("25")
    expect(by_id(page, f"{QIHANG}-team")).to_have_value("很好")
    expect(by_id(page, f"{QIHANG}-needs_analysis")).to_have_value("9")
    expect(by_id(page, f"{TONGXIN}-service_plan")).to_have_value("")  # the other form is blank
    shoot(page, screenshots, "review-sheet-errors")
    assert site.business_data() == before

    page.locator("nav.tabs").get_by_role("link", name="评审").click()
    expect(page.locator(f'[id="panel-{QIHANG}"]')).to_contain_text("尚无评分")
    expect(page.locator("table.sheets")).to_have_count(0)
    assert site.reviews(REVIEW_ERRORS) == []


def test_a_reviewer_uploads_the_filled_in_template_and_a_csv_is_refused_in_one_line(
    page: Page, site: Site, tmp_path: Path
) -> None:
    reviewer = REVIEWERS[2].name
    sign_in(page, reviewer, f"/projects/{REVIEW_UPLOAD}/panel/sheet")
    with page.expect_download() as downloading:
        page.get_by_role("link", name="下载空白评分表").click()
    filled = tmp_path / "我的评分.xlsx"
    downloading.value.save_as(filled)
    fill_review_template(filled, REVIEW_GOOD)

    page.select_option("#upload-organization", TONGXIN)
    page.set_input_files("#upload-sheet", filled)
    page.get_by_role("button", name="上传并提交").click()
    page.wait_for_url(f"**/projects/{REVIEW_UPLOAD}/panel/sheet?done=upload")
    expect(page.locator(f'[id="sheet-{TONGXIN}"] p.ok')).to_contain_text("总分 83.67")
    expect(page.locator("#upload-organization option")).to_have_count(1)  # 启航 is left

    csv = tmp_path / "评分.csv"
    csv.write_text("needs_analysis,9\n", encoding="utf-8")
    page.set_input_files("#upload-sheet", csv)
    page.get_by_role("button", name="上传并提交").click()
    page.wait_for_url(f"**/projects/{REVIEW_UPLOAD}/panel/sheet/upload")
    refusal = page.locator("main .error")
    expect(refusal).to_have_count(1)
    expect(refusal).to_have_text(f"评分.csv：{XLSX_ONLY}")
    expect(page.locator("#upload")).to_contain_text("评分.csv")
    assert site.reviews(REVIEW_UPLOAD) == [(reviewer, TONGXIN, "83.67")]

    page.locator("nav.tabs").get_by_role("link", name="评审").click()
    row = page.locator(f'[id="panel-{TONGXIN}"] tr.sheet-counted')
    expect(row).to_have_count(1)
    expect(row).to_contain_text(reviewer)
    expect(row.locator("td").nth(-2)).to_have_text("83.67")
    expect(page.locator(f'[id="panel-{QIHANG}"]')).to_contain_text("尚无评分")


def test_a_reviewer_declares_a_conflict_only_with_a_reason_and_the_panel_marks_it(
    page: Page, site: Site
) -> None:
    reviewer = REVIEWERS[1].name
    sign_in(page, reviewer, f"/projects/{RECUSAL}/panel/sheet")
    before = site.business_data()
    recusal = page.locator("#recusal")
    page.select_option("#recusal-organization", TONGXIN)
    recusal.get_by_role("button", name="登记回避").click()
    page.wait_for_url(f"**/projects/{RECUSAL}/panel/recusal")
    reason = recusal.locator(".field.invalid", has=page.locator("#recusal-reason"))
    expect(reason.locator(".field-error")).to_have_text("必填：请写明回避理由")
    expect(recusal.locator(".field-error")).to_have_count(1)
    expect(page.locator("#recusal-organization")).to_have_value(TONGXIN)
    assert site.business_data() == before

    page.fill("#recusal-reason", "曾在该机构兼职")
    recusal.get_by_role("button", name="登记回避").click()
    page.wait_for_url(f"**/projects/{RECUSAL}/panel/sheet?done=recusal")
    expect(page.locator("p.ok[role=status]")).to_contain_text("已登记回避")
    declared = page.locator(f'[id="sheet-{TONGXIN}"]')
    expect(declared).to_contain_text("已回避：曾在该机构兼职")
    expect(declared.locator("form")).to_have_count(0)

    page.locator("nav.tabs").get_by_role("link", name="评审").click()
    row = page.locator(f'[id="panel-{TONGXIN}"] tr.sheet-recused')
    expect(row).to_contain_text(reviewer)
    expect(row).to_contain_text("回避：曾在该机构兼职")
    # the panel's counts wait until the reviewer has scored (or recused) every proposal
    expect(page.locator(f'[id="rank-{TONGXIN}"] td').nth(4)).to_have_text("—")
    assert site.reviews(RECUSAL) == []


def test_the_panel_trims_marks_the_recusal_flags_ranks_and_the_officer_awards(
    page: Page, site: Site, screenshots: Path
) -> None:
    sign_in(page, OFFICER.name, f"/projects/{PANEL}/panel")
    qihang = page.locator(f'[id="panel-{QIHANG}"]')
    expect(qihang.locator("h2")).to_contain_text("第 1 名")
    expect(qihang.locator("tr.sheet-counted")).to_have_count(3)
    expect(qihang.locator("tr.sheet-trimmed_high")).to_contain_text("吴海峰")
    expect(qihang.locator("tr.sheet-trimmed_high")).to_contain_text("去掉最高分")
    expect(qihang.locator("tr.sheet-trimmed_low")).to_contain_text("周敏")
    recused = qihang.locator("tr.sheet-recused")
    expect(recused).to_contain_text(RECUSED_REVIEWER)
    expect(recused).to_contain_text(f"回避：{RECUSED_REASON}")
    expect(qihang.locator("tfoot")).to_contain_text("去掉一个最高分和一个最低分后平均")
    expect(qihang.locator("tfoot th.num")).to_have_text("83.33")  # (85 + 82 + 83) ÷ 3
    expect(qihang.locator("ul.flags li")).to_have_count(1)
    expect(qihang.locator("ul.flags")).to_contain_text("服务方案")
    expect(qihang.locator("ul.flags")).to_contain_text("10–20")

    first, second = page.locator(f'[id="rank-{QIHANG}"]'), page.locator(f'[id="rank-{TONGXIN}"]')
    expect(page.locator("table.ranking tbody tr").first).to_have_id(f"rank-{QIHANG}")
    expect(first.locator("td").first).to_have_text("1")
    expect(first).to_contain_text("可中选")
    expect(second.locator("td").first).to_have_text("2")
    expect(second).to_contain_text("未通过")
    expect(second).not_to_contain_text("可中选")
    shoot(page, screenshots, "review-panel")

    page.locator("nav.tabs").get_by_role("link", name="概况").click()
    fire(page, PANEL, "award", choose={"organization": f"{ORGANIZATIONS[QIHANG]}（{QIHANG}）"})
    page.locator("nav.tabs").get_by_role("link", name="评审").click()
    expect(first).to_contain_text("已中选")
    expect(first).to_have_class("awarded")
    expect(page.locator("main")).not_to_contain_text("可中选")
    shoot(page, screenshots, "review-panel-awarded")
    assert site.state(PANEL) == "awarded"


def test_an_auditor_reads_the_panel_without_forms_and_the_sheet_is_refused(page: Page) -> None:
    sign_in(page, AUDITOR.name, f"/projects/{IN_SERVICE}/panel")
    expect(page.locator(f'[id="rank-{QIHANG}"]')).to_contain_text("已中选")
    expect(page.locator(f'[id="panel-{QIHANG}"] tr.sheet-counted')).to_have_count(3)
    expect(page.locator("main form")).to_have_count(0)
    expect(page.locator("nav.tabs")).not_to_contain_text("我的评分")
    response = page.goto(f"/projects/{IN_SERVICE}/panel/sheet")
    assert response is not None and response.status == 403
    expect(page.locator("h1")).to_have_text("不允许")
    expect(page.locator("main .error")).to_contain_text("只有评审专家可以对")
    expect(page.locator("main form")).to_have_count(0)


def test_a_station_officer_reads_its_own_panel_but_another_stations_is_not_found(
    page: Page,
) -> None:
    sign_in(page, STATION_OFFICER, f"/projects/{STATION_PROJECT}/panel")
    expect(page.locator("h1")).to_contain_text(STATION_PROJECT)
    expect(page.locator("main")).to_contain_text("尚无申报方案")
    for path in ("panel", "panel/sheet", "panel/template.xlsx"):
        response = page.goto(f"/projects/{OTHER_STATION_PROJECT}/{path}")
        assert response is not None and response.status == 404, path
        expect(page.locator("h1")).to_have_text("未找到")
