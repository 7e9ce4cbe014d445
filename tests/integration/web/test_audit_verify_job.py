"""A long trail is verified by a background job: offered by the page, shown by the job's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session, select

from procure.store.job_models import Job
from tests.integration.builders import ADMIN, AUDITOR, CODE, OFFICER
from tests.integration.jobs.conftest import run_queued
from tests.integration.web.support import form_token, set_passwords, sign_in


@pytest.fixture
def long_trail(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Every trail counts as long (verified in the background); the jobs' files folder."""
    monkeypatch.setenv("PROCURE_VERIFY_INLINE_ROWS", "0")
    folder = tmp_path / "files"
    monkeypatch.setenv("PROCURE_FILES", str(folder))
    return folder


def jobs(session: Session) -> list[Job]:
    session.expire_all()
    found = list(session.exec(select(Job)))
    session.commit()
    return found


def ask(client: TestClient, **values: str) -> str:
    """Post the page's own form; return where it sent the browser."""
    page = client.get("/audit/verify")
    data = {"csrf_token": form_token(page.text), **values}
    response = client.post("/audit/verify", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text
    return response.headers["location"]


def test_a_long_trail_is_offered_as_a_background_job_and_the_page_verifies_nothing(
    client: TestClient, registered: Session, long_trail: Path
) -> None:
    set_passwords(registered, AUDITOR.name)
    sign_in(client, AUDITOR.name)
    page = client.get("/audit/verify").text
    assert 'id="background"' in page and 'method="post" action="/audit/verify"' in page
    assert 'id="verdict"' not in page
    assert jobs(registered) == []


def test_the_job_page_shows_the_verification_field_by_field_once_done(
    client: TestClient, registered: Session, long_trail: Path, database_url: str
) -> None:
    set_passwords(registered, AUDITOR.name)
    sign_in(client, AUDITOR.name)
    location = ask(client, project=CODE)
    assert re.fullmatch(r"/jobs/\d+", location)
    assert "排队中" in client.get(location).text

    run_queued(database_url, long_trail)

    page = client.get(location).text
    assert '<h2 class="ok" id="verdict">通过</h2>' in page
    assert re.search(r'id="chain_ok" class="ok">完整<', page)
    assert f"是（{CODE}）" in page
    back = client.get("/audit/verify").text
    assert f'href="{location}"' in back and "已完成" in back


def test_a_broken_row_is_named_on_the_job_page(
    client: TestClient, registered: Session, long_trail: Path, database_url: str
) -> None:
    registered.connection().execute(
        text("UPDATE transition_log SET reason = 'changed' WHERE seq = 2")
    )
    registered.commit()
    set_passwords(registered, AUDITOR.name)
    sign_in(client, AUDITOR.name)
    location = ask(client)
    run_queued(database_url, long_trail)
    page = client.get(location).text
    assert '<h2 class="error" id="verdict">发现问题</h2>' in page
    assert "audit chain broken at row 2" in page


def test_asking_again_while_one_runs_joins_it_and_another_auditor_cannot_open_it(
    client: TestClient, registered: Session, long_trail: Path
) -> None:
    set_passwords(registered, AUDITOR.name, ADMIN.name)
    sign_in(client, AUDITOR.name)
    first, second = ask(client), ask(client)
    assert first == second and len(jobs(registered)) == 1
    sign_in(client, ADMIN.name)
    assert client.get(first).status_code == 404


def test_a_forged_or_unauthorized_request_starts_nothing(
    client: TestClient, registered: Session, long_trail: Path
) -> None:
    set_passwords(registered, AUDITOR.name, OFFICER.name)
    sign_in(client, AUDITOR.name)
    no_token = client.post("/audit/verify", data={"project": ""}, follow_redirects=False)
    assert no_token.status_code == 403
    csrf = sign_in(client, OFFICER.name)
    officer = client.post("/audit/verify", data={"csrf_token": csrf}, follow_redirects=False)
    assert officer.status_code == 403
    assert jobs(registered) == []


def test_an_unknown_project_or_a_bad_key_is_shown_beside_its_field_and_starts_nothing(
    client: TestClient, registered: Session, long_trail: Path
) -> None:
    set_passwords(registered, AUDITOR.name)
    csrf = sign_in(client, AUDITOR.name)
    page = client.post(
        "/audit/verify",
        data={"csrf_token": csrf, "project": "SM-1999-999", "public_key": "not-a-key"},
    )
    assert page.status_code == 400
    assert page.text.count('class="field-error"') == 2 and "SM-1999-999" in page.text
    assert jobs(registered) == []
