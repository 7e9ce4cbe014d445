"""`procure report` as a person runs it: print one record, a year's records, verify a file."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.cli import ok, procure, sqlite_url


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
    assert f"评价记录 Evaluation records: 7 PDF files in {records}" in stdout
    assert "年度考核与续约决定" in stdout


def test_demo_without_a_cjk_font_warns_in_one_line_and_still_shows_the_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from procure.cli.app import cli
    from procure.reports import fonts

    monkeypatch.setattr(fonts, "_cjk_families", lambda: ())
    fonts.font_setup.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["demo", "--dir", str(tmp_path)])
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
    assert "验证码" in printed.stdout
    assert file.read_bytes().startswith(b"%PDF-")
    verified = ok("report", "verify", str(file), db=demo_db)
    assert "一致 OK" in verified.stdout


def test_printing_twice_gives_identical_files(demo_db: str, tmp_path: Path) -> None:
    ok("report", "SM-2019-006", "-o", str(tmp_path / "a.pdf"), db=demo_db)
    ok("report", "SM-2019-006", "-o", str(tmp_path / "b.pdf"), db=demo_db)
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_a_project_without_a_contract_is_refused_in_one_line(demo_db: str, tmp_path: Path) -> None:
    run = procure("report", "SM-2019-008", "-o", str(tmp_path / "x.pdf"), db=demo_db)
    assert run.code == 1
    assert (
        run.stderr.strip()
        == "error: project SM-2019-008 has no contract, so it has no evaluation record"
    )


def test_year_batch_writes_one_file_per_record_and_a_rerun_skips_them(
    demo_db: str, tmp_path: Path
) -> None:
    out = tmp_path / "records"
    first = ok(
        "report",
        "--year",
        "2019",
        "--purchaser",
        "SM-FED",
        "-o",
        str(out),
        "--jobs",
        "2",
        db=demo_db,
    )
    assert "打印 printed 2" in first.stdout
    assert sorted(p.name for p in (out / "2019").iterdir()) == [
        "52350203MJ0316852A-SM-2019-001.pdf",
        "52350203MJ0427391G-SM-2019-002.pdf",
    ]
    again = ok("report", "--year", "2019", "--purchaser", "SM-FED", "-o", str(out), db=demo_db)
    assert "未变跳过 unchanged 2" in again.stdout


def test_verify_fails_on_a_file_that_is_not_a_record(demo_db: str, tmp_path: Path) -> None:
    file = tmp_path / "other.pdf"
    file.write_bytes(b"not a pdf")
    run = procure("report", "verify", str(file), db=demo_db)
    assert run.code == 1
    assert run.stderr.startswith("error: ")


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
