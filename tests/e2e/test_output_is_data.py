"""What procure prints is data, never instructions: Rich markup in a name is shown as typed,
control characters are spelled out, and spreadsheet cells never start a formula.

A project titled ``坏标记[/]`` once crashed ``procure projects`` for everyone; ``[link=…]`` was
turned into a hyperlink; ESC and BEL reached the terminal; ``renew --csv`` wrote
``=HYPERLINK(…)`` through to whoever opened the file (OWASP: CSV injection).
"""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from procure.cli import main
from tests.e2e.cli import CODE, IN_ENGLISH, Run, fixture, ok, project_entry, sqlite_url

TITLES = [
    "坏标记[/]",
    "[bold]粗体[/bold]标题",
    "[link=https://example.invalid]点我[/link]",
    "[red]红[/]\x1b[31m终端红\x1b[0m响铃\x07",
    "退格\x08\x08回车\r覆盖\x9b31m",
]


def invoke(*args: str, db: str) -> Run:
    """Run ``procure ARGS`` in this process, through the console script's entry point."""
    with CliRunner().isolation(env={"PROCURE_DB": db, "COLUMNS": "240", **IN_ENGLISH}) as (
        out,
        err,
        _,
    ):
        code = main(list(args))
    return Run(args, code, out.getvalue().decode(), err.getvalue().decode())


@pytest.fixture(scope="module")
def titled(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database with CODE in draft; each test sets the title it needs."""
    folder = tmp_path_factory.mktemp("titled")
    (folder / "f.yaml").write_text(fixture(project_entry(CODE)), encoding="utf-8")
    url = sqlite_url(folder / "procure.db")
    ok("init", db=url)
    ok("load", str(folder / "f.yaml"), db=url)
    return url


def _retitle(url: str, title: str) -> None:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
        connection.execute("UPDATE project SET title = ?", (title,))


@pytest.mark.parametrize("title", TITLES, ids=range(len(TITLES)))
@pytest.mark.parametrize("command", [("projects",), ("show", CODE)], ids=["projects", "show"])
def test_a_title_is_printed_as_typed_never_as_markup_or_terminal_codes(
    titled: str, title: str, command: tuple[str, ...]
) -> None:
    _retitle(titled, title)

    run = invoke(*command, db=titled)

    assert run.code == 0 and run.stderr == "", str(run)
    printed = run.stdout
    for control in ("\x1b", "\x07", "\x08", "\r", "\x9b"):
        assert control not in printed
    shown = title.replace("\x1b", "\\x1b").replace("\x07", "\\x07").replace("\x08", "\\x08")
    shown = shown.replace("\r", "\\x0d").replace("\x9b", "\\x9b")
    assert shown in printed, printed


FORMULAS = [
    '=HYPERLINK("https://example.invalid","点我")',
    "+1+1",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
]


def test_renew_csv_never_writes_a_cell_a_spreadsheet_would_run(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "p.db")
    ok("init", db=url)
    ok("fixtures", "generate", "--year", "2019", "--projects", "12", "--organizations", "6", db=url)
    with sqlite3.connect(tmp_path / "p.db") as connection:
        ids = [row[0] for row in connection.execute("SELECT id FROM organization ORDER BY id")]
        for org_id, name in zip(ids, FORMULAS, strict=False):
            connection.execute("UPDATE organization SET name = ? WHERE id = ?", (name, org_id))
    out = tmp_path / "plan.csv"

    run = invoke("renew", "--year", "2019", "--csv", str(out), db=url)

    assert run.code == 0, str(run)
    with out.open(encoding="utf-8", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    names = {cell for cell in cells if cell.lstrip("'") in FORMULAS}
    assert names, "the renamed organizations are in the plan"
    assert all(name.startswith("'") for name in names), names
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
