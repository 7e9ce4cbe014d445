"""The dossier reads what it ships at one moment: a file uploaded while it is being written
(after its head was signed, or after its trail was read) is neither in the trail nor in the
manifest, so the offline check finds every listed file explained by its upload's trail row."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from procure.services.documents.attach import attach
from procure.services.opendata import dossier
from procure.services.opendata.dossier_files import attachment_problems
from procure.services.opendata.dossier_format import TRAIL
from procure.services.trail.checkpoints import load_signer
from procure.store.db import new_session
from procure.store.keyfile import create_key
from procure.store.models import TransitionLog
from procure.workflow.context import Actor
from tests.integration.documents.files import pdf
from tests.integration.siming_demo import BACKENDS, demo_session

CODE = "SM-2019-004"


@pytest.fixture(params=BACKENDS)
def demo(request: pytest.FixtureRequest) -> Iterator[Session]:
    yield from demo_session(request)


@pytest.mark.parametrize("after", ["_signed_head", "_trail"])
def test_a_file_uploaded_while_the_dossier_is_written_is_not_listed_without_its_trail_row(
    demo: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, after: str
) -> None:
    engine = demo.get_bind().engine
    step = getattr(dossier, after)

    def upload_meanwhile(*args: Any) -> Any:
        written = step(*args)
        with new_session(engine) as other:  # another request, committed at once
            attach(other, project_code=CODE, fact_kind="contract", fact_id=None,
                   name="补充页.pdf", data=pdf("补充页"), by=Actor("李秀梅", ""))  # fmt: skip
            other.commit()
        return written

    monkeypatch.setattr(dossier, after, upload_meanwhile)
    monkeypatch.setattr(dossier, "_records", lambda *args: {})  # the records are not the subject
    create_key(tmp_path / "audit.key")
    output = tmp_path / "d.zip"
    dossier.export_dossier(
        demo, url=str(engine.url), year=2019, purchaser=None, output=output,
        signer=load_signer(tmp_path / "audit.key"),
    )  # fmt: skip

    with zipfile.ZipFile(output) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(files["manifest.json"])
    rows = [TransitionLog(**json.loads(line)) for line in files[TRAIL].splitlines()]
    assert [p for _, p, _ in attachment_problems(files, manifest, rows) if p] == []
    assert "补充页.pdf" not in {a["name"] for a in manifest.get("attachments", [])}
