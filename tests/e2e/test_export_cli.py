"""``procure export ocds`` as typed at a terminal (in-process runner) on the Siming demo year."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from procure.services.opendata.ocds import package_bytes, release_package
from procure.store.db import make_engine, new_session
from tests.databases import DEMO, SqliteTemplates
from tests.e2e.cli import Run, procure
from tests.ocds_schema import schema_errors


def run(db: str, *args: str) -> Run:
    return procure(*args, db=db)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, sqlite_templates: SqliteTemplates) -> str:
    """A SQLite database where the Siming 2019 demo year has run (a copy of the session's,
    see tests/databases.py)."""
    path = tmp_path_factory.mktemp("siming") / "procure.db"
    sqlite_templates.copy_to(DEMO, path)
    return f"sqlite:///{path}"


def test_export_writes_the_years_package_that_validates_and_says_where(
    db: str, tmp_path: Path
) -> None:
    output = tmp_path / "siming-2019.json"

    shown = run(db, "export", "ocds", "--year", "2019", "-o", str(output))

    assert shown.code == 0, shown.stderr
    assert shown.stdout == f"Exported 7 OCDS releases of 2019 → {output}\n"
    package = json.loads(output.read_text(encoding="utf-8"))
    assert schema_errors(package) == []
    engine = make_engine(db)
    with new_session(engine) as session:
        assert output.read_bytes() == package_bytes(release_package(session, 2019))
    engine.dispose()


def test_two_exports_of_the_same_data_are_byte_identical(db: str, tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"

    assert run(db, "export", "ocds", "--year", "2019", "-o", str(first)).code == 0
    assert run(db, "export", "ocds", "--year", "2019", "-o", str(second)).code == 0

    assert first.read_bytes() == second.read_bytes()


def test_purchaser_narrows_and_published_sets_the_date(db: str, tmp_path: Path) -> None:
    output = tmp_path / "wj.json"

    shown = run(
        db, "export", "ocds", "--year", "2019", "--purchaser", "SM-WJ",
        "--published", "2020-01-06T09:00+08:00", "-o", str(output), "--json",
    )  # fmt: skip

    assert shown.code == 0, shown.stderr
    assert json.loads(shown.stdout) == {"file": str(output), "releases": 1, "year": 2019}
    package = json.loads(output.read_text(encoding="utf-8"))
    assert package["publishedDate"] == "2020-01-06T09:00:00+08:00"
    assert [r["ocid"] for r in package["releases"]] == ["ocds-procure-SM-2019-003"]


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("--year", "2031"), "error: no public projects in 2031"),
        (("--year", "2019", "--purchaser", "SM-NOPE"), "error: unknown purchaser 'SM-NOPE'"),
        (
            ("--year", "2019", "--published", "2020-01-06"),
            "error: --published '2020-01-06': add the offset, e.g. +08:00",
        ),
        (
            ("--year", "2019", "--published", "next monday"),
            "error: --published 'next monday': give a moment such as 2020-01-06T09:00+08:00",
        ),
    ],
)
def test_a_bad_request_is_one_line_exit_1_and_no_file(
    db: str, tmp_path: Path, args: tuple[str, ...], error: str
) -> None:
    output = tmp_path / "out.json"

    shown = run(db, "export", "ocds", *args, "-o", str(output))

    assert (shown.code, shown.stderr, shown.stdout) == (1, f"{error}\n", "")
    assert list(tmp_path.iterdir()) == []


def test_a_refused_export_leaves_an_earlier_file_as_it_was(db: str, tmp_path: Path) -> None:
    output = tmp_path / "out.json"
    output.write_text("earlier", encoding="utf-8")

    shown = run(db, "export", "ocds", "--year", "2031", "-o", str(output))

    assert shown.code == 1
    assert output.read_text(encoding="utf-8") == "earlier"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_a_folder_or_a_missing_folder_as_output_is_refused(db: str, tmp_path: Path) -> None:
    into_folder = run(db, "export", "ocds", "--year", "2019", "-o", str(tmp_path))
    nowhere = run(db, "export", "ocds", "--year", "2019", "-o", str(tmp_path / "no" / "x.json"))

    assert (into_folder.code, nowhere.code) == (1, 1)
    assert "is a folder; give the JSON file to write" in into_folder.stderr
    assert nowhere.stderr.startswith("error: no folder '")
    assert nowhere.stderr.endswith(" to write x.json in\n")


def test_the_year_is_required(db: str, tmp_path: Path) -> None:
    shown = run(db, "export", "ocds", "-o", str(tmp_path / "x.json"))

    assert shown.code == 2
    assert "Missing option '--year'" in shown.stderr


def test_help_says_the_published_date_comes_from_the_audit_trail(db: str) -> None:
    shown = run(db, "export", "ocds", "--help")

    assert shown.code == 0
    assert "newest audit row" in shown.stdout and "never the clock" in shown.stdout
