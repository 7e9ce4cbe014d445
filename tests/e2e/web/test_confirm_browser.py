"""Enter in a text field never fires a step that cannot be undone (issue 21): pressing
Enter in the contract-number field shows the confirmation page, which restates the values
and what cannot be undone, on a laptop and on a phone; going back signs nothing."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.web.browser import action, shoot_widths, sign_in
from tests.e2e.web.site import AWARDED, IN_SERVICE, Site
from tests.integration.builders import OFFICER

TERMS = {
    "amount": "280000.00",  # within the scene's budget of 300,000.00
    "start": "2019-03-01",
    "end": "2019-12-31",
    "signed_on": "2019-02-25",
    "number": "思总工购〔2019〕3号",
}


def test_enter_in_the_contract_number_shows_the_confirmation_and_signs_nothing(
    page: Page, site: Site, screenshots: Path
) -> None:
    sign_in(page, OFFICER.name, f"/projects/{AWARDED}")
    before = site.business_data()
    form = action(page, "sign_contract")
    expect(form).to_contain_text("下一步将显示确认页")
    for name, value in TERMS.items():
        page.fill(f"#sign_contract-{name}", value)
    page.locator("#sign_contract-number").press("Enter")

    page.wait_for_url(f"**/projects/{AWARDED}/do/sign_contract")
    values = page.locator("#confirm-values")
    for shown in (TERMS["number"], "¥280,000.00", "2019-03-01", "2019-12-31", "2019-02-25"):
        expect(values).to_contain_text(shown)
    expect(page.locator("#irreversible")).to_contain_text("不能撤销")
    assert site.business_data() == before and site.contract(AWARDED) is None
    shoot_widths(page, screenshots, "confirm-sign-contract")

    page.get_by_role("link", name="返回修改").click()
    page.wait_for_url(f"**/projects/{AWARDED}?open=sign_contract")
    assert site.state(AWARDED) == "awarded" and site.business_data() == before


def test_enter_in_the_amendment_amount_shows_the_confirmation_and_amends_nothing(
    page: Page, site: Site, screenshots: Path
) -> None:
    sign_in(page, OFFICER.name, f"/projects/{IN_SERVICE}")
    before = site.business_data()
    page.locator("#do-amend summary").click()
    page.fill("#amend-rationale", "服务对象减少，经双方协商调减金额")
    page.fill("#amend-amount", "800000.00")
    page.locator("#amend-amount").press("Enter")

    page.wait_for_url(f"**/projects/{IN_SERVICE}/amend")
    expect(page.locator("#confirm-values")).to_contain_text("¥868,000.00 → ¥800,000.00")
    expect(page.locator("#irreversible")).to_contain_text("审批后合同按变更后的条款执行")
    assert site.business_data() == before
    shoot_widths(page, screenshots, "confirm-amend-contract")

    page.get_by_role("link", name="返回修改").click()
    page.wait_for_url(f"**/projects/{IN_SERVICE}#changes")
    assert site.business_data() == before
