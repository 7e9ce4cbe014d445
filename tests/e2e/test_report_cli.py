"""`procure report` as a person runs it: print one record, a year's records, verify a file."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from procure.store.keyfile import KEY_ENV
from tests.e2e.cli import IN_ENGLISH, ok, procure, sqlite_url
from tests.e2e.conftest import PrintedDemo


def _printing_unavailable() -> str | None:
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:
        return f"WeasyPrint's system libraries are missing ({exc}); run .ci/system-packages.sh"
    from procure.reports.fonts import PrintingUnavailable, font_setup

    try:
        font_setup()
    except PrintingUnavailable as exc:
        return str(exc)
    return None


pytestmark = pytest.mark.skipif(
    _printing_unavailable() is not None, reason=str(_printing_unavailable())
)


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("demo")
    run = ok("demo", "--dir", str(folder))
    return folder, run.stdout


@pytest.fixture(scope="module")
def demo_db(demo_folder: tuple[Path, str]) -> str:
    return sqlite_url(demo_folder[0] / "demo.db")


def test_demo_prints_the_years_records_and_says_where(demo_folder: tuple[Path, str]) -> None:
    folder, stdout = demo_folder
    records = folder / "records" / "2019"
    assert len(list(records.glob("*.pdf"))) == 7
    assert f"Evaluation records: 7 PDF files in {records}" in stdout
    assert "Year-end assessments and renewal decisions" in stdout


def test_demo_writes_the_years_dossier_from_its_records_and_it_verifies(
    demo_folder: tuple[Path, str],
) -> None:
    folder, stdout = demo_folder
    dossier = folder / "dossier-2019.zip"
    assert f"Auditor's dossier → {dossier}" in stdout
    run = ok("dossier", "verify", str(dossier), "--public-key", f"{folder}/audit-signing.key.pub")
    assert "Consistent:" in run.stdout
    with zipfile.ZipFile(dossier) as archive:
        for record in (folder / "records" / "2019").glob("*.pdf"):
            assert archive.read(f"records/2019/{record.name}") == record.read_bytes()


def test_demo_without_a_cjk_font_warns_in_one_line_and_still_shows_the_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from procure.cli.app import cli
    from procure.reports import fonts

    monkeypatch.setattr(fonts, "_cjk_families", lambda: ())
    fonts.font_setup.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["demo", "--dir", str(tmp_path)], env=IN_ENGLISH)
    finally:
        fonts.font_setup.cache_clear()
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1
    assert "fonts-noto-cjk" in warnings[0]
    assert "SM-2019-001" in result.output
    assert not (tmp_path / "records" / "2019").exists()


def test_help_imports_no_pdf_machinery() -> None:
    probe = (
        "import sys; from procure.cli import main; main(['report', '--help']); "
        "print(sorted(m for m in ('weasyprint', 'jinja2', 'pypdf') if m in sys.modules))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert completed.stdout.strip().endswith("[]"), completed.stdout


def test_print_one_record_then_verify_it(demo_db: str, tmp_path: Path) -> None:
    file = tmp_path / "SM-2019-001.pdf"
    printed = ok("report", "SM-2019-001", "-o", str(file), db=demo_db)
    assert "Verification code:" in printed.stdout
    assert file.read_bytes().startswith(b"%PDF-")
    verified = ok("report", "verify", str(file), db=demo_db)
    assert "Consistent:" in verified.stdout
    assert re.search(r"checkpoint \d{4}-\d\d-\d\d #\d+ holds", verified.stdout), verified


def test_printing_without_a_key_warns_in_one_line_and_still_prints(
    demo_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_ENV, str(tmp_path / "none.key"))
    file = tmp_path / "SM-2019-001.pdf"
    run = procure("report", "SM-2019-001", "-o", str(file), db=demo_db)
    assert run.code == 0, str(run)
    assert run.stderr.count("\n") == 1
    assert run.stderr.startswith("warning: no audit checkpoint taken") and "keys init" in run.stderr
    verified = ok("report", "verify", str(file), db=demo_db)
    assert "carries no audit checkpoint" in verified.stdout


def test_skip_page_render_says_it_checked_only_the_data_and_no_pages_is_gone(
    demo_db: str, tmp_path: Path
) -> None:
    file = tmp_path / "SM-2019-002.pdf"
    ok("report", "SM-2019-002", "-o", str(file), db=demo_db)
    quick = ok("report", "verify", str(file), "--skip-page-render", db=demo_db)
    assert "only the data was checked" in quick.stdout
    assert procure("report", "verify", str(file), "--no-pages", db=demo_db).code == 2


def _attached(pdf: Path) -> dict[str, Any]:
    from pypdf import PdfReader

    data = PdfReader(pdf).attachments["evaluation-record.json"][0]
    loaded: dict[str, Any] = json.loads(data)
    return loaded


def test_demo_records_differ_between_fresh_folders_only_in_their_checkpoint(
    demo_folder: tuple[Path, str], printed_demo: PrintedDemo
) -> None:
    from procure.reports.render import render_pdf

    first = demo_folder[0] / "records" / "2019"
    second = printed_demo.folder / "records" / "2019"
    names = sorted(p.name for p in first.glob("*.pdf"))
    assert names == sorted(p.name for p in second.glob("*.pdf"))
    for name in names:
        mine, theirs = _attached(first / name), _attached(second / name)
        their_checkpoint = theirs.pop("checkpoint")
        assert mine.pop("checkpoint")["public_key"] != their_checkpoint["public_key"]
        assert mine == theirs, name  # the same data, so the same verification code
        assert render_pdf(mine, their_checkpoint) == (second / name).read_bytes(), name


def test_a_demo_rerun_in_its_folder_keeps_its_current_records(
    demo_folder: tuple[Path, str], tmp_path: Path
) -> None:
    folder = tmp_path / "again"
    shutil.copytree(demo_folder[0], folder)
    ok("demo", "--dir", str(folder))  # the same key, the same data: the files are current
    for file in sorted((demo_folder[0] / "records" / "2019").glob("*.pdf")):
        assert (folder / "records" / "2019" / file.name).read_bytes() == file.read_bytes()
    held = next((folder / "checkpoints").glob("*.json"))
    assert held.name == next((demo_folder[0] / "checkpoints").glob("*.json")).name


def test_a_record_reprinted_after_a_direct_database_edit_no_longer_verifies(
    demo_folder: tuple[Path, str], tmp_path: Path
) -> None:
    import sqlite3

    database = tmp_path / "edited.db"
    shutil.copy(demo_folder[0] / "demo.db", database)
    url = sqlite_url(database)
    with sqlite3.connect(database) as connection:  # behind the services' back
        connection.execute(
            "UPDATE contract SET amount = amount + 100000 "
            "WHERE project_id = (SELECT id FROM project WHERE code = 'SM-2019-002')"
        )
    file = tmp_path / "SM-2019-002.pdf"
    ok("report", "SM-2019-002", "-o", str(file), db=url)  # printed from the edited rows

    verified = procure("report", "verify", str(file), db=url)

    assert verified.code == 1, str(verified)
    assert "the database no longer matches its audit trail: contract" in verified.stdout
    assert "amount is" in verified.stdout and "in the trail" in verified.stdout


EXT_G = "\U00030000"  # CJK Extension G (Unicode 13): beyond every font Debian ships today


def test_a_record_with_characters_no_font_can_draw_prints_with_a_warning_naming_them(
    demo_db: str, tmp_path: Path
) -> None:
    database = tmp_path / "demo.db"
    shutil.copyfile(demo_db.removeprefix("sqlite:///"), database)
    with sqlite3.connect(database) as connection:
        connection.execute(
            "UPDATE project SET title = ? WHERE code = 'SM-2019-001'", (f"职工成长{EXT_G}方程式",)
        )
    file = tmp_path / "SM-2019-001.pdf"

    run = procure("report", "SM-2019-001", "-o", str(file), db=sqlite_url(database))

    assert run.code == 0, str(run)
    assert file.read_bytes().startswith(b"%PDF-")
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, str(run)
    assert lines[0].startswith("warning: SM-2019-001: no installed font can draw")
    assert f"{EXT_G} (U+30000)" in lines[0] and "fonts-hanazono" in lines[0]


def _damaged_records(demo_folder: tuple[Path, str]) -> dict[str, bytes]:
    from tests.damaged_pdfs import attachment_bomb, damaged

    printed = sorted((demo_folder[0] / "records" / "2019").glob("*.pdf"))[0].read_bytes()
    return {
        "attachment_bomb": attachment_bomb(),
        "attachment_unknown_filter": attachment_bomb(1000, filter_name=b"/FooDecode"),
        **damaged(printed),
    }


DAMAGE = (
    "attachment_bomb",
    "attachment_unknown_filter",
    "unknown_filter",
    "checksum_edited",
    "xref_stream_byte_0",
    "xref_stream_byte_40",
)


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_record_is_refused_as_not_a_readable_record_in_one_line(
    demo_folder: tuple[Path, str], demo_db: str, tmp_path: Path, damage: str
) -> None:
    file = tmp_path / f"{damage}.pdf"
    file.write_bytes(_damaged_records(demo_folder)[damage])
    run = procure("report", "verify", str(file), db=demo_db)
    assert run.code == 1, str(run)
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr, run.stderr
    assert run.stderr.startswith("error: ") and "not a readable record" in run.stderr
