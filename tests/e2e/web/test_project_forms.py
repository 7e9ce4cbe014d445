"""Taking projects through their life with the generated forms, in a real browser."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.web.browser import action, field_error, fire, shoot, sign_in
from tests.e2e.web.site import AWARDED, IN_SERVICE, PROPOSED, WALK, Site
from tests.integration.builders import LEADER, OFFICER, ORGANIZATIONS, QIHANG


def _state_shown(page: Page) -> str:
    return page.locator("dl.facts .state").first.inner_text()


def test_an_officer_takes_a_draft_to_soliciting_with_a_leader_approving(
    page: Page, site: Site, screenshots: Path
) -> None:
    project = f"/projects/{WALK}"
    sign_in(page, OFFICER.name, project)
    shoot(page, screenshots, "project-draft-officer")
    fire(page, WALK, "submit")
    expect(page.locator("p.ok")).to_contain_text("已办理：提交立项申报")
    assert _state_shown(page) == "立项申报"
    page.get_by_role("button", name="退出").click()

    sign_in(page, LEADER.name, project)
    fire(page, WALK, "approve")
    assert _state_shown(page) == "已立项"
    page.get_by_role("button", name="退出").click()

    sign_in(page, OFFICER.name, project)
    fire(page, WALK, "open_call")
    assert _state_shown(page) == "征集中"
    action(page, "add_proposal")
    shoot(page, screenshots, "project-soliciting-forms")
    fire(
        page,
        WALK,
        "add_proposal",
        choose={"organization": f"{ORGANIZATIONS[QIHANG]}（{QIHANG}）"},
        fill={"price": "868,000.00"},  # written as the page prints it
    )
    proposals = page.locator("section", has=page.get_by_role("heading", name="申报方案"))
    expect(proposals.locator("tbody tr")).to_have_count(1)
    expect(proposals).to_contain_text(ORGANIZATIONS[QIHANG])
    expect(proposals).to_contain_text("868,000.00")
    assert site.state(WALK) == "soliciting"
    history = page.locator("ol.timeline")
    for step in ("草拟项目", "提交立项申报", "批准立项", "发布征集", "登记申报方案"):
        expect(history).to_contain_text(step)  # each step by its name, never its code


def test_a_leader_approves_a_proposed_project(page: Page, site: Site) -> None:
    sign_in(page, LEADER.name, f"/projects/{PROPOSED}")
    expect(page.locator("#do-reject")).to_be_attached()  # reject needs a reason: its own form
    fire(page, PROPOSED, "approve")
    assert _state_shown(page) == "已立项"
    assert site.state(PROPOSED) == "approved"


def test_a_bad_contract_amount_is_shown_beside_its_field_and_signs_nothing(
    page: Page, site: Site, screenshots: Path
) -> None:
    sign_in(page, OFFICER.name, f"/projects/{AWARDED}")
    before = site.business_data()
    fire(
        page,
        AWARDED,
        "sign_contract",
        fill={
            "number": "思总工购〔2019〕3号",
            "amount": "二十八万",
            "start": "2019-03-01",
            "end": "2019-12-31",
            "signed_on": "2019-02-25",
        },
        accepted=False,
    )
    expect(field_error(page, "sign_contract", "amount")).to_contain_text("请填写金额")
    expect(page.locator("#sign_contract-amount")).to_have_value("二十八万")
    expect(page.locator("#sign_contract-number")).to_have_value("思总工购〔2019〕3号")
    shoot(page, screenshots, "project-contract-error")
    assert site.business_data() == before
    assert site.state(AWARDED) == "awarded" and site.contract(AWARDED) is None


def test_a_negative_payment_is_shown_beside_its_field_and_pays_nothing(
    page: Page, site: Site, screenshots: Path
) -> None:
    sign_in(page, OFFICER.name, f"/projects/{IN_SERVICE}")
    paid_before = [p.amount for p in site.payments(IN_SERVICE)]
    before = site.business_data()
    fire(
        page,
        IN_SERVICE,
        "record_payment",
        fill={"amount": "-100000.00", "paid_on": "2019-04-01", "note": "第二期"},
        accepted=False,
    )
    expect(field_error(page, "record_payment", "amount")).to_contain_text("请填写金额")
    expect(page.locator("#record_payment-amount")).to_have_value("-100000.00")
    shoot(page, screenshots, "project-payment-error")
    assert site.business_data() == before
    assert [p.amount for p in site.payments(IN_SERVICE)] == paid_before == [Decimal("400000.00")]
