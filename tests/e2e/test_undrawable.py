"""A record with characters no installed font can draw still prints, and says which ones
(they would otherwise become empty boxes without a word)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.e2e.cli import ok, procure, sqlite_url
from tests.e2e.test_report_cli import pytestmark as needs_printing

pytestmark = needs_printing

EXT_G = "\U00030000"  # CJK Extension G (Unicode 13): beyond every font Debian ships today


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    ok("demo", "--dir", str(folder), "--no-records")
    return folder / "demo.db"


def test_printing_a_record_with_undrawable_characters_warns_naming_them(
    demo: Path, tmp_path: Path
) -> None:
    database = tmp_path / "demo.db"
    shutil.copyfile(demo, database)
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


def test_a_record_every_font_can_draw_prints_without_a_warning(demo: Path, tmp_path: Path) -> None:
    ok("report", "SM-2019-006", "-o", str(tmp_path / "SM-2019-006.pdf"), db=sqlite_url(demo))
