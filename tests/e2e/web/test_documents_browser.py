"""A reviewer reads a proposal's plan in the browser before scoring it (issue 22, item 5):
the files are listed beside each proposal's scorecard, the PDF opens in the browser's own
viewer (in a sandbox, never as a page of ours), downloads under its own name, and the sheet
is then scored as usual."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect
from sqlmodel import select

from procure.store.db import new_session
from procure.store.document_models import Attachment
from tests.e2e.web.browser import WIDTHS, shoot, shoot_widths, sign_in
from tests.e2e.web.conftest import BROWSERS_OWN_VIEWER
from tests.e2e.web.site import PROPOSAL_PDF, READ_DOCUMENTS, UPLOAD_DOCUMENTS, Site
from tests.hostile_documents import text_pdf
from tests.integration.builders import QIHANG, REVIEW_GOOD, REVIEWERS, TONGXIN, organization_actor

SUBMIT = "提交评分"


def attachment_id(site: Site, name: str) -> int:
    """The id of the attached file ``name``."""
    with new_session(site.engine) as session:
        found = session.exec(select(Attachment.id).where(Attachment.name == name)).one()
    return int(found or 0)


def test_a_reviewer_opens_a_proposals_plan_in_the_browser_before_scoring_it(
    page: Page, site: Site, screenshots: Path
) -> None:
    reviewer = REVIEWERS[0].name
    sign_in(page, reviewer, f"/projects/{READ_DOCUMENTS}/panel/sheet")
    section = page.locator(f'[id="sheet-{QIHANG}"]')
    files = section.locator("table.attachments")
    expect(files.locator("tbody tr")).to_have_count(1)
    expect(files).to_contain_text(PROPOSAL_PDF[QIHANG])
    expect(files).to_contain_text("PDF 文件")
    expect(files).not_to_contain_text(PROPOSAL_PDF[TONGXIN])  # each beside its own scorecard
    expect(page.locator(f'[id="sheet-{TONGXIN}"] table.attachments')).to_contain_text(
        PROPOSAL_PDF[TONGXIN]
    )
    expect(page.locator('input[type="file"][name="file"]')).to_have_count(0)  # reads, adds none
    for label, (width, height) in WIDTHS.items():  # the scorecard's table is wider than a
        page.set_viewport_size({"width": width, "height": height})  # phone: the files are not
        box = files.bounding_box()
        assert box is not None and box["x"] + box["width"] <= width, (label, box)
        shoot(page, screenshots, f"review-sheet-documents-{label}")
    page.set_viewport_size({"width": 1280, "height": 900})

    loaded: list[str] = []
    page.context.on("request", lambda request: loaded.append(request.url))
    with page.context.expect_page() as opening:
        files.get_by_role("link", name=PROPOSAL_PDF[QIHANG]).click()
    viewer = opening.value
    viewer.wait_for_load_state()
    viewer.wait_for_timeout(1_500)  # the viewer draws the page
    assert viewer.url.endswith(f"/attachments/{attachment_id(site, PROPOSAL_PDF[QIHANG])}")
    assert any(url.startswith(BROWSERS_OWN_VIEWER[0]) for url in loaded), loaded
    shoot(viewer, screenshots, "proposal-pdf-in-the-browsers-viewer")
    viewer.close()

    with page.expect_download() as downloading:
        files.get_by_role("link", name="下载", exact=True).click()
    assert downloading.value.suggested_filename == PROPOSAL_PDF[QIHANG]

    for code, value in REVIEW_GOOD.items():
        page.locator(f'[id="{QIHANG}-{code}"]').fill(str(value))
    section.get_by_role("button", name=SUBMIT).click()
    page.wait_for_url(f"**/projects/{READ_DOCUMENTS}/panel/sheet?done=review")
    expect(section.locator("p.ok")).to_have_text("已评分：总分 85.00")
    expect(section.locator("table.attachments")).to_contain_text(PROPOSAL_PDF[QIHANG])
    assert site.reviews(READ_DOCUMENTS) == [(reviewer, QIHANG, "85.00")]


def test_a_bidder_attaches_its_plan_and_a_web_page_named_pdf_is_refused(
    page: Page, site: Site, screenshots: Path, tmp_path: Path
) -> None:
    sign_in(page, organization_actor(QIHANG).name, f"/projects/{UPLOAD_DOCUMENTS}")
    page.locator("nav.tabs").get_by_role("link", name="附件").click()
    page.wait_for_url(f"**/projects/{UPLOAD_DOCUMENTS}/documents")
    form = page.locator("form.attach")
    expect(form).to_have_count(1)  # its own proposal only
    plan = tmp_path / "启航-服务方案（定稿）.pdf"
    plan.write_bytes(text_pdf("Service plan", "final"))
    form.locator('input[type="file"]').set_input_files(plan)
    form.get_by_role("checkbox").check()
    form.get_by_role("button", name="上传附件").click()
    page.wait_for_url(f"**/projects/{UPLOAD_DOCUMENTS}/documents?attached=1*")
    expect(page.locator("p.ok[role=status]")).to_have_text("附件已上传")
    expect(page.locator("table.attachments")).to_contain_text(plan.name)
    shoot_widths(page, screenshots, "documents-attached")

    before = site.business_data()
    page_as_pdf = tmp_path / "预算.pdf"
    page_as_pdf.write_bytes(b"<html><script>alert('pdf')</script></html>")
    form = page.locator("form.attach")
    form.locator('input[type="file"]').set_input_files(page_as_pdf)
    form.get_by_role("checkbox").check()
    form.get_by_role("button", name="上传附件").click()
    page.wait_for_url(f"**/projects/{UPLOAD_DOCUMENTS}/documents")
    expect(page.locator("p.error[role=alert]")).to_contain_text("'预算.pdf' 的内容是 HTML")
    expect(page.locator("table.attachments tbody tr")).to_have_count(1)
    shoot(page, screenshots, "documents-refused")
    assert site.business_data() == before
