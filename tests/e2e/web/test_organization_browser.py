"""The organization's own account in a real browser: its page 我的项目, its acknowledgement
inside the window, and nothing of another organization reachable by typing a URL."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from procure.services.lifecycle.clock import now_utc
from procure.services.scoring.assessment_pages import CommentWindow, comment_window
from procure.store import queries
from procure.store.db import new_session
from tests.e2e.web.browser import confirm, fill_sheet, shoot, shoot_widths, sign_in, sign_out
from tests.e2e.web.site import (
    ACKNOWLEDGE,
    HOSTILE,
    HOSTILE_ASSESS,
    HOSTILE_LOGIN,
    HOSTILE_ORGANIZATION,
    HOSTILE_USCC,
    RENHE_PROJECT,
    Site,
)
from tests.integration.builders import (
    ASSESSMENT_GOOD,
    ASSESSOR,
    NARRATIVES,
    ORGANIZATIONS,
    QIHANG,
    RENHE,
    organization_actor,
)


def window(site: Site, code: str) -> CommentWindow:
    """The comment window the server computes today for ``code``."""
    with new_session(site.engine) as session:
        found = comment_window(session, code, now_utc())
    assert found is not None
    return found


def test_the_organization_sees_its_work_acknowledges_and_the_assessor_finalizes(
    page: Page, site: Site, screenshots: Path
) -> None:
    sign_in(page, organization_actor(QIHANG).name, "/mine")
    expect(page.locator("header nav")).to_contain_text("我的项目")
    expect(page.locator("main h2").first).to_contain_text(ORGANIZATIONS[QIHANG])
    contract = page.locator(f"#contract-HT-{ACKNOWLEDGE}")
    expect(contract.locator("h4")).to_contain_text("职工心理关爱")
    expect(contract).to_contain_text("480,000.00 元")  # the contract
    expect(contract.locator("table", has_text="拨付")).to_contain_text("400,000.00")
    expect(contract.locator("table", has_text="监管检查")).to_contain_text("台账齐全")
    expect(contract).to_contain_text("85.00 · 良好 · 未定稿")
    open_window = window(site, ACKNOWLEDGE)
    assert open_window.open and open_window.days_left >= 13
    expect(contract).to_contain_text(
        f"截止 {open_window.closes_zh}（还剩 {open_window.days_left} 天）"
    )
    shoot(page, screenshots, "mine")

    contract.get_by_role("link", name="提交意见或确认").click()
    page.wait_for_url(f"**/projects/{ACKNOWLEDGE}/assessment#comment")
    expect(page.locator("#comment-window")).to_contain_text(open_window.closes_zh)
    expect(page.locator("#sheet")).to_have_count(0)  # not the assessor's form
    expect(page.locator("#finalize")).to_have_count(0)
    page.fill("#comment-text", "服务人次统计口径已核对，无异议。")
    page.get_by_label("确认无异议").check()
    shoot(page, screenshots, "assessment-organization")
    page.get_by_role("button", name="提交", exact=True).click()
    page.wait_for_url(f"**/projects/{ACKNOWLEDGE}/assessment?done=comment")
    comments = page.locator("ul.comments")
    expect(comments).to_contain_text("确认无异议")
    expect(comments).to_contain_text("服务人次统计口径已核对，无异议。")
    sign_out(page)

    sign_in(page, ASSESSOR.name, f"/projects/{ACKNOWLEDGE}/assessment")
    finalize = page.locator("#finalize")
    finalize.get_by_role("button").click()
    confirm(page, ACKNOWLEDGE, "finalize_assessment")
    page.get_by_role("link", name="考核", exact=True).click()
    page.wait_for_url(f"**/projects/{ACKNOWLEDGE}/assessment")
    expect(page.locator("section.result dd").first).to_contain_text("已定稿")
    expect(page.locator("section.result")).to_contain_text("已考核")
    expect(page.locator("#finalize form")).to_have_count(0)
    shoot(page, screenshots, "assessment-final")
    assert site.state(ACKNOWLEDGE) == "assessed"


def test_a_second_organization_gets_not_found_for_the_firsts_assessment_and_sees_only_its_own(
    open_page: Callable[[], Page], site: Site
) -> None:
    page = open_page()
    sign_in(page, organization_actor(RENHE).name, "/mine")
    expect(page.locator("main h2")).to_have_count(1)
    expect(page.locator("main h2")).to_contain_text(ORGANIZATIONS[RENHE])
    linked = {
        link.split("/")[2]
        for link in page.locator("main a[href^='/projects/']").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
    }
    assert linked == {RENHE_PROJECT}
    expect(page.locator("main")).not_to_contain_text(ORGANIZATIONS[QIHANG])
    expect(page.locator("main")).not_to_contain_text(ACKNOWLEDGE)

    for path in (
        f"/projects/{ACKNOWLEDGE}/assessment",
        f"/projects/{ACKNOWLEDGE}/assessment/template.xlsx",
        f"/projects/{ACKNOWLEDGE}",
    ):
        response = page.goto(path)
        assert response is not None and response.status == 404, path
        expect(page.locator("h1")).to_have_text("未找到")
        expect(page.locator("main")).not_to_contain_text("职工心理关爱")
    page.goto(f"/projects/{RENHE_PROJECT}/assessment")
    expect(page.locator("#result-total")).to_have_text("85.00")  # its own opens


HOSTILE_NARRATIVE = "<script>alert('narrative')</script>{{ 7*7 }} 职工😀满意"
HOSTILE_COMMENT = "<img src=x onerror=alert('comment')>{% raw %}{{ 7*7 }}{% endraw %} 🧧收到"


def test_hostile_narratives_comments_and_organization_names_are_shown_literally(
    page: Page, screenshots: Path
) -> None:
    code = f"/projects/{HOSTILE_ASSESS}/assessment"
    sign_in(page, ASSESSOR.name, code)
    fill_sheet(page, ASSESSMENT_GOOD, {**NARRATIVES, "finance": HOSTILE_NARRATIVE})
    page.fill("#narrative", HOSTILE_NARRATIVE)
    page.get_by_role("button", name="保存评分表").click()
    page.wait_for_url(f"**{code}?done=sheet")
    narratives = page.locator("section.sheet dl.narratives")
    expect(narratives.locator("dd").nth(1)).to_have_text(HOSTILE_NARRATIVE)
    expect(page.locator("section.sheet")).to_contain_text(f"总体评语：{HOSTILE_NARRATIVE}")
    sign_out(page)

    sign_in(page, HOSTILE_LOGIN, "/mine")
    expect(page.locator("main h2")).to_have_text(f"{HOSTILE_ORGANIZATION} {HOSTILE_USCC}")
    expect(page.locator("header .who")).to_contain_text(HOSTILE_ORGANIZATION)
    page.locator(f"#contract-HT-{HOSTILE_ASSESS}").get_by_role(
        "link", name="提交意见或确认"
    ).click()
    page.wait_for_url(f"**{code}#comment")
    page.fill("#comment-text", HOSTILE_COMMENT)
    page.get_by_role("button", name="提交", exact=True).click()
    page.wait_for_url(f"**{code}?done=comment")
    expect(page.locator("ul.comments .comment-text")).to_have_text(HOSTILE_COMMENT)
    expect(page.locator("section.sheet dl.narratives dd").nth(1)).to_have_text(HOSTILE_NARRATIVE)
    expect(page.locator("main script, main img, header script, header b")).to_have_count(0)
    shoot(page, screenshots, "assessment-hostile")


def test_an_organization_is_asked_before_withdrawing_its_proposal_and_may_go_back(
    page: Page, site: Site, screenshots: Path
) -> None:
    sign_in(page, HOSTILE_LOGIN, "/mine")
    page.locator(f'[id="withdraw-{HOSTILE}"]').get_by_role("button", name="撤回申报").click()
    page.wait_for_url(f"**/projects/{HOSTILE}/withdraw")
    expect(page.locator("#confirm-values")).to_contain_text(HOSTILE_ORGANIZATION)
    expect(page.locator("#confirm-values")).to_contain_text("290,000.00")
    expect(page.locator("#irreversible")).to_contain_text("不能恢复")
    expect(page.locator("main script, main b")).to_have_count(0)  # the name, shown literally
    shoot_widths(page, screenshots, "withdraw-confirm", fits=False)  # the hostile name
    page.get_by_role("link", name="返回修改").click()
    page.wait_for_url("**/mine")
    shoot_widths(page, screenshots, "mine-withdraw", fits=False)  # its table: 1057 px
    with new_session(site.engine) as session:  # nothing withdrawn until it is confirmed
        project = queries.project_by_code(session, HOSTILE)
        assert queries.proposal_of(session, project, HOSTILE_USCC) is not None
    page.goto(f"/projects/{HOSTILE}")  # the project page offers the same withdrawal
    offered = page.locator(f'[id="withdraw-{HOSTILE_USCC}"]')
    expect(offered).to_contain_text(HOSTILE_ORGANIZATION)
    expect(page.locator("#actions")).not_to_contain_text("暂不可办理")
    shoot_widths(page, screenshots, "project-withdraw")
