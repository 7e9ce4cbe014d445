"""The dossier streams its large files (the trail, the OCDS package, the records) from disk
into the zip, and ships the same bytes the in-memory dossier did: the trail's lines and the
release package with its keys sorted, dated at the last trail row shipped."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlmodel import Session

from procure.services.opendata.dossier import export_dossier
from procure.services.opendata.dossier_format import OCDS, TRAIL, json_bytes, trail_line
from procure.services.opendata.ocds import release_package
from procure.services.trail.checkpoints import load_signer
from procure.store.audit import iter_log
from procure.store.keyfile import create_key
from tests.integration.records import needs_printing
from tests.integration.siming_demo import BACKENDS, demo_session

pytestmark = needs_printing


@pytest.fixture(scope="module", params=BACKENDS)
def demo(request: pytest.FixtureRequest) -> Iterator[Session]:
    yield from demo_session(request)


@pytest.fixture(scope="module")
def dossier(demo: Session, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dossier-stream")
    create_key(folder / "audit.key")
    url = demo.get_bind().url.render_as_string(hide_password=False)
    output = folder / "d.zip"
    export_dossier(
        demo,
        url=url,
        year=2019,
        purchaser="SM-WJ",
        output=output,
        signer=load_signer(folder / "audit.key"),
    )
    return output


def test_the_dossiers_trail_is_every_row_up_to_the_signed_head(
    demo: Session, dossier: Path
) -> None:
    with zipfile.ZipFile(dossier) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        shipped = archive.read(TRAIL).decode()
    rows = list(iter_log(demo))[: manifest["trail_rows"]]

    assert shipped == "".join(f"{trail_line(row)}\n" for row in rows)
    assert rows[-1].at == manifest["created_at"]


def test_the_dossiers_ocds_package_is_the_release_package_with_its_keys_sorted(
    demo: Session, dossier: Path
) -> None:
    with zipfile.ZipFile(dossier) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        shipped = archive.read(OCDS)
    moment = datetime.fromisoformat(manifest["created_at"].replace("Z", "+00:00"))

    assert shipped == json_bytes(release_package(demo, 2019, "SM-WJ", published=moment))
