"""The demo's year in a real browser: each demo account does its part of SM-2020-010, from
the draft to the year-end renewal and the printed records, by clicking and typing only.

The tests run in order on one demo database (``procure demo``: the decided 2019 year and
the 2020 draft), served by ``procure serve`` for this module; each stage is a test of its
own, named as the rule it shows, and saves a screenshot. The public pages are read without
signing in (a fresh browser, so nothing cached from an earlier visit).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

from playwright.sync_api import Page, expect
from sqlmodel import col, select

from procure.store import queries
from procure.store.db import make_engine, new_session
from procure.store.models import Payment
from tests.e2e.web.browser import (
    action,
    confirm,
    fill_review_template,
    fill_sheet,
    fire,
    shoot,
    shoot_widths,
)
from tests.e2e.web.demo import (
    SERVICE_DAY,
    SIGNED_ON,
    DemoServer,
    demo_sign_in,
    print_year,
    state,
)
from tests.e2e.web.demo_year_facts import (
    ACKNOWLEDGEMENT,
    ANSWER,
    ASSESSOR,
    AUDITOR,
    BLANK_TEMPLATE,
    CODE,
    CONTRACT,
    DONE,
    DRAFT,
    FINDINGS,
    JOB_MS,
    LEADER,
    LOSER,
    OBJECTION,
    OFFICER,
    PAYMENTS,
    PRICES,
    RECUSAL_REASON,
    RECUSED,
    REVIEWERS,
    SUBMIT_SHEET,
    SUPERVISOR,
    TONGXIN_SHEET,
    UPLOADER,
    WINNER,
    organization_label,
)
from tests.integration.builders import (
    ASSESSMENT_GOOD,
    NARRATIVES,
    ORGANIZATIONS,
    QIHANG,
    REVIEW_GOOD,
    TONGXIN,
)
from tests.integration.records import needs_printing


def test_the_officer_submits_the_draft_and_the_leader_approves_it(
    page: Page, demo_db: str, screenshots: Path
) -> None:
    demo_sign_in(page, OFFICER, "/dashboard")
    page.locator("main").get_by_role("link", name=CODE).first.click()
    page.wait_for_url(f"**/projects/{CODE}**")
    shoot(page, screenshots, "year-01-draft")
    fire(page, CODE, "submit")
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/signin**")

    demo_sign_in(page, LEADER, f"/projects/{CODE}")
    fire(page, CODE, "approve")
    expect(page.locator(".state")).to_contain_text("已立项")
    shoot(page, screenshots, "year-02-approved")
    assert state(demo_db) == "approved"


def test_the_officer_opens_the_call_registers_two_proposals_and_closes_it(
    page: Page, demo_db: str, screenshots: Path
) -> None:
    demo_sign_in(page, OFFICER, f"/projects/{CODE}")
    fire(page, CODE, "open_call")
    for uscc, price in PRICES.items():
        fire(
            page,
            CODE,
            "add_proposal",
            choose={"organization": organization_label(uscc)},
            fill={"price": price},
        )
    shoot(page, screenshots, "year-03-proposals")
    fire(page, CODE, "close_call")
    expect(page.locator(".state")).to_contain_text("评审中")
    assert state(demo_db) == "reviewing"


def test_three_reviewers_score_by_form_and_by_template_and_a_fourth_declares_a_conflict(
    open_page: Callable[[], Page], screenshots: Path, tmp_path: Path
) -> None:
    for reviewer in REVIEWERS:
        page = open_page()
        demo_sign_in(page, reviewer, f"/projects/{CODE}")
        go = action(page, "record_review").get_by_role("link", name="去评分")
        go.click()
        page.wait_for_url(f"**/projects/{CODE}/panel/sheet")
        typed = {QIHANG: REVIEW_GOOD}
        if reviewer != UPLOADER:
            typed[TONGXIN] = TONGXIN_SHEET
        for uscc, scores in typed.items():
            for criterion, value in scores.items():
                page.locator(f'[id="{uscc}-{criterion}"]').fill(str(value))
            page.locator(f'[id="sheet-{uscc}"]').get_by_role("button", name=SUBMIT_SHEET).click()
            page.wait_for_url(f"**/projects/{CODE}/panel/sheet?done=review")
        if reviewer == UPLOADER:
            blank = page.get_by_role("link", name=BLANK_TEMPLATE)
            with page.expect_download() as downloading:
                blank.click()
            filled = tmp_path / "评分表.xlsx"
            downloading.value.save_as(filled)
            fill_review_template(filled, TONGXIN_SHEET)
            page.select_option("#upload-organization", TONGXIN)
            page.set_input_files("#upload-sheet", filled)
            page.get_by_role("button", name="上传并提交").click()
            page.wait_for_url(f"**/projects/{CODE}/panel/sheet?done=upload")
        expect(page.locator(f'[id="sheet-{QIHANG}"] p.ok')).to_contain_text("已评分：总分 85.00")
        expect(page.locator(f'[id="sheet-{TONGXIN}"] p.ok')).to_contain_text("已评分：总分 74.46")
        shoot(page, screenshots, f"year-04-sheet-{REVIEWERS.index(reviewer) + 1}")

    page = open_page()
    demo_sign_in(page, RECUSED, f"/projects/{CODE}/panel/sheet")
    page.select_option("#recusal-organization", TONGXIN)
    page.fill("#recusal-reason", RECUSAL_REASON)
    page.locator("#recusal").get_by_role("button", name="登记回避").click()
    page.wait_for_url(f"**/projects/{CODE}/panel/sheet?done=recusal")
    expect(page.locator(f'[id="sheet-{TONGXIN}"]')).to_contain_text(RECUSAL_REASON)
    shoot(page, screenshots, "year-05-recusal")


def test_before_the_award_the_public_year_names_no_reviewer_and_no_recusal(
    page: Page, screenshots: Path
) -> None:
    page.goto("/public/")
    page.get_by_role("link", name="SM-FED").click()
    page.wait_for_url("**/public/purchasers/SM-FED")
    page.get_by_role("link", name="2020").click()
    page.wait_for_url("**/public/purchasers/SM-FED?year=2020")
    main = page.locator("main")
    expect(main).to_contain_text(DRAFT.title)
    expect(main.locator("section.notice", has_text=CODE)).to_have_count(0)  # no award yet
    for private in (*REVIEWERS, RECUSED, RECUSAL_REASON):
        expect(main).not_to_contain_text(private)
    expect(page.locator("header")).not_to_contain_text("退出")
    shoot(page, screenshots, "year-06-public-before-award")


def test_the_officer_awards_from_the_panel_page_and_the_notice_is_public_without_sign_in(
    page: Page, open_page: Callable[[], Page], demo_db: str, screenshots: Path, base_url: str
) -> None:
    demo_sign_in(page, OFFICER, f"/projects/{CODE}")
    page.locator("nav.tabs").get_by_role("link", name="评审").click()
    page.wait_for_url(f"**/projects/{CODE}/panel")
    winner = page.locator(f'[id="rank-{QIHANG}"]')
    expect(winner).to_contain_text("可中选")
    expect(page.locator(f'[id="panel-{TONGXIN}"] tr.sheet-recused')).to_contain_text(RECUSED)
    expect(page.locator("table.ranking tbody tr").first).to_have_id(f"rank-{QIHANG}")
    shoot(page, screenshots, "year-07-panel")
    winner.get_by_role("button", name="确定中选", exact=True).click()
    page.wait_for_url(f"**/projects/{CODE}/do/award")
    expect(page.locator("#confirm-values")).to_contain_text(organization_label(QIHANG))
    expect(page.locator("#irreversible")).to_contain_text("公示后不能撤回")
    assert state(demo_db) == "reviewing"  # nothing done before the confirmation
    shoot_widths(page, screenshots, "year-07b-award-confirm")
    page.locator("#confirm-form").get_by_role("button", name="确认确定中选组织").click()
    page.wait_for_url(f"**/projects/{CODE}?done=award")
    assert state(demo_db) == "awarded"

    public = open_page()
    public.goto("/public/")
    public.get_by_role("link", name=f"{DRAFT.title}（{CODE}）").click()
    public.wait_for_url(f"**/public/notices/{CODE}")
    notice = public.locator("#notice-1")
    expect(notice).to_contain_text(f"{ORGANIZATIONS[QIHANG]}（统一社会信用代码 {QIHANG}）")
    rows = notice.locator("tbody tr")
    expect(rows.first).to_contain_text("85.00")
    expect(rows.first).to_contain_text("中选")
    expect(rows.nth(1)).to_contain_text(ORGANIZATIONS[TONGXIN])
    expect(rows.nth(1)).to_contain_text("74.46")
    for reviewer in REVIEWERS:  # named once awarded; the recused one sat no sheet
        expect(notice).to_contain_text(reviewer)
    expect(public.locator("main")).not_to_contain_text(RECUSAL_REASON)
    expect(notice).to_contain_text("无质疑。")
    shoot(public, screenshots, "year-08-public-notice")

    feed = public.locator('link[rel="alternate"][type="application/atom+xml"]')
    expect(feed).to_have_attribute("href", "/public/feed.atom")
    expect(public.get_by_role("link", name="订阅 Atom")).to_have_attribute(
        "href", "/public/feed.atom"
    )
    answer = public.request.get("/public/feed.atom")
    assert answer.ok and answer.headers["content-type"].startswith("application/atom+xml")
    titles = [
        entry.findtext("{http://www.w3.org/2005/Atom}title") or ""
        for entry in ElementTree.fromstring(answer.body()).iter(
            "{http://www.w3.org/2005/Atom}entry"
        )
    ]
    assert any(CODE in title for title in titles), titles


def test_the_losing_organization_objects_signing_waits_and_the_rejection_is_public(
    page: Page, open_page: Callable[[], Page], screenshots: Path
) -> None:
    demo_sign_in(page, LOSER, "/mine")
    page.get_by_role("link", name="公示与质疑").click()
    page.wait_for_url(f"**/projects/{CODE}/objection")
    page.fill('textarea[name="text"]', OBJECTION)
    shoot(page, screenshots, "year-09-objection-form")
    page.get_by_role("button", name="提交质疑").click()
    page.wait_for_url(f"**/projects/{CODE}/objection?done=1")
    expect(page.locator("table.list")).to_contain_text(OBJECTION)

    officer = open_page()
    demo_sign_in(officer, OFFICER, f"/projects/{CODE}")
    expect(officer.locator("#blocked-sign_contract")).to_contain_text("质疑")
    expect(officer.locator("#do-sign_contract")).to_have_count(0)
    fire(
        officer,
        CODE,
        "reject_objection",
        choose={"organization": organization_label(TONGXIN)},
        fill={"reason": ANSWER},
    )
    shoot(officer, screenshots, "year-10-objection-rejected")

    public = open_page()
    public.goto(f"/public/notices/{CODE}")
    answered = public.locator("#notice-1 tbody tr", has_text=OBJECTION)
    expect(answered).to_contain_text(ORGANIZATIONS[TONGXIN])
    expect(answered).to_contain_text(f"质疑不成立，予以驳回：{ANSWER}")
    shoot(public, screenshots, "year-11-public-objection-answered")


def test_the_officer_signs_and_pays_and_the_supervisor_records_an_inspection(
    server: DemoServer, page: Page, open_page: Callable[[], Page], demo_db: str, screenshots: Path
) -> None:
    server.start_at(SERVICE_DAY)  # the objection window has ended, the service has begun
    demo_sign_in(page, OFFICER, f"/projects/{CODE}")
    fire(
        page,
        CODE,
        "sign_contract",
        fill={
            "number": CONTRACT,
            "amount": PRICES[QIHANG],
            "start": "2020-03-01",
            "end": "2020-12-31",
            "signed_on": SIGNED_ON,
        },
    )
    fire(page, CODE, "start_service")
    for amount, day in PAYMENTS:
        fire(page, CODE, "record_payment", fill={"amount": amount, "paid_on": day})
    expect(page.locator("main")).to_contain_text("86,400.00")
    shoot(page, screenshots, "year-12-contract-payments")

    supervisor = open_page()
    demo_sign_in(supervisor, SUPERVISOR, f"/projects/{CODE}")
    fire(
        supervisor,
        CODE,
        "record_inspection",
        fill={"inspected_on": "2020-06-15", "findings": FINDINGS},
    )
    expect(supervisor.locator("main")).to_contain_text(FINDINGS)
    shoot(supervisor, screenshots, "year-13-inspection")
    engine = make_engine(demo_db)
    try:
        with new_session(engine) as session:
            contract = queries.contract_of(session, queries.project_by_code(session, CODE))
            assert contract is not None and contract.number == CONTRACT
            paid = select(Payment).where(Payment.contract_id == contract.id)
            payments = session.exec(paid.order_by(col(Payment.id)))
            assert [str(p.amount) for p in payments] == [amount for amount, _ in PAYMENTS]
    finally:
        engine.dispose()


def test_the_assessor_writes_narratives_the_organization_acknowledges_and_it_is_final(
    page: Page, open_page: Callable[[], Page], demo_db: str, screenshots: Path
) -> None:
    demo_sign_in(page, OFFICER, f"/projects/{CODE}")
    fire(page, CODE, "begin_assessment")

    assessor = open_page()
    demo_sign_in(assessor, ASSESSOR, f"/projects/{CODE}")
    assessor.locator("nav.tabs").get_by_role("link", name="考核", exact=True).click()
    assessor.wait_for_url(f"**/projects/{CODE}/assessment")
    fill_sheet(assessor, ASSESSMENT_GOOD, NARRATIVES)
    assessor.get_by_role("button", name="保存评分表").click()
    assessor.wait_for_url(f"**/projects/{CODE}/assessment?done=sheet")
    expect(assessor.locator("#result-total")).to_have_text("85.00")
    expect(assessor.locator("#result-grade")).to_contain_text("良好")
    shoot(assessor, screenshots, "year-14-assessment")

    organization = open_page()
    demo_sign_in(organization, WINNER, "/mine")
    contract = organization.locator(f'[id="contract-{CONTRACT}"]')
    expect(contract).to_contain_text("85.00 · 良好 · 未定稿")
    contract.get_by_role("link", name="提交意见或确认").click()
    organization.wait_for_url(f"**/projects/{CODE}/assessment#comment")
    expect(organization.locator("#comment-window")).to_contain_text("天")
    organization.fill("#comment-text", ACKNOWLEDGEMENT)
    organization.get_by_label("确认无异议").check()
    organization.get_by_role("button", name="提交", exact=True).click()
    organization.wait_for_url(f"**/projects/{CODE}/assessment?done=comment")
    expect(organization.locator("ul.comments")).to_contain_text("确认无异议")
    shoot(organization, screenshots, "year-15-acknowledged")

    assessor.reload()
    assessor.locator("#finalize").get_by_role("button").click()
    expect(assessor.locator("#irreversible")).to_contain_text("考核结果定稿后评分和等级不能再改")
    confirm(assessor, CODE, "finalize_assessment")
    assert state(demo_db) == "assessed"

    public = open_page()
    public.goto("/public/purchasers/SM-FED?year=2020")
    result = public.locator("tr", has_text=f"（{CODE}）").last
    expect(result).to_contain_text("85.00")
    for narrative in NARRATIVES.values():  # the assessors' narratives stay private
        expect(public.locator("main")).not_to_contain_text(narrative)


def test_the_officer_renews_the_2020_year_from_its_plan_after_confirming_the_counts(
    page: Page, demo_db: str, screenshots: Path
) -> None:
    demo_sign_in(page, OFFICER, "/renewal")
    page.fill("#r-year", "2020")
    page.select_option("#r-purchaser", value="SM-FED")
    page.get_by_role("button", name="查看计划", exact=True).click()
    page.wait_for_url("**/renewal?year=2020&purchaser=SM-FED")
    row = page.locator("#plan-table tbody tr", has_text=CODE)
    expect(row.locator("td").nth(4)).to_have_text("续约")
    expect(page.locator("#count-renew")).to_have_text("1")
    expect(page.locator("#count-refused")).to_have_text("0")
    shoot(page, screenshots, "year-16-renewal-plan")
    page.get_by_role("button", name="执行续约…", exact=True).click()
    page.wait_for_url("**/renewal/confirm")
    expect(page.locator("#count-renew")).to_have_text("1")
    page.get_by_role("button", name="确认执行", exact=True).click()
    page.wait_for_url("**/jobs/*")
    expect(page.locator("#state")).to_have_text(DONE, timeout=JOB_MS)
    expect(page.locator("#refused-count")).to_have_text("0")
    shoot(page, screenshots, "year-17-renewal-done")
    assert state(demo_db) == "renewed"


@needs_printing
def test_the_officer_prints_2020_and_the_auditor_verifies_a_downloaded_record(
    page: Page, open_page: Callable[[], Page], screenshots: Path, tmp_path: Path
) -> None:
    demo_sign_in(page, OFFICER, "/records")
    archive = print_year(page, 2020, tmp_path, timeout_ms=JOB_MS)
    shoot(page, screenshots, "year-18-print-2020-done")
    assert archive.name == "records-2020.zip"
    with zipfile.ZipFile(archive) as opened:
        names = opened.namelist()
        assert len(names) == 1 and names[0].endswith(f"-{CODE}.pdf"), names
        record = Path(opened.extract(names[0], tmp_path / "records"))

    auditor = open_page()
    demo_sign_in(auditor, AUDITOR, "/records")
    auditor.set_input_files("#v-file", str(record))
    auditor.get_by_role("button", name="校验", exact=True).click()
    auditor.wait_for_url("**/records/verify")
    expect(auditor.locator("#verdict")).to_have_class("ok")
    expect(auditor.locator("#verdict")).to_have_text("一致：文件与数据库相符")
    expect(auditor.locator("#project")).to_have_text(CODE)
    shoot(auditor, screenshots, "year-19-auditor-verifies")
