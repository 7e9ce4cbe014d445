"""Correcting mistakes in a real browser: an inspection dated outside the service period, a
wrong payment amount (four eyes) and a contract amendment, the old values struck through."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from procure.store.db import new_session
from tests.e2e.web.browser import sign_in, sign_out
from tests.e2e.web.site import Site
from tests.integration.builders import LEADER, OFFICER, SUPERVISOR, Plan, create_project, drive

CODE = "SM-2016-001"  # a year of its own: no other browser test counts it
YEAR = 2016


@pytest.fixture(scope="module")
def in_service(site: Site) -> str:
    """A project of its own in service: payment #1 of 400,000.00, inspection #1 on 06-18."""
    with new_session(site.engine) as session:
        plan = create_project(session, Plan(code=CODE, year=YEAR), title="更正演示")
        drive(session, plan, "in_service")
    return f"/projects/{CODE}"


def correct(page: Page, field: str, record: str, value: str, reason: str) -> None:
    form = page.locator("#do-correct")
    form.locator("summary").click()
    form.locator('select[name="field"]').select_option(field)
    form.locator('input[name="record"]').fill(record)
    form.locator('input[name="value"]').fill(value)
    form.locator('textarea[name="reason"]').fill(reason)
    form.get_by_role("button", name="提交更正").click()
    confirm_change(page)


def confirm_change(page: Page) -> None:
    """On the confirmation page that restates a correction, an approval or an amendment,
    press 确认 (the change is made only from there)."""
    page.locator("#confirm-form").wait_for()
    page.locator("#confirm-form button[type=submit]").click()


def test_a_supervisor_corrects_an_inspection_date_and_the_old_one_stays_struck_through(
    page: Page, in_service: str
) -> None:
    sign_in(page, SUPERVISOR.name, in_service)
    correct(page, "inspection.inspected_on", "1", f"{YEAR}-07-18", "月份录错")
    page.wait_for_url("**done=correct**")
    row = page.locator("#correction-1")
    expect(row.locator("del")).to_have_text(f"{YEAR}-06-18")
    expect(row).to_contain_text("月份录错")


def test_a_wrong_payment_amount_counts_once_the_leader_approves_it(
    page: Page, site: Site, in_service: str
) -> None:
    sign_in(page, OFFICER.name, in_service)
    correct(page, "payment.amount", "1", "40000", "多录一个零")
    page.wait_for_url("**done=correct**")
    number = page.locator("table.changes tr[id^=correction-]").count()
    expect(page.locator(f"#correction-{number}")).to_contain_text("待分管领导审批")
    assert site.payments(CODE)[0].amount == Decimal("400000.00")
    sign_out(page)

    sign_in(page, LEADER.name, in_service)
    page.get_by_role("button", name=f"审批 #{number}").click()
    confirm_change(page)
    page.wait_for_url("**done=approve_correction**")
    expect(page.locator(f"#correction-{number} del")).to_have_text("400000.00")
    assert site.payments(CODE)[0].amount == Decimal("40000.00")
