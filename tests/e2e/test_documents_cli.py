"""``procure attach``, ``procure attachments`` and ``procure download`` as an officer, an
organization and an auditor use them on the demo year, and the dossier carrying the files.

SM-2019-004 (仁和, account ``renhe``) is under rectification in the demo: its signed
contract and its rectification evidence may still be attached.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.e2e.cli import CHINESE, ENGLISH, Run, procure, sqlite_url
from tests.e2e.conftest import UnprintedDemo, copy_demo
from tests.integration.documents.files import pdf

CODE = "SM-2019-004"
OFFICER, AUDITOR, SUPERVISOR, REVIEWER = "李秀梅", "何静", "王丽华", "陈建华"


@pytest.fixture(scope="module")
def demo(unprinted_demo: UnprintedDemo, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the session's demo folder for this module, with a scanned contract and
    the organization's rectification evidence attached to SM-2019-004."""
    folder = copy_demo(unprinted_demo, tmp_path_factory.mktemp("documents-demo"))
    for name, kind, by in (
        ("合同扫描件.pdf", "contract", OFFICER),
        ("整改报告.pdf", "rectification", "renhe"),
    ):
        (folder / name).write_bytes(pdf(name))
        run = _run(folder, "attach", CODE, str(folder / name), "--to", kind, "--by", by)
        assert run.code == 0, str(run)
    return folder


def _run(folder: Path, *args: str) -> Run:
    return procure(*args, db=sqlite_url(folder / "demo.db"))


def _rows(folder: Path) -> tuple[int, int, int]:
    with sqlite3.connect(folder / "demo.db") as connection:
        return tuple(  # type: ignore[return-value]
            connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("attachment", "document_blob", "transition_log")
        )


def test_an_officer_attaches_a_file_and_gets_its_hash_as_json(demo: Path) -> None:
    data = pdf("合同补充页")
    (demo / "补充页.pdf").write_bytes(data)
    run = _run(demo, "attach", CODE, str(demo / "补充页.pdf"), "--to", "contract", "--by",
               OFFICER, "--json")  # fmt: skip
    assert run.code == 0, str(run)
    attached = run.json()
    assert attached["sha256"] == hashlib.sha256(data).hexdigest()
    assert (attached["project"], attached["fact_kind"], attached["size"]) == (
        CODE, "contract", len(data),
    )  # fmt: skip
    assert attached["uploaded_by_name"] == "李秀梅" and attached["media_type"] == "application/pdf"


def test_each_account_lists_the_files_it_may_see(demo: Path) -> None:
    def listed(by: str) -> list[str]:
        run = _run(demo, "attachments", CODE, "--by", by, "--json")
        assert run.code == 0, str(run)
        return [file["name"] for file in run.json()]

    assert {"合同扫描件.pdf", "整改报告.pdf"} <= set(listed(AUDITOR))
    assert {"合同扫描件.pdf", "整改报告.pdf"} <= set(listed("renhe"))
    table = _run(demo, "attachments", CODE, "--by", SUPERVISOR)
    assert "整改报告.pdf" in table.stdout and "仁和" not in table.stderr
    assert "整改" in table.stdout and " B " in table.stdout and "(UTC+8)" in table.stdout


def test_a_download_gives_the_same_bytes_and_a_hidden_file_is_no_such_file(
    demo: Path, tmp_path: Path
) -> None:
    files = _run(demo, "attachments", CODE, "--json").json()
    scan = next(file for file in files if file["name"] == "合同扫描件.pdf")
    out = tmp_path / "scan.pdf"
    run = _run(demo, "download", str(scan["id"]), "-o", str(out), "--by", "renhe")
    assert run.code == 0, str(run)
    assert hashlib.sha256(out.read_bytes()).hexdigest() == scan["sha256"]
    again = _run(demo, "download", str(scan["id"]), "-o", str(out))
    assert again.code == 1 and "does not overwrite" in again.stderr
    hidden = _run(demo, "download", str(scan["id"]), "-o", str(tmp_path / "x"), "--by", "qihang")
    missing = _run(demo, "download", "99999", "-o", str(tmp_path / "y"), "--by", "qihang")
    assert hidden.code == missing.code == 1
    assert hidden.stderr == missing.stderr.replace("99999", str(scan["id"]))
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    ("args", "said", "lang"),
    [
        pytest.param(
            ("--to", "contract", "--by", REVIEWER), "只能由财务干事上传", CHINESE, id="wrong role"
        ),
        pytest.param(
            ("--to", "contract", "--by", "renhe"), "只能由财务干事上传", CHINESE, id="organization"
        ),
        pytest.param(
            ("--to", "assessment", "--ref", "刘建国", "--by", OFFICER), "", ENGLISH, id="no sheet"
        ),
        pytest.param(
            ("--to", "inspection", "--ref", "x", "--by", SUPERVISOR), "序号", CHINESE, id="bad ref"
        ),
        pytest.param(
            ("--to", "rectification", "--by", "nobody"), "no account", ENGLISH, id="no account"
        ),
    ],
)
def test_a_refused_upload_is_one_line_exit_1_and_changes_nothing(
    demo: Path, args: tuple[str, ...], said: str, lang: str
) -> None:
    (demo / "拒绝.pdf").write_bytes(pdf("拒绝"))
    before = _rows(demo)
    run = procure(
        "attach", CODE, str(demo / "拒绝.pdf"), *args, db=sqlite_url(demo / "demo.db"), lang=lang
    )
    prefix = "错误：" if lang == CHINESE else "error: "
    assert run.code == 1 and run.stderr.startswith(prefix) and run.stderr.count("\n") == 1
    assert said in run.stderr
    assert _rows(demo) == before


def test_a_hostile_file_is_refused_by_its_content_and_nothing_is_stored(demo: Path) -> None:
    (demo / "方案.pdf").write_bytes(b"<html><script>alert(1)</script></html>")
    before = _rows(demo)
    run = _run(demo, "attach", CODE, str(demo / "方案.pdf"), "--to", "contract", "--by", OFFICER)
    assert run.code == 1 and "方案.pdf" in run.stderr and "Traceback" not in run.stderr
    assert _rows(demo) == before


def test_audit_verify_names_a_stored_file_whose_bytes_were_replaced(
    demo: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "tampered"
    shutil.copytree(demo, folder)
    assert _run(folder, "audit", "verify").code == 0
    with sqlite3.connect(folder / "demo.db") as connection:
        connection.execute("UPDATE document_blob SET data = ?", (pdf("伪造"),))
    run = _run(folder, "audit", "verify", "--json")
    assert run.code == 1
    differences = run.json()["differences"]
    assert {(d["table"], d["field"]) for d in differences} == {("attachment", "stored_sha256")}


def test_the_rules_print_in_chinese_with_their_limits() -> None:
    run = procure("workflow", "documents", lang=CHINESE)
    assert run.code == 0, str(run)
    assert "申报文件（方案、预算、登记证书、资质）" in run.stdout and "征集中" in run.stdout
    assert "单个文件上限 20.0 MB，每个项目合计上限 200.0 MB" in run.stdout
