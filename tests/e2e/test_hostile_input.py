"""Hostile files and odd input: each is one line on stderr, exit 1 (2 for usage), nothing
changed, and nothing in the data is interpreted.

The classes (issue 10): files that crashed or hung procure (numbers YAML cannot be, nesting,
alias bombs, endless files, impossible dates, keys given twice), values that would make a
message many lines or megabytes long, digits other than 0-9, bidi controls in names,
databases procure cannot use (other engines, newer schema, read-only, a BLOB in the trail).
Every case runs on its own copy of one prepared database (see test_bad_inputs.py), through
the CLI's own entry point in this process; a case may change its copy first (``prepare``),
and the dump is compared with the dump taken just before the command ran.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from procure.cli import main
from procure.domain.uscc import make_uscc
from tests.e2e.cli import (
    CHINESE,
    CODE,
    DRAFT_CODE,
    ENGLISH,
    OFFICER,
    YEAR,
    Run,
    dump,
    fixture,
    in_service_history,
    ok,
    project_entry,
    sets,
    sqlite_url,
)

Prepare = Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    """One hostile command line and the fragments its one stderr line must hold."""

    name: str
    args: tuple[str, ...]
    says: tuple[str, ...]
    exit_code: int = 1
    files: dict[str, str | bytes] = field(default_factory=dict)
    prepare: Prepare | None = None
    url: str = "sqlite:///{db}"
    lang: str = ENGLISH  # the LANG it runs in: a case that says Chinese runs in Chinese


HEAD = f"format: procure-fixture/1\nyear: {YEAR}\n"
NEW_CODE = f"SM-{YEAR}-003"
NEW_USCC = make_uscc("52350203MJ0000004")


def load(
    name: str, text: str | bytes, *says: str, by: str | None = None, lang: str = ENGLISH
) -> Case:
    acting = ("--by", by) if by else ()
    args = ("load", f"{{dir}}/{name}.yaml", *acting)
    return Case(name, args, (f"{name}.yaml", *says), files={name: text}, lang=lang)


def with_budget(budget: str) -> str:
    """A fixture adding one draft project whose budget is ``budget`` (YAML as written)."""
    return fixture(project_entry(NEW_CODE, budget=budget), registry=False)


def with_title(title: str) -> str:
    return with_budget("1000.00").replace("title: 职工成长方程式", f"title: {title}")


def payment(amount: str) -> tuple[str, ...]:
    facts = sets(amount=amount, paid_on=f"{YEAR}-04-01")
    return ("advance", CODE, "record_payment", "--as", "officer", "--by", OFFICER, *facts)


def sql(*statements: str) -> Prepare:
    def prepare(database: Path) -> None:
        with sqlite3.connect(database) as connection:
            for statement in statements:
                connection.execute(statement)

    return prepare


ALIAS_BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
)
READ_ONLY = "sqlite:///file:{db}?mode=ro&uri=true"
BIG = 2_000_000  # stands for the 200 MB cell: the message must not grow with it

CASES = [
    # -------------------------------------------------- numbers YAML reads but money is not
    load("nan_budget", with_budget(".nan"), "line 11", "'.nan' is not a finite number"),
    load("inf_budget", with_budget("-.inf"), "line 11", "'-.inf' is not a finite number"),
    load("nan_year", HEAD.replace(str(YEAR), ".NaN"), "line 2", "is not a finite number"),
    load("thousands_of_digits", with_budget("9" * 5000), "5000 characters is too long"),
    load("thousands_of_digits_int", HEAD.replace(str(YEAR), "1" * 4400), "too long"),
    load("long_number_text", with_budget("'" + "1" * 400 + "'"), "太长，不是数字", lang=CHINESE),
    # ------------------------------------------------------------ dates YAML itself refuses
    load(
        "impossible_date",
        HEAD + "purchasers:\n  - {code: X-1, name: 甲, annual_funds: 1.00, since: 2019-02-30}\n",
        "line 4",
        "'2019-02-30' is not a valid date",
    ),
    # ------------------------------------------------------------- nesting and expansion
    load("nested_deep", "a: " + "[" * 5000 + "]" * 5000 + "\n", "nested more than 64 levels"),
    load("nested_mappings", "a: " + "{b: " * 3000 + "1" + "}" * 3000 + "\n", "64 levels"),
    load("alias_bomb", "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + ALIAS_BOMB,
         "aliases expanded", "more than 10,000,000 values"),
    load("not_a_mapping_key", "? [a, b]\n: 1\n", "key must be a plain value"),
    # ------------------------------------------------------------------- endless files
    Case("dev_zero", ("load", "/dev/zero"), ("/dev/zero", "larger than 64 MB")),
    Case("a_folder", ("load", "{dir}"), ("is a directory",), 2),
    load("nul_bytes", HEAD + "\x00\x00\n", "NUL bytes"),
    load("utf16_with_mark", (HEAD + "purchasers: []\n").encode("utf-16"),
         "is UTF-16 text; save it as UTF-8"),
    load("utf16_big_endian_no_mark", (HEAD + "purchasers: []\n").encode("utf-16-be"),
         "is UTF-16 text; save it as UTF-8"),
    load("utf32_with_mark", (HEAD + "purchasers: []\n").encode("utf-32"),
         "is UTF-32 text; save it as UTF-8"),
    # ---------------------------------------------------------------- keys given twice
    load("duplicate_top_key", HEAD + f"year: {YEAR + 1}\n", "'year' is given twice",
         "lines 2 and 3"),
    load(
        "duplicate_nested_key",
        with_budget("1000.00").replace("    budget:", "    title: 重复\n    budget:"),
        "'title' is given twice",
        "lines 9 and 11",
    ),
    # --------------------------------------------- values quoted on one short line
    load("newline_nul_escape_in_money", with_budget('"12\\n\\0\\e[2J\\a"'),
         "'12\\n\\x00\\x1b[2J\\x07' 不是金额", lang=CHINESE),
    load("huge_cell", with_budget("x" * BIG), f"（共 {BIG} 个字符）", lang=CHINESE),
    Case("huge_argument", payment("9" * 100 + "x" * 5000), ("个字符）",), lang=CHINESE),
    Case("bell_in_a_project_code", ("show", "SM-\x07\x1b[31m"), ("'SM-\\x07\\x1b[31m'",)),
    # ------------------------------------------------------------ digits other than 0-9
    Case("fullwidth_digits_in_money", payment("１２３"), ("FULLWIDTH DIGIT ONE", "0-9")),
    Case("arabic_indic_digits_in_money", payment("١٢٣"), ("ARABIC-INDIC DIGIT ONE",)),
    load("fullwidth_digits_in_a_fixture", with_budget("'１０００.００'"), "FULLWIDTH DIGIT"),
    Case("devanagari_digits_in_money", payment("१२३"), ("DEVANAGARI DIGIT ONE",)),
    # --------------------------------------------------------------- bidi controls
    load(
        "bidi_override_in_a_title", with_title('"职工\\u202e成长"'), "U+202E", "打乱打印文字的顺序",
        lang=CHINESE,
    ),
    load("bidi_isolate_in_a_title", with_title('"职工\\u2066成长"'), "U+2066"),
    load(
        "bidi_in_an_organization_name",
        HEAD + f"organizations:\n  - {{uscc: {NEW_USCC}, name: \"启航\\u202b中心\"}}\n",
        "U+202B",
        by="admin",
    ),
    # ------------------------------------- one text rule on every door (issue 24, item 10)
    Case("bidi_override_in_a_reason", ("advance", DRAFT_CODE, "cancel", "--as", "officer",
                                       "--by", OFFICER, "--reason", "撤销\u202e原因"),
         ("理由", "U+202E", "打乱打印文字的顺序"), lang=CHINESE),
    Case("nul_in_a_reason", ("advance", DRAFT_CODE, "cancel", "--as", "officer", "--by",
                             OFFICER, "--reason", "撤销\x00原因"),
         ("理由", "U+0000", "NUL"), lang=CHINESE),
    Case("escape_in_findings", ("advance", CODE, "record_inspection", "--as", "supervisor",
                              "--by", "王丽华", "--set", "inspected_on=2024-05-01",
                              "--set", "findings=\x1b[2J看过"),
         ("U+001B", "ESCAPE")),
    load(
        "nul_in_an_organization_name",
        HEAD + f"organizations:\n  - {{uscc: {NEW_USCC}, name: \"启航\\0中心\"}}\n",
        "U+0000",
        by="admin",
    ),
    load(
        "escape_in_an_organization_name",
        HEAD + f"organizations:\n  - {{uscc: {NEW_USCC}, name: \"启航\\e[2J中心\"}}\n",
        "U+001B",
        by="admin",
    ),
    # --------------------------------------------------------- databases procure can't use
    Case("mysql_url", ("projects",), ("mysql is not supported", "SQLite or PostgreSQL"),
         url="mysql://root@localhost/procure"),
    Case("not_a_url", ("projects",), ("is not a database URL",), url="::nonsense::"),
    Case("year_beyond_any_integer", ("projects", "--year", "9" * 30), ("--year",), 2),
    Case("year_beyond_any_integer_renew", ("renew", "--year", "-99999999999999999999"),
         ("--year",), 2),
    Case("newer_schema", ("projects",), ("schema 0099", "newer procure", "knows up to"),
         prepare=sql("UPDATE alembic_version SET version_num = '0099'")),
    Case("init_on_a_newer_schema", ("init",), ("schema 0099", "init does not downgrade"),
         prepare=sql("UPDATE alembic_version SET version_num = '0099'")),
    Case("blob_in_the_audit_trail", ("audit", "verify"), ("row 2", "binary data (a BLOB)"),
         prepare=sql("UPDATE transition_log SET data = X'00FF10' WHERE seq = 2")),
    Case("read_only_database", ("advance", DRAFT_CODE, "submit", "--as", "officer", "--by",
                                OFFICER), ("the database file is read-only",), url=READ_ONLY),
    Case("read_only_database_load", ("load", "{dir}/more.yaml"),
         ("the database file is read-only",), url=READ_ONLY,
         files={"more": fixture(project_entry(NEW_CODE), registry=False)}),
]  # fmt: skip


def invoke(*args: str, db: str, lang: str = ENGLISH) -> Run:
    """Run ``procure ARGS`` in this process (as the console script does, through
    :func:`procure.cli.main`): a fresh interpreter per case would cost a second each."""
    runner = CliRunner()
    env = {"PROCURE_DB": db, "COLUMNS": "240", "LANG": lang, "LC_ALL": None, "LC_MESSAGES": None}
    with runner.isolation(env=env) as (out, err, _):
        code = main(list(args))
    return Run(args, code, out.getvalue().decode(), err.getvalue().decode())


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """CODE in service (850,000.00 contract, one payment) and DRAFT_CODE in draft."""
    folder = tmp_path_factory.mktemp("prepared")
    database = folder / "procure.db"
    file = folder / "prepared.yaml"
    in_service = project_entry(CODE, stop_after=None, history=in_service_history())
    file.write_text(fixture(in_service, project_entry(DRAFT_CODE)), encoding="utf-8")
    ok("init", db=sqlite_url(database))
    ok("load", str(file), db=sqlite_url(database))
    return database


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_input_is_one_short_line_and_changes_nothing(
    case: Case, prepared: Path, tmp_path: Path
) -> None:
    for name, text in case.files.items():
        file = tmp_path / f"{name}.yaml"
        file.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    database = tmp_path / "procure.db"
    shutil.copyfile(prepared, database)
    if case.prepare is not None:
        case.prepare(database)
    before = dump(sqlite_url(database))
    args = [arg.replace("{dir}", str(tmp_path)) for arg in case.args]

    run = invoke(*args, db=case.url.replace("{db}", str(database)), lang=case.lang)

    assert run.code == case.exit_code, str(run)[:2000]
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, str(run)[:2000]
    assert len(lines[0]) < 600, f"{len(lines[0])} characters: {lines[0][:300]}"
    if case.lang == CHINESE:
        prefix = "用法错误：" if case.exit_code == 2 else "错误："
    else:
        prefix = "usage error:" if case.exit_code == 2 else "error:"
    assert lines[0].startswith(prefix), str(run)
    assert lines[0].isprintable(), repr(lines[0])
    for fragment in case.says:
        assert fragment in lines[0], f"{fragment!r} not in {lines[0]!r}"
    assert run.stdout == "", str(run)[:2000]
    assert dump(sqlite_url(database)) == before, "a refused command must change nothing"
