"""The backups page: an admin sees how old the last backup is; nobody else sees it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from procure.services.lifecycle.clock import now_utc
from procure.services.trail.backups import back_up
from procure.store.witness_models import BackupRecord
from tests.integration.builders import ADMIN, AUDITOR
from tests.integration.web.support import read_in, set_passwords, sign_in
from tests.language_purity import chinese_runs, english_words, page_text, world_text


def test_an_admin_sees_that_no_backup_was_ever_taken(
    client: TestClient, registered: Session
) -> None:
    set_passwords(registered, ADMIN.name)
    sign_in(client, ADMIN.name)

    page = client.get("/admin/backups")

    assert page.status_code == 200
    assert "从未备份" in page.text and "procure backup -o" in page.text
    assert 'href="/admin/backups"' in client.get("/admin").text


def test_an_admin_sees_the_last_backup_s_age_and_who_took_it(
    client: TestClient, registered: Session, engine: Engine, tmp_path: Path
) -> None:
    registered.add(
        BackupRecord(
            taken_at=now_utc() - timedelta(hours=5, minutes=10),
            method="sqlite online backup",
            file_name="old.db",
            size=1024,
            sha256="0" * 64,
            taken_by=ADMIN.name,
        )
    )
    registered.commit()
    done = back_up(registered, engine, tmp_path / "fresh.backup", by=ADMIN.name, signer=None)
    set_passwords(registered, ADMIN.name)
    sign_in(client, ADMIN.name)

    page = client.get("/admin/backups")

    assert page.status_code == 200
    last = page.text.split('id="last-backup"', 1)[1].split("</p>", 1)[0]
    assert "0 小时前" in last and "fresh.backup" in last and ADMIN.name in last
    assert "old.db" in page.text and done.sha256[:16] in page.text
    assert "SQLite 在线备份" in page.text
    assert english_words(page_text(page.text), world_text(registered)) == []
    read_in(client, "en")
    page = client.get("/admin/backups")
    last = page.text.split('id="last-backup"', 1)[1].split("</p>", 1)[0]
    assert "0 hours ago" in last and "SQLite online backup" in page.text
    assert chinese_runs(page_text(page.text), world_text(registered)) == []


def test_the_backups_page_is_refused_to_an_auditor(client: TestClient, registered: Session) -> None:
    set_passwords(registered, AUDITOR.name)
    sign_in(client, AUDITOR.name)

    page = client.get("/admin/backups")

    assert page.status_code == 403
    assert "从未备份" not in page.text
