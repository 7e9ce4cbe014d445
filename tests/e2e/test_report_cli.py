"""`procure report` as a person runs it: print one record, a year's records, verify a file."""

from __future__ import annotations

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
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("demo")
    ok("demo", "--dir", str(folder))
    return sqlite_url(folder / "demo.db")


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
