"""Evaluation records in a real browser: an officer prints a year, the job page follows the
server's own worker until the zip downloads, and every record in it verifies; an auditor
uploads a record to verify it, genuine then edited."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from playwright.sync_api import Page, expect
from pypdf import PdfReader, PdfWriter

from procure.reports.verify import read_embedded, verify_pdf
from procure.store.db import new_session
from tests.e2e.web.browser import shoot, sign_in
from tests.e2e.web.site import RECORD_PROJECT, RECORD_YEAR, Site
from tests.integration.builders import AUDITOR, OFFICER
from tests.integration.records import needs_printing

DONE = "已完成"
PRINT_SECONDS = 90_000
"""How long the job page may take to show the print done (ms): ~2 s a record, plus startup."""


@needs_printing
def test_an_officer_prints_a_year_follows_the_job_page_and_every_downloaded_record_verifies(
    page: Page, site: Site, tmp_path: Path, screenshots: Path
) -> None:
    sign_in(page, OFFICER.name, "/records")
    shoot(page, screenshots, "records")
    page.fill("#p-year", str(RECORD_YEAR))
    page.select_option("#p-purchaser", value="")
    page.get_by_role("button", name="打印", exact=True).click()
    page.wait_for_url("**/jobs/*")
    job_url = page.url

    progress = page.locator("progress#progress")
    expect(progress).to_have_attribute("max", "1")  # the year's one contracted project
    first_state = page.locator("#state").inner_text()
    loads: list[str] = []
    page.on("load", lambda _: loads.append(page.url))
    if first_state != DONE:  # the worker had not finished yet: the page reloads itself
        expect(page.locator('meta[http-equiv="refresh"]')).to_have_count(1)
        shoot(page, screenshots, "job-print-running")
    expect(page.locator("#state")).to_have_text(DONE, timeout=PRINT_SECONDS)
    assert page.url == job_url
    if first_state != DONE:
        assert loads, "the job page never reloaded by itself"
    expect(progress).to_have_attribute("value", "1")
    expect(page.locator('meta[http-equiv="refresh"]')).to_have_count(0)
    shoot(page, screenshots, "job-print-done")

    with page.expect_download() as downloading:
        page.locator("#download").click()
    download = downloading.value
    assert download.suggested_filename == f"records-{RECORD_YEAR}.zip"
    archive = tmp_path / download.suggested_filename
    download.save_as(archive)
    with zipfile.ZipFile(archive) as opened:
        names = opened.namelist()
        assert [name for name in names if name.endswith(".pdf")] == names
        assert len(names) == 1 and names[0].endswith(f"-{RECORD_PROJECT}.pdf")
        opened.extractall(tmp_path / "records")
    with new_session(site.engine) as session:
        for name in names:
            result = verify_pdf(session, tmp_path / "records" / name)
            assert result.ok, (name, result.differences, result.problems)
            assert result.project == RECORD_PROJECT
        session.commit()


@needs_printing
def test_an_auditor_verifies_a_genuine_record_then_sees_an_edited_one_mismatch(
    page: Page, tmp_path: Path, screenshots: Path
) -> None:
    sign_in(page, AUDITOR.name, "/records")
    fetched = page.request.get(f"/projects/{RECORD_PROJECT}/record?download=1")
    assert fetched.ok and fetched.headers["content-type"] == "application/pdf"
    printed = fetched.body()
    genuine = tmp_path / f"{RECORD_PROJECT}.pdf"
    genuine.write_bytes(printed)

    page.set_input_files("#v-file", str(genuine))
    page.get_by_role("button", name="校验", exact=True).click()
    page.wait_for_url("**/records/verify")
    verdict = page.locator("#verdict")
    expect(verdict).to_have_class("ok")
    expect(verdict).to_have_text("一致：文件与数据库相符")
    expect(page.locator("#project")).to_have_text(RECORD_PROJECT)
    expect(page.locator("#code")).to_have_text(read_embedded(printed).code)
    shoot(page, screenshots, "record-verify-ok")

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(printed)))
    writer.add_metadata({"/Subject": "改过的文件"})
    edited_bytes = io.BytesIO()
    writer.write(edited_bytes)
    edited = tmp_path / f"{RECORD_PROJECT}-edited.pdf"
    edited.write_bytes(edited_bytes.getvalue())

    page.get_by_role("link", name="再校验一个").click()
    page.wait_for_url("**/records")
    page.set_input_files("#v-file", str(edited))
    page.get_by_role("button", name="校验", exact=True).click()
    page.wait_for_url("**/records/verify")
    expect(verdict).to_have_class("error")
    expect(verdict).to_have_text("不一致：文件与数据库不符")
    expect(page.locator("#problems")).to_contain_text("the file was edited after printing")
    shoot(page, screenshots, "record-verify-mismatch")
