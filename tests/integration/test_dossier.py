"""The auditor's dossier of the Siming 2019 year: exported once per backend, then checked
with the database gone; every kind of edit fails, naming the file (and the row)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from procure.domain.audit_chain import GENESIS_HASH, row_hash
from procure.domain.errors import ProcureError
from procure.domain.language import use_language
from procure.services.opendata.dossier import export_dossier
from procure.services.opendata.dossier_verify import DossierVerification, verify_dossier
from procure.services.trail.checkpoints import Signer, load_signer, take_checkpoint
from procure.store.db import make_engine, new_session
from procure.store.keyfile import create_key
from procure.store.migrate import upgrade
from tests.databases import DEMO
from tests.integration import dossier_edits as edits
from tests.integration.records import needs_printing


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """These tests read each message's English (its Chinese is the catalog's, checked by
    tests/unit/test_language.py)."""
    with use_language("en"):
        yield


pytestmark = needs_printing
PROJECTS = [f"SM-2019-00{n}" for n in range(1, 8)]


@dataclass(frozen=True)
class Exported:
    """A dossier of 2019, the public key it was signed with, and the database it came from
    (deleted by now); ``again`` is a second export of the same data (SQLite only)."""

    zip: Path
    public_key: str
    database: str
    again: Path | None


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def exported(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Exported]:
    """The Siming demo year (a copy of the session's, see tests/databases.py) exported as a
    dossier; then the database is dropped."""
    folder = tmp_path_factory.mktemp("dossier")
    url, drop = _database(request, folder)
    create_key(folder / "audit.key")
    signer = load_signer(folder / "audit.key")
    engine = make_engine(url)
    again = None
    try:
        with new_session(engine) as session:
            export_dossier(
                session, url=url, year=2019, purchaser=None, output=folder / "d.zip", signer=signer
            )
            if request.param == "sqlite":
                again = _export_again_reusing_records(session, url, folder, signer)
    finally:
        engine.dispose()
        drop()
    yield Exported(folder / "d.zip", signer.public_key, url, again)


def _export_again_reusing_records(session: Session, url: str, folder: Path, signer: Signer) -> Path:
    """Export again into a records folder holding the first dossier's records, except one
    re-printed with another key's checkpoint: that one must be printed again, the others
    kept (nothing else renders)."""
    from procure.reports.data import build_record
    from procure.reports.render import render_pdf

    records = folder / "records"
    for name, data in edits.files_of(folder / "d.zip").items():
        if name.startswith("records/"):
            (records / name.removeprefix("records/")).parent.mkdir(parents=True, exist_ok=True)
            (records / name.removeprefix("records/")).write_bytes(data)
    create_key(folder / "other.key")
    other = take_checkpoint(session, load_signer(folder / "other.key")).to_dict()
    stale = next(records.glob("2019/*-SM-2019-001.pdf"))
    stale.write_bytes(render_pdf(build_record(session, "SM-2019-001"), other))
    again = folder / "again.zip"
    export_dossier(
        session,
        url=url,
        year=2019,
        purchaser=None,
        output=again,
        signer=signer,
        records_folder=records,
    )
    return again


def _database(request: pytest.FixtureRequest, folder: Path) -> tuple[str, Callable[[], None]]:
    """The URL of a copy of the demo year on the backend ``request.param`` names, and how
    to drop it."""
    if request.param == "sqlite":
        path = folder / "procure.db"
        request.getfixturevalue("sqlite_templates").copy_to(DEMO, path)
        return f"sqlite:///{path}", lambda: path.unlink()
    stack = ExitStack()
    schemas = request.getfixturevalue("postgres_schemas")
    return stack.enter_context(schemas.dedicated(DEMO)), stack.close


def _failures(result: DossierVerification) -> list[tuple[str, str, str]]:
    return [(c.check, c.subject, c.detail) for c in result.checks if not c.ok]


def test_the_2019_dossier_verifies_offline_once_its_database_is_gone(exported: Exported) -> None:
    if exported.database.startswith("sqlite:///"):
        assert not Path(exported.database.removeprefix("sqlite:///")).exists()
    result = verify_dossier(exported.zip, trusted_key=exported.public_key)
    assert result.ok, _failures(result)
    checked = {(c.check, c.subject) for c in result.checks}
    for code in PROJECTS:
        assert any(check == "record" and code in subject for check, subject in checked)
    assert ("trail", "trail.jsonl") in checked
    assert any(check == "checkpoint" and "checkpoints/" in s for check, s in checked)


def test_the_manifest_lists_every_file_with_its_hash_and_dates_the_dossier_from_the_trail(
    exported: Exported,
) -> None:
    files = edits.files_of(exported.zip)
    manifest = json.loads(files["manifest.json"])
    listed = {entry["name"]: entry for entry in manifest["files"]}
    assert set(listed) == set(files) - {"manifest.json"}
    for name, data in files.items():
        if name != "manifest.json":
            assert listed[name]["sha256"] == hashlib.sha256(data).hexdigest()
            assert listed[name]["size"] == len(data)
    assert manifest["year"] == 2019 and manifest["purchaser"] is None
    assert manifest["projects"] == PROJECTS
    assert manifest["record_format"].startswith("procure-evaluation-record/")
    last_row = json.loads(files["trail.jsonl"].decode().splitlines()[-1])
    assert manifest["created_at"] == last_row["at"]
    assert {"ocds.json", "public-key.pem"} <= set(files)
    assert json.loads(files["ocds.json"]) is not None


def test_the_trail_is_the_whole_chain_from_its_first_row(exported: Exported) -> None:
    lines = edits.files_of(exported.zip)["trail.jsonl"].decode().splitlines()
    rows = [json.loads(line) for line in lines]
    assert [row["seq"] for row in rows] == list(range(1, len(rows) + 1))
    assert rows[0]["prev_hash"] == GENESIS_HASH
    assert any(row["project_code"] is None for row in rows)  # registry rows too


def test_exporting_the_same_data_again_gives_the_same_bytes_reprinting_a_record_of_another_key(
    exported: Exported,
) -> None:
    if exported.again is None:
        pytest.skip("exported twice on SQLite only")
    assert exported.again.read_bytes() == exported.zip.read_bytes()


def test_an_edited_record_pdf_fails_naming_the_file(exported: Exported, tmp_path: Path) -> None:
    name = edits.first_record(exported.zip)

    def flip_a_byte(pdf: bytes) -> bytes:
        middle = len(pdf) // 2
        return pdf[:middle] + bytes([pdf[middle] ^ 0xFF]) + pdf[middle + 1 :]

    result = verify_dossier(edits.edited(exported.zip, tmp_path / "e.zip", name, flip_a_byte))
    assert not result.ok
    assert ("manifest", name) in {(check, subject) for check, subject, _ in _failures(result)}


def _raise_the_amount(record: dict[str, Any]) -> None:
    record["contract"] = {**record["contract"], "amount": "999999.00"}


def _drop_the_last_payment(record: dict[str, Any]) -> None:
    record["payments"]["items"].pop()


def _lift_a_review(record: dict[str, Any]) -> None:
    record["panel"]["proposals"][0]["sheets"][0]["total"] = "99.99"


def _move_an_inspection(record: dict[str, Any]) -> None:
    record["inspections"][0]["on"] = "2019-12-31"


@pytest.mark.parametrize(
    ("forge", "said"),
    [
        (_raise_the_amount, "contract SM-2019-001: amount is '868000.00' in the trail, "),
        (_drop_the_last_payment, "payment SM-2019-001 payment #3: in the trail, missing"),
        (_lift_a_review, "review SM-2019-001 review of"),
        (_move_an_inspection, "inspection SM-2019-001 inspection #1: inspected_on is"),
    ],
)
def test_a_record_forged_consistently_still_fails_against_the_trail_naming_the_field(
    exported: Exported, tmp_path: Path, forge: Callable[[dict[str, Any]], None], said: str
) -> None:
    name = edits.first_record(exported.zip)
    forged = edits.edited(
        exported.zip,
        tmp_path / "f.zip",
        name,
        lambda pdf: edits.with_record_data(pdf, forge),
        sealed=True,
    )
    failures = _failures(verify_dossier(forged))
    assert [(check, subject) for check, subject, _ in failures] == [("record", name)]
    assert said in failures[0][2]


def test_a_changed_trail_row_fails_naming_the_row(exported: Exported, tmp_path: Path) -> None:
    def soften_a_reason(trail: bytes) -> bytes:
        lines = trail.decode().splitlines()
        row = json.loads(lines[9])
        row["reason"] = "改过的理由"
        lines[9] = json.dumps(row, ensure_ascii=False)
        return ("\n".join(lines) + "\n").encode()

    for sealed in (False, True):
        target = tmp_path / f"t{sealed}.zip"
        changed = edits.edited(exported.zip, target, "trail.jsonl", soften_a_reason, sealed=sealed)
        failures = _failures(verify_dossier(changed))
        trail = [detail for check, _, detail in failures if check == "trail"]
        assert trail and "row 10 (trail.jsonl line 10)" in trail[0]
        assert "does not match its hash" in trail[0]
        manifest = [subject for check, subject, _ in failures if check == "manifest"]
        assert set(manifest) == (set() if sealed else {"trail.jsonl"})


def test_a_trail_rehashed_after_an_edit_no_longer_holds_the_signed_checkpoint(
    exported: Exported, tmp_path: Path
) -> None:
    def edit_and_rehash(trail: bytes) -> bytes:
        rows = [json.loads(line) for line in trail.decode().splitlines()]
        rows[9]["reason"] = "改过的理由"
        previous = GENESIS_HASH
        for row in rows:
            row["prev_hash"] = previous
            row["hash"] = previous = row_hash(row, previous)
        return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode()

    rehashed = edits.edited(
        exported.zip, tmp_path / "r.zip", "trail.jsonl", edit_and_rehash, sealed=True
    )
    failures = _failures(verify_dossier(rehashed))
    assert not [f for f in failures if f[0] == "trail"]  # the chain alone holds again
    checkpoint = [f for f in failures if f[0] == "checkpoint"]
    assert checkpoint and "hash differs" in checkpoint[0][2]
    assert checkpoint[0][1].startswith("checkpoints/checkpoint-")


def test_an_added_or_removed_file_fails_naming_it(exported: Exported, tmp_path: Path) -> None:
    added = edits.edited(exported.zip, tmp_path / "a.zip", "notes.txt", lambda _: b"hello")
    assert ("manifest", "notes.txt") in {(c, s) for c, s, _ in _failures(verify_dossier(added))}
    removed = edits.edited(exported.zip, tmp_path / "r.zip", "ocds.json", lambda _: None)
    failures = _failures(verify_dossier(removed))
    assert ("manifest", "ocds.json") in {(c, s) for c, s, _ in failures}
    assert any("missing from the dossier" in detail for _, _, detail in failures)


def test_an_edited_manifest_fails(exported: Exported, tmp_path: Path) -> None:
    def claim_another_hash(data: bytes) -> bytes:
        manifest = json.loads(data)
        manifest["files"][0]["sha256"] = "0" * 64
        return json.dumps(manifest).encode()

    changed = edits.edited(exported.zip, tmp_path / "m.zip", "manifest.json", claim_another_hash)
    failures = _failures(verify_dossier(changed))
    first = sorted(edits.files_of(exported.zip))[0]
    assert [(c, s) for c, s, _ in failures] == [("manifest", first)]

    def claim_another_year(data: bytes) -> bytes:
        return json.dumps({**json.loads(data), "year": 2020}).encode()

    moved = edits.edited(exported.zip, tmp_path / "y.zip", "manifest.json", claim_another_year)
    failures = _failures(verify_dossier(moved))
    assert failures and all(check == "record" for check, _, _ in failures)
    assert "the dossier of 2020" in failures[0][2]


def test_an_altered_checkpoint_signature_fails_naming_the_checkpoint(
    exported: Exported, tmp_path: Path
) -> None:
    name = next(n for n in edits.files_of(exported.zip) if n.startswith("checkpoints/"))

    def alter_signature(data: bytes) -> bytes:
        checkpoint = json.loads(data)
        signature = checkpoint["signature"]
        checkpoint["signature"] = ("B" if signature[0] == "A" else "A") + signature[1:]
        return json.dumps(checkpoint).encode()

    altered = edits.edited(exported.zip, tmp_path / "c.zip", name, alter_signature, sealed=True)
    failures = _failures(verify_dossier(altered))
    assert [(c, s) for c, s, _ in failures] == [("checkpoint", name)]
    assert "signature is not valid" in failures[0][2]


def test_a_dossier_signed_with_another_key_than_the_trusted_one_fails(
    exported: Exported, tmp_path: Path
) -> None:
    create_key(tmp_path / "other.key")
    other = load_signer(tmp_path / "other.key").public_key
    failures = _failures(verify_dossier(exported.zip, trusted_key=other))
    assert ("public key", "public-key.pem") in {(c, s) for c, s, _ in failures}


def test_a_year_without_contracted_projects_writes_no_dossier(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    upgrade(engine)
    try:
        with new_session(engine) as session, pytest.raises(ProcureError, match="no contracted"):
            export_dossier(
                session,
                url=f"sqlite:///{tmp_path / 'empty.db'}",
                year=2019,
                purchaser=None,
                output=tmp_path / "d.zip",
                signer=None,
            )
    finally:
        engine.dispose()
    assert not (tmp_path / "d.zip").exists()


def _ocds_release(package: dict[str, Any], code: str) -> dict[str, Any]:
    return next(r for r in package["releases"] if r["planning"]["budget"]["projectID"] == code)


def _ocds_raise_the_contract(package: dict[str, Any]) -> None:
    _ocds_release(package, "SM-2019-001")["contracts"][0]["value"]["amount"] = 999999.0


def _ocds_add_a_payment(package: dict[str, Any]) -> None:
    """The public package holds no payment (the policy keeps them from the public): one added
    makes every release's payments compared with the trail."""
    contract = _ocds_release(package, "SM-2019-001")["contracts"][0]
    paid = {"id": "1", "date": "2019-03-15T00:00:00+08:00", "value": {"amount": 1.0}}
    contract.setdefault("implementation", {})["transactions"] = [paid]


def _ocds_change_the_supplier(package: dict[str, Any]) -> None:
    award = _ocds_release(package, "SM-2019-001")["awards"][0]
    award["suppliers"][0]["id"] = "CN-USCC-52350203MJ0427391G"


def _ocds_drop_a_release(package: dict[str, Any]) -> None:
    package["releases"] = [
        r for r in package["releases"] if r["planning"]["budget"]["projectID"] != "SM-2019-003"
    ]


@pytest.mark.parametrize(
    ("forge", "said"),
    [
        (_ocds_raise_the_contract, "SM-2019-001: contract amount '999999.00' where the trail"),
        (_ocds_add_a_payment, "SM-2019-001: payments "),
        (_ocds_change_the_supplier, "SM-2019-001: contract organization '52350203MJ0427391G'"),
        (_ocds_drop_a_release, "project SM-2019-003: no release"),
    ],
)
def test_an_ocds_package_forged_and_resealed_fails_against_the_trail_naming_what(
    exported: Exported, tmp_path: Path, forge: Callable[[dict[str, Any]], None], said: str
) -> None:
    def change(data: bytes) -> bytes:
        package = json.loads(data)
        forge(package)
        return json.dumps(package, ensure_ascii=False).encode()

    forged = edits.edited(exported.zip, tmp_path / "o.zip", "ocds.json", change, sealed=True)
    failures = _failures(verify_dossier(forged))
    assert {(check, subject) for check, subject, _ in failures} == {("ocds", "ocds.json")}
    assert said in failures[0][2], failures[0][2]  # an added payment: every release compared
