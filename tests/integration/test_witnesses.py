"""Automatic checkpoints reach the witnesses the federation names: a folder, an HTTP
endpoint (a local server here) and the auditors' mailboxes (the local SMTP server)."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from procure.domain.checkpoint import from_mapping, signature_problem
from procure.domain.errors import InvalidInput
from procure.services.accounts import manage as accounts
from procure.services.deadlines.outbox import SmtpSettings
from procure.services.trail.checkpoints import Signer, load_signer
from procure.services.trail.witnesses import (
    Witnesses,
    checkpoint_and_witness,
    newest_witnessed,
    witness_settings,
)
from procure.store.keyfile import create_key
from procure.store.trust_models import AuditCheckpoint
from tests.integration import tampering
from tests.integration.builders import ADMIN, AUDITOR, setup_registry
from tests.integration.test_reminder_mail import Inbox, inbox  # noqa: F401 (the SMTP fixture)

NOW = datetime(2020, 1, 6, 8, 0, tzinfo=UTC)


class Endpoint:
    """A local HTTP server that keeps every POST body, answering ``status``."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.status = 201
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers["Content-Length"])
                endpoint.bodies.append(json.loads(self.rfile.read(length)))
                self.send_response(endpoint.status)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/checkpoints"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    server = Endpoint()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def signer(tmp_path: Path) -> Signer:
    create_key(tmp_path / "audit.key")
    return load_signer(tmp_path / "audit.key")


@pytest.fixture
def world(session: Session) -> Session:
    """The registry and its accounts, with the auditor's address, and a few trail rows."""
    setup_registry(session)
    accounts.set_email(session, AUDITOR.name, "shenji@example.org", ADMIN)
    session.commit()
    tampering.write_trail(session, 3, first=100)
    return session


def _every_witness(
    tmp_path: Path, endpoint: Endpoint, smtp: SmtpSettings, minutes: int = 60
) -> Witnesses:
    folder = tmp_path / "witness-folder"
    folder.mkdir(exist_ok=True)
    return Witnesses((folder,), (endpoint.url,), smtp, minutes)


def test_a_batch_s_checkpoint_reaches_the_folder_the_endpoint_and_each_auditor(
    world: Session,
    signer: Signer,
    tmp_path: Path,
    endpoint: Endpoint,
    inbox: tuple[Inbox, SmtpSettings],  # noqa: F811
) -> None:
    handler, smtp = inbox
    witnesses = _every_witness(tmp_path, endpoint, smtp)

    done = checkpoint_and_witness(world, signer, witnesses, after_batch=True, at=NOW)

    assert done.taken and done.failed == [] and done.checkpoint is not None
    checkpoint = done.checkpoint
    assert sorted(done.delivered) == sorted(
        [f"folder {witnesses.folders[0]}", f"http {endpoint.url}", f"mail {AUDITOR.name}"]
    )
    (written,) = witnesses.folders[0].glob("*.json")
    assert from_mapping(json.loads(written.read_text()), source="file") == checkpoint
    assert endpoint.bodies == [checkpoint.to_dict()]
    ((recipients, message),) = handler.messages
    assert recipients == ["shenji@example.org"]
    (attachment,) = list(message.iter_attachments())
    mailed = from_mapping(json.loads(attachment.get_content()), source="mail")
    assert mailed == checkpoint and signature_problem(mailed) is None
    newest = newest_witnessed(world, now=NOW + timedelta(minutes=25))
    assert newest is not None
    assert (newest.seq, newest.age_minutes, newest.rows_after) == (checkpoint.seq, 25, 0)


def test_a_witness_that_holds_the_checkpoint_is_not_sent_it_again(
    world: Session, signer: Signer, tmp_path: Path, endpoint: Endpoint
) -> None:
    witnesses = Witnesses((), (endpoint.url,))
    first = checkpoint_and_witness(world, signer, witnesses, after_batch=True, at=NOW)
    again = checkpoint_and_witness(world, signer, witnesses, after_batch=True, at=NOW)

    assert first.taken and not again.taken
    assert again.delivered == [] and len(endpoint.bodies) == 1


def test_a_checkpoint_is_taken_when_the_newest_is_older_than_the_interval_and_rows_grew(
    world: Session, signer: Signer, endpoint: Endpoint
) -> None:
    witnesses = Witnesses((), (endpoint.url,), None, minutes=60)
    first = checkpoint_and_witness(world, signer, witnesses, after_batch=True, at=NOW)
    tampering.write_trail(world, 2, first=200)

    early = checkpoint_and_witness(
        world, signer, witnesses, after_batch=False, at=NOW + timedelta(minutes=59)
    )
    due = checkpoint_and_witness(
        world, signer, witnesses, after_batch=False, at=NOW + timedelta(minutes=60)
    )

    assert first.checkpoint is not None and due.checkpoint is not None
    assert not early.taken and early.checkpoint == first.checkpoint
    assert due.taken and due.checkpoint.seq == first.checkpoint.seq + 2
    assert [body["seq"] for body in endpoint.bodies] == [first.checkpoint.seq, due.checkpoint.seq]
    stored = world.exec(select(AuditCheckpoint)).all()
    assert len(stored) == 2


def test_a_failed_delivery_is_reported_and_made_at_the_next_round(
    world: Session, signer: Signer, tmp_path: Path, endpoint: Endpoint
) -> None:
    missing = tmp_path / "not-mounted"
    endpoint.status = 503
    witnesses = Witnesses((missing,), (endpoint.url,))

    failed = checkpoint_and_witness(world, signer, witnesses, after_batch=True, at=NOW)
    assert failed.delivered == []
    assert sorted(failed.failed) == [
        f"folder {missing}: the folder {missing} does not exist (or is not mounted)",
        f"http {endpoint.url}: the endpoint answered 503 Service Unavailable",
    ]
    assert newest_witnessed(world) is None

    missing.mkdir()
    endpoint.status = 200
    later = checkpoint_and_witness(world, signer, witnesses, after_batch=False, at=NOW)

    assert not later.taken and later.failed == [] and len(later.delivered) == 2
    assert newest_witnessed(world) is not None


def test_witness_settings_come_from_the_environment_and_bad_ones_are_named(
    tmp_path: Path,
) -> None:
    settings = witness_settings(
        {
            "PROCURE_WITNESS_FOLDERS": f"{tmp_path / 'a'}:{tmp_path / 'b'}",
            "PROCURE_WITNESS_URLS": "https://witness.example/cp http://10.0.0.5/cp",
            "PROCURE_CHECKPOINT_MINUTES": "15",
        }
    )
    assert settings.folders == (tmp_path / "a", tmp_path / "b")
    assert settings.urls == ("https://witness.example/cp", "http://10.0.0.5/cp")
    assert (settings.smtp, settings.minutes) == (None, 15)
    assert witness_settings({}).minutes == 60
    for environ, problem in (
        ({"PROCURE_CHECKPOINT_MINUTES": "0"}, "PROCURE_CHECKPOINT_MINUTES must be a whole"),
        ({"PROCURE_WITNESS_URLS": "file:///etc/passwd"}, "is not an http(s) URL"),
        ({"PROCURE_WITNESS_MAIL": "1"}, "PROCURE_SMTP_HOST is not"),
    ):
        with pytest.raises(InvalidInput, match=re.escape(problem)):
            witness_settings(environ)
