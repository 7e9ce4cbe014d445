"""procure audit verify: the chain, then the trail replayed against the tables."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

from tests.e2e.cli import ok, procure, sqlite_url

YEAR = "2019"
CODE = "GS-LZ-2019-00001"


def _generated(tmp_path: Path) -> tuple[str, Path]:
    path = tmp_path / "province.db"
    url = sqlite_url(path)
    ok("init", db=url)
    ok("fixtures", "generate", "--year", YEAR, "--projects", "30", "--organizations", "10", db=url)
    return url, path


def _edit(path: Path, statement: str) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute(statement)


def test_a_clean_database_verifies_the_chain_and_the_tables(tmp_path: Path) -> None:
    url, _ = _generated(tmp_path)
    run = ok("audit", "verify", db=url)
    lines = run.stdout.splitlines()
    assert lines[0].startswith("Audit chain intact:")
    assert lines[1] == "The tables hold what the audit trail implies"


def test_each_difference_is_one_line_and_the_exit_code_is_1(tmp_path: Path) -> None:
    url, path = _generated(tmp_path)
    with sqlite3.connect(path) as connection:
        query = f"SELECT amount FROM contract WHERE number = 'HT-{CODE}'"
        hundredths = connection.execute(query).fetchone()[0]
    before, after = Decimal(hundredths).scaleb(-2), Decimal(hundredths + 100).scaleb(-2)
    _edit(path, f"UPDATE contract SET amount = amount + 100 WHERE number = 'HT-{CODE}'")
    _edit(path, f"UPDATE project SET state = 'renewed' WHERE code = '{CODE}'")
    run = procure("audit", "verify", db=url)
    assert run.code == 1, str(run)
    lines = run.stdout.splitlines()
    assert lines[0].startswith("Audit chain intact:")
    assert lines[1:] == [
        f"project {CODE}: state is assessed in the trail, renewed in the database",
        f"contract HT-{CODE}: amount is {before} in the trail, {after} in the database",
    ]
    assert run.stderr == "error: the trail does not explain the data: 2 differences\n"
    assert "Traceback" not in run.stderr


def test_chain_only_skips_the_replay(tmp_path: Path) -> None:
    url, path = _generated(tmp_path)
    _edit(path, f"UPDATE project SET state = 'renewed' WHERE code = '{CODE}'")
    run = ok("audit", "verify", "--chain-only", db=url)
    assert run.stdout.splitlines() == [run.stdout.splitlines()[0]]


def test_json_lists_every_difference_with_both_values(tmp_path: Path) -> None:
    url, path = _generated(tmp_path)
    _edit(path, f"UPDATE project SET state = 'renewed' WHERE code = '{CODE}'")
    run = procure("audit", "verify", "--json", db=url)
    assert run.code == 1, str(run)
    report = run.json()
    assert report["ok"] is False and report["chain_ok"] is True
    assert report["differences"] == [
        {
            "table": "project",
            "row": CODE,
            "field": "state",
            "trail_value": "assessed",
            "stored_value": "renewed",
        }
    ]
