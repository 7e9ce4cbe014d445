"""An upload is parsed before the route takes the database's write lock: another account
signs in while a sheet is being read."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlmodel import Session

from procure.services.scoring import review_upload
from procure.store.db import new_session
from procure.web.app import create_app
from procure.web.settings import WebSettings
from tests.clock import pinned_clock
from tests.integration.builders import CODE, OFFICER, QIHANG, REVIEWERS, project_at
from tests.integration.web.support import PASSWORD, form_token, set_passwords, sign_in

REVIEWER = REVIEWERS[0].name
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_another_account_signs_in_while_an_uploaded_sheet_is_parsed(
    session: Session, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    project_at(session, "reviewing")
    set_passwords(session, REVIEWER, OFFICER.name)
    monkeypatch.setenv("PROCURE_LOCK_TIMEOUT", "1")  # a held lock shows within a second
    parsing, release = threading.Event(), threading.Event()
    real_read = review_upload.read_xlsx

    def slow_read(path: Path, card: Any) -> Any:
        parsing.set()  # the sheet is being read now ...
        assert release.wait(timeout=30), "the sign-in never finished"
        return real_read(path, card)  # ... until the other account has signed in

    monkeypatch.setattr(review_upload, "read_xlsx", slow_read)
    app = create_app(WebSettings(database_url, allowed_hosts=("testserver",)), clock=pinned_clock())
    uploaded: dict[str, Any] = {}
    with TestClient(app) as reviewer, TestClient(app) as officer:
        csrf = sign_in(reviewer, REVIEWER)
        blank = reviewer.get(f"/projects/{CODE}/panel/template.xlsx").content

        def upload() -> None:
            uploaded["response"] = reviewer.post(
                f"/projects/{CODE}/panel/sheet/upload",
                data={"csrf_token": csrf, "organization": QIHANG},
                files={"sheet": ("sheet.xlsx", blank, XLSX)},
            )

        uploading = threading.Thread(target=upload)
        uploading.start()
        try:
            assert parsing.wait(timeout=30), "the upload never reached the parse"
            token = form_token(officer.get("/signin").text, "signin_token")
            signed_in = officer.post(
                "/signin",
                data={
                    "login": OFFICER.name,
                    "password": PASSWORD,
                    "signin_token": token,
                },
                follow_redirects=False,
            )
        finally:
            release.set()
            uploading.join(timeout=60)
    app.state.writer.dispose()
    app.state.reader.dispose()
    assert signed_in.status_code == 303, signed_in.text[-500:]
    assert uploaded["response"].status_code == 400  # the blank sheet is refused, after all


def test_a_sign_in_that_waits_too_long_for_another_writer_says_busy_not_500(
    registered: Session, database_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's one writer at a time; PostgreSQL sign-ins do not wait on it")
    set_passwords(registered, OFFICER.name)
    monkeypatch.setenv("PROCURE_LOCK_TIMEOUT", "1")
    app = create_app(WebSettings(database_url, allowed_hosts=("testserver",)), clock=pinned_clock())
    with TestClient(app, raise_server_exceptions=False) as officer:
        token = form_token(officer.get("/signin").text, "signin_token")
        with new_session(engine) as holder:
            holder.execute(text("SELECT 1"))  # a writing transaction: holds the write lock
            answer = officer.post(
                "/signin",
                data={"login": OFFICER.name, "password": PASSWORD, "signin_token": token},
                follow_redirects=False,
            )
            holder.rollback()
    app.state.writer.dispose()
    app.state.reader.dispose()
    assert answer.status_code == 503 and "系统繁忙" in answer.text
