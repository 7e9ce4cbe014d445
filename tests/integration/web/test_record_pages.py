"""Evaluation records in the browser: open one, print a year as a job, verify an upload.

Each test runs on SQLite and PostgreSQL. The year's job is run here by the backend's
own worker (the server's worker process is tested in tests/integration/jobs).
"""

from __future__ import annotations

import html
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select

from procure.reports import render
from procure.reports.verify import read_embedded
from procure.store.job_models import Job
from tests.integration.builders import AUDITOR, OFFICER, QIHANG, TONGXIN, organization_actor
from tests.integration.builders import project_at as drive_to
from tests.integration.jobs.conftest import run_queued
from tests.integration.records import needs_printing
from tests.integration.web.support import form_token, read_in, set_passwords, sign_in

CODE = "SM-2019-001"
WINNER = organization_actor(QIHANG).name
LOSER = organization_actor(TONGXIN).name


@pytest.fixture(autouse=True)
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "files"
    monkeypatch.setenv("PROCURE_FILES", str(folder))
    return folder


@pytest.fixture
def contracted(session: Session) -> Session:
    drive_to(session, "contracted")
    set_passwords(session, AUDITOR.name, OFFICER.name, WINNER, LOSER)
    return session


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The projects rendered to PDF during the test, in order."""
    rendered: list[str] = []
    real = render.render_pdf

    def counting(record: dict[str, Any], checkpoint: dict[str, Any] | None = None) -> bytes:
        rendered.append(record["project"]["code"])
        return real(record, checkpoint)

    monkeypatch.setattr(render, "render_pdf", counting)
    return rendered


def _jobs(session: Session) -> int:
    count = session.exec(select(func.count()).select_from(Job)).one()
    session.commit()
    return count


# --- one record -------------------------------------------------------------------------


@needs_printing
def test_a_reader_opens_the_record_and_a_second_request_renders_nothing(
    client: TestClient, contracted: Session, renders: list[str]
) -> None:
    sign_in(client, AUDITOR.name)
    first = client.get(f"/projects/{CODE}/record")
    assert first.status_code == 200
    assert first.headers["content-type"] == "application/pdf"
    assert first.headers["content-disposition"].startswith("inline")
    assert read_embedded(first.content).record["project"]["code"] == CODE
    second = client.get(f"/projects/{CODE}/record?download=1")
    assert second.content == first.content
    assert second.headers["content-disposition"].startswith("attachment")
    assert renders == [CODE]


@needs_printing
def test_a_changed_project_is_rendered_again(
    client: TestClient, contracted: Session, renders: list[str]
) -> None:
    from tests.integration.builders import Plan, drive

    sign_in(client, AUDITOR.name)
    before = client.get(f"/projects/{CODE}/record").content
    drive(contracted, Plan(), "in_service", start="contracted")  # a payment, an inspection
    after = client.get(f"/projects/{CODE}/record").content
    assert read_embedded(after).code != read_embedded(before).code
    assert renders == [CODE, CODE]


@needs_printing
def test_an_organization_opens_its_own_record_and_not_another_organizations(
    client: TestClient, contracted: Session
) -> None:
    sign_in(client, WINNER)
    assert client.get(f"/projects/{CODE}/record").status_code == 200
    client.cookies.clear()
    sign_in(client, LOSER)  # it bid for the project but does not hold the contract
    refused = client.get(f"/projects/{CODE}/record")
    assert refused.status_code == 404
    assert f"未知项目 '{CODE}'" in html.unescape(refused.text)


def test_a_project_without_a_contract_has_no_record(
    client: TestClient, registered: Session
) -> None:
    set_passwords(registered, AUDITOR.name)
    sign_in(client, AUDITOR.name)
    missing = client.get(f"/projects/{CODE}/record")
    assert missing.status_code == 404
    assert "has no contract" in missing.text
    assert client.get("/projects/NO-SUCH/record").status_code == 404


def test_a_record_needs_a_signed_in_account(client: TestClient, contracted: Session) -> None:
    response = client.get(f"/projects/{CODE}/record", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/signin")


# --- verifying an upload ----------------------------------------------------------------


def _upload(client: TestClient, data: bytes, *, token: str | None = None) -> Any:
    if token is None:
        token = form_token(client.get("/records").text)
    return client.post(
        "/records/verify",
        data={"csrf_token": token} if token else {},
        files={"file": ("record.pdf", data, "application/pdf")},
    )


@needs_printing
def test_an_auditor_verifies_a_genuine_record(client: TestClient, contracted: Session) -> None:
    sign_in(client, AUDITOR.name)
    printed = client.get(f"/projects/{CODE}/record").content
    page = _upload(client, printed)
    assert page.status_code == 200
    assert 'id="verdict" class="ok"' in page.text
    assert f'id="project">{CODE}<' in page.text
    assert read_embedded(printed).code in page.text


@needs_printing
def test_an_edited_record_is_named_mismatched_with_the_reason(
    client: TestClient, contracted: Session
) -> None:
    from pypdf import PdfReader, PdfWriter

    sign_in(client, AUDITOR.name)
    printed = client.get(f"/projects/{CODE}/record").content
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(printed)))
    writer.add_metadata({"/Subject": "改过的文件"})
    edited = io.BytesIO()
    writer.write(edited)
    page = _upload(client, edited.getvalue())
    assert page.status_code == 200
    assert 'id="verdict" class="error"' in page.text
    assert "the file was edited after printing" in page.text


@needs_printing
def test_forged_data_in_a_record_is_shown_field_by_field_and_escaped(
    client: TestClient, contracted: Session
) -> None:
    from pypdf import PdfReader, PdfWriter

    sign_in(client, AUDITOR.name)
    printed = client.get(f"/projects/{CODE}/record").content
    reader = PdfReader(io.BytesIO(printed))
    real_name = read_embedded(printed).record["organization"]["name"]
    data = reader.attachments["evaluation-record.json"][0].replace(
        real_name.encode(), b"<script>alert(1)</script>"
    )
    writer = PdfWriter(clone_from=reader)
    writer._root_object.pop("/Names")
    writer.add_attachment("evaluation-record.json", data)
    forged = io.BytesIO()
    writer.write(forged)
    page = _upload(client, forged.getvalue())
    assert 'id="verdict" class="error"' in page.text
    assert "<code>organization.name</code>" in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>alert" not in page.text
    assert "does not hash to the verification code" in page.text


def test_an_upload_that_is_not_a_record_is_refused_beside_its_field(
    client: TestClient, contracted: Session
) -> None:
    sign_in(client, AUDITOR.name)
    page = _upload(client, b"hello, not a pdf")
    assert page.status_code == 400
    assert "is not a PDF file" in page.text and "field-error" in page.text


def test_an_upload_without_the_form_token_is_refused(
    client: TestClient, contracted: Session
) -> None:
    sign_in(client, AUDITOR.name)
    assert _upload(client, b"%PDF-1.7", token="").status_code == 403


@needs_printing
def test_an_organization_cannot_verify_another_organizations_record(
    client: TestClient, contracted: Session
) -> None:
    sign_in(client, WINNER)
    printed = client.get(f"/projects/{CODE}/record").content
    client.cookies.clear()
    sign_in(client, LOSER)
    assert _upload(client, printed).status_code == 404


# --- a year's print ---------------------------------------------------------------------


def _ask_print(client: TestClient, year: str = "2019", purchaser: str = "") -> Any:
    token = form_token(client.get("/records").text)
    return client.post(
        "/records/print",
        data={"csrf_token": token, "year": year, "purchaser": purchaser},
        follow_redirects=False,
    )


@needs_printing
def test_a_year_printed_in_the_background_is_followed_then_downloaded_as_a_zip(
    client: TestClient, contracted: Session, database_url: str, files: Path
) -> None:
    sign_in(client, AUDITOR.name)
    asked = _ask_print(client)
    assert asked.status_code == 303
    job_url = asked.headers["location"]
    queued = client.get(job_url)
    assert 'http-equiv="refresh"' in queued.text
    assert '<progress id="progress" max="1" value="0">' in queued.text
    assert "排队中" in queued.text
    client.cookies.clear()
    sign_in(client, OFFICER.name)
    joined = _ask_print(client)
    assert joined.headers["location"] == f"{job_url}?joined=1"
    assert _jobs(contracted) == 1

    run_queued(database_url, files)
    done = client.get(job_url)
    assert "已完成" in done.text and 'http-equiv="refresh"' not in done.text
    assert '<progress id="progress" max="1" value="1">' in done.text
    archive = client.get(f"{job_url}/download")
    assert archive.status_code == 200
    assert 'filename="records-2019.zip"' in archive.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(archive.content)) as opened:
        [name] = opened.namelist()
        assert name.endswith(f"-{CODE}.pdf")
        assert _upload(client, opened.read(name)).text.count('class="ok"') >= 1


def test_a_print_without_the_form_token_is_refused_and_queues_nothing(
    client: TestClient, contracted: Session
) -> None:
    sign_in(client, AUDITOR.name)
    response = client.post("/records/print", data={"year": "2019"})
    assert response.status_code == 403
    assert _jobs(contracted) == 0


def test_an_organization_may_not_print_a_year(client: TestClient, contracted: Session) -> None:
    sign_in(client, WINNER)
    page = client.get("/records")
    assert 'id="print-form"' not in page.text
    assert _ask_print(client).status_code == 404
    assert _ask_print(client, purchaser="SM-FED").status_code == 404
    assert _jobs(contracted) == 0


def test_a_year_without_contracts_or_a_bad_year_is_refused_beside_the_field(
    client: TestClient, contracted: Session
) -> None:
    sign_in(client, AUDITOR.name)
    empty = _ask_print(client, year="2031")
    assert empty.status_code == 400 and "2031 年没有已签约的项目" in empty.text
    read_in(client, "en")
    in_english = _ask_print(client, year="2031")
    assert in_english.status_code == 400 and "No contracted project in 2031" in in_english.text
    client.cookies.delete("lang")
    bad = _ask_print(client, year="二〇一九")
    assert bad.status_code == 400 and "field-error" in bad.text
    assert _jobs(contracted) == 0


def test_a_job_is_hidden_from_those_who_may_not_print_its_year(
    client: TestClient, contracted: Session
) -> None:
    sign_in(client, AUDITOR.name)
    job_url = _ask_print(client).headers["location"]
    client.cookies.clear()
    sign_in(client, WINNER)
    assert client.get(job_url).status_code == 404
    assert client.get(f"{job_url}/download").status_code == 404
    assert client.get("/jobs/999999").status_code == 404


def test_an_upload_whose_attachment_inflates_to_200_mb_is_not_a_readable_record(
    client: TestClient, contracted: Session
) -> None:
    from tests.damaged_pdfs import attachment_bomb

    sign_in(client, AUDITOR.name)
    page = _upload(client, attachment_bomb())
    assert page.status_code == 400
    assert "不是可读的评价记录 not a readable record (LimitReachedError" in page.text


@needs_printing
@pytest.mark.parametrize("damage", ["unknown_filter", "checksum_edited", "xref_stream_byte_0"])
def test_a_damaged_record_upload_is_refused_beside_its_field_never_a_500(
    client: TestClient, contracted: Session, damage: str
) -> None:
    from tests.damaged_pdfs import damaged

    sign_in(client, AUDITOR.name)
    printed = client.get(f"/projects/{CODE}/record").content
    page = _upload(client, damaged(printed)[damage])
    assert page.status_code == 400
    assert "不是可读的评价记录 not a readable record" in page.text and "field-error" in page.text


def test_the_print_form_starts_with_the_newest_year_of_a_signed_contract(
    client: TestClient, contracted: Session
) -> None:
    sign_in(client, OFFICER.name)
    field = client.get("/records").text.split('id="p-year"', 1)[1].split(">", 1)[0]
    assert 'value="2019"' in field and "placeholder" not in field
