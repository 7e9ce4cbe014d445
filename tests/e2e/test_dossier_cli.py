"""`procure export dossier` and `procure dossier verify` as an officer and an auditor run
them: the demo year exported, its database deleted, the dossier checked line by line."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from procure.cli import main
from procure.reports.verify import read_embedded
from tests.e2e.cli import IN_ENGLISH, Run, sqlite_url
from tests.e2e.conftest import UnprintedDemo, copy_demo
from tests.hostile_documents import pdf
from tests.integration.records import needs_printing

pytestmark = needs_printing

ATTACHED = {"整改报告.pdf": pdf(), "整改照片集.pdf": pdf(pages=30)}
"""Files attached before the export: under 1 KB (shipped), and not (its hash only)."""


def invoke(*args: str, db: str | None = None, env: dict[str, str | None] | None = None) -> Run:
    """Run ``procure ARGS`` in this process, as the console script does."""
    env = {"COLUMNS": "240", **IN_ENGLISH, **({"PROCURE_DB": db} if db else {}), **(env or {})}
    with CliRunner().isolation(env=env) as (out, err, _):
        code = main(list(args))
    return Run(args, code, out.getvalue().decode(), err.getvalue().decode())


@pytest.fixture(scope="module")
def demo(unprinted_demo: UnprintedDemo, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo folder (database, key, checkpoint), without its records: a copy of the
    session's, for this module."""
    return copy_demo(unprinted_demo, tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def dossier(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's 2019 dossier, signed with the demo key; then the database is deleted.

    SM-2019-004, under rectification, has two files attached first: the small one travels
    in the dossier, the larger (above ``--files-up-to``) by its SHA-256 only."""
    folder = tmp_path_factory.mktemp("auditor")
    database = folder / "demo.db"
    shutil.copy(demo / "demo.db", database)
    for name, data in ATTACHED.items():
        (folder / name).write_bytes(data)
        run = invoke("attach", "SM-2019-004", str(folder / name), "--to", "rectification",
                     "--by", "renhe", db=sqlite_url(database))  # fmt: skip
        assert run.code == 0, str(run)
    key = demo / "audit-signing.key"
    output = folder / "dossier-2019.zip"
    run = invoke(
        "export", "dossier", "--year", "2019", "-o", str(output), "--key", str(key),
        "--files-up-to", "0.001", db=sqlite_url(database),
    )  # fmt: skip
    assert run.code == 0, str(run)
    assert "7 records" in run.stdout and "procure dossier verify" in run.stdout
    database.unlink()
    return output


def test_an_auditor_verifies_the_dossier_with_the_database_gone(demo: Path, dossier: Path) -> None:
    run = invoke("dossier", "verify", str(dossier), "--public-key", f"{demo}/audit-signing.key.pub")
    assert run.code == 0, str(run)
    assert "Consistent:" in run.stdout and "FAIL" not in run.stdout
    assert "SM-2019-004" in run.stdout and "trail.jsonl" in run.stdout
    as_json = invoke("dossier", "verify", str(dossier), "--json")
    assert as_json.code == 0
    report = json.loads(as_json.stdout)
    assert report["ok"] is True
    assert {c["check"] for c in report["checks"]} >= {"manifest", "trail", "checkpoint", "record"}


def test_the_dossier_carries_small_files_and_the_hashes_of_large_ones(dossier: Path) -> None:
    with zipfile.ZipFile(dossier) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        shipped = {name: archive.read(name) for name in archive.namelist()}
    listed = {item["name"]: item for item in manifest["attachments"]}
    assert set(listed) == set(ATTACHED) and manifest["files_up_to"] == 1048
    small, large = (listed[name] for name in ATTACHED)
    assert (small["included"], large["included"]) == (True, False)
    assert shipped[f"files/{small['sha256']}"] == ATTACHED["整改报告.pdf"]
    assert f"files/{large['sha256']}" not in shipped
    assert large["sha256"] == hashlib.sha256(ATTACHED["整改照片集.pdf"]).hexdigest()
    record = next(name for name in shipped if name.endswith("-SM-2019-004.pdf"))
    printed = read_embedded(shipped[record], file=record).record["attachments"]
    assert [(item["name"], item["sha256"]) for item in printed] == [
        (name, listed[name]["sha256"]) for name in ATTACHED
    ]
    run = invoke("dossier", "verify", str(dossier), "--json")
    checks = [c for c in json.loads(run.stdout)["checks"] if c["check"] == "attachment"]
    assert [c["ok"] for c in checks] == [True, True]


def test_a_file_replaced_in_the_dossier_is_caught_against_its_trail_row(
    dossier: Path, tmp_path: Path
) -> None:
    forged = pdf(pages=2)
    edited = tmp_path / "replaced.zip"
    with zipfile.ZipFile(dossier) as source, zipfile.ZipFile(edited, "w") as target:
        manifest = json.loads(source.read("manifest.json"))
        victim = next(name for name in source.namelist() if name.startswith("files/"))
        for entry in manifest["files"]:  # the forger also lists the new bytes
            if entry["name"] == victim:
                entry.update(sha256=hashlib.sha256(forged).hexdigest(), size=len(forged))
        for name in source.namelist():
            data = forged if name == victim else source.read(name)
            target.writestr(name, json.dumps(manifest) if name == "manifest.json" else data)
    run = invoke("dossier", "verify", str(edited), "--json")
    assert run.code == 1
    failed = [c for c in json.loads(run.stdout)["checks"] if not c["ok"]]
    assert [(c["check"], c["subject"]) for c in failed] == [
        ("attachment", "SM-2019-004 attachment #1")
    ]
    assert "the file was replaced" in failed[0]["detail"]


def test_an_edited_dossier_exits_1_naming_the_file(dossier: Path, tmp_path: Path) -> None:
    edited = tmp_path / "edited.zip"
    with zipfile.ZipFile(dossier) as source, zipfile.ZipFile(edited, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, data + b" " if name == "ocds.json" else data)
    run = invoke("dossier", "verify", str(edited), "--json")
    assert run.code == 1
    failed = [c for c in json.loads(run.stdout)["checks"] if not c["ok"]]
    assert {c["subject"] for c in failed} == {"ocds.json"}
    table = invoke("dossier", "verify", str(edited))
    assert table.code == 1
    assert "FAIL" in table.stdout and "check" in table.stderr and "failed" in table.stderr


def test_a_file_that_is_not_a_zip_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "dossier.zip"
    path.write_bytes(b"%PDF-1.7 not a zip")
    run = invoke("dossier", "verify", str(path))
    assert run.code == 1
    assert run.stderr.count("\n") == 1 and "is not a zip file" in run.stderr


def test_exporting_with_no_key_and_no_stored_checkpoint_writes_nothing(
    demo: Path, tmp_path: Path
) -> None:
    database = tmp_path / "unsigned.db"
    shutil.copy(demo / "demo.db", database)
    with sqlite3.connect(database) as connection:
        connection.execute("DELETE FROM audit_checkpoint")
    output = tmp_path / "d.zip"
    env = {"PROCURE_AUDIT_KEY": str(tmp_path / "no-such.key")}
    run = invoke(
        "export", "dossier", "--year", "2019", "-o", str(output), db=sqlite_url(database), env=env
    )
    assert run.code == 1 and not output.exists()
    assert "needs a signed checkpoint" in run.stderr
    assert run.stderr.splitlines()[-1].startswith("error:")


def test_an_explicit_key_that_is_missing_writes_nothing(demo: Path, tmp_path: Path) -> None:
    output = tmp_path / "d.zip"
    missing = str(tmp_path / "none.key")
    run = invoke("export", "dossier", "--year", "2019", "-o", str(output), "--key", missing)
    assert run.code == 1 and not output.exists()
    assert run.stderr.count("\n") == 1 and "no audit signing key" in run.stderr


def test_export_lists_the_dossier_command() -> None:
    run = invoke("export", "--help")
    assert run.code == 0 and "dossier" in run.stdout
