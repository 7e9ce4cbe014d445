"""Bad input never hurts: one line on stderr, a non-zero exit code, and the database unchanged.

Exit code 1 is a refused or invalid request, 2 is bad usage (an unknown option, a
missing required option). Every case runs on its own copy of one prepared
database, which holds a project in service (contract 850,000.00, one payment
of 340,000.00) and a project still in draft. The cases are independent, so the
module runs them side by side and each test checks one of them.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.e2e.cli import (
    CHINESE,
    CODE,
    DRAFT_CODE,
    ENGLISH,
    LAOXIE,
    OFFICER,
    YEAR,
    Run,
    dump,
    fixture,
    in_service_history,
    ok,
    procure,
    project_entry,
    sets,
    sqlite_url,
)

UNINITIALIZED = "uninitialized"  # the case gets no database file at all
EMPTY_FILE = "empty-file"  # the case gets an empty SQLite file, never initialized


@dataclass(frozen=True)
class Case:
    """One bad command line and what it must say."""

    name: str
    args: tuple[str, ...]
    exit_code: int
    says: str
    files: dict[str, str] = field(default_factory=dict)  # fixture files written first
    database: str = "prepared"
    lang: str = ENGLISH  # the LANG it runs in: a case that says Chinese runs in Chinese


def advance(code: str, trigger: str, role: str = "officer", *extra: str) -> tuple[str, ...]:
    return ("advance", code, trigger, "--as", role, "--by", OFFICER, *extra)


BAD_USCC = LAOXIE[:-1] + ("0" if LAOXIE[-1] != "0" else "1")

CASES = [
    Case(
        "unknown_project",
        advance(f"SM-{YEAR}-999", "submit"),
        1,
        f"unknown project 'SM-{YEAR}-999'",
    ),
    Case(
        "wrong_role", advance(DRAFT_CODE, "submit", "leader"), 1, "分管领导无权办理", lang=CHINESE
    ),
    Case(
        "trigger_not_allowed_from_state",
        advance(DRAFT_CODE, "approve", "leader"),
        1,
        "项目当前为「草拟」状态",
        lang=CHINESE,
    ),
    Case("unknown_trigger", advance(DRAFT_CODE, "publish"), 1, "未知步骤 'publish'", lang=CHINESE),
    Case("unknown_role", advance(DRAFT_CODE, "submit", "boss"), 1, "未知角色 'boss'", lang=CHINESE),
    Case(
        "reason_required",
        advance(DRAFT_CODE, "cancel"),
        1,
        "须填写理由",
        lang=CHINESE,
    ),
    Case(
        "missing_required_fact",
        advance(CODE, "record_payment", "officer", *sets(amount="1000.00")),
        1,
        "登记拨付须填写拨付日期",
        lang=CHINESE,
    ),
    Case(
        "unknown_fact",
        advance(
            CODE,
            "record_payment",
            "officer",
            *sets(amount="1.00", paid_on="2024-04-01", colour="red"),
        ),
        1,
        "未知事项 'colour'",
        lang=CHINESE,
    ),
    Case(
        "bad_money",
        advance(CODE, "record_payment", "officer", *sets(amount="12.345", paid_on="2024-04-01")),
        1,
        "的小数超过 2 位",
        lang=CHINESE,
    ),
    Case(
        "bad_date",
        advance(CODE, "record_payment", "officer", *sets(amount="1000.00", paid_on="2024-02-30")),
        1,
        "'2024-02-30' is not a valid date",
    ),
    Case(
        "set_without_equals",
        advance(CODE, "record_payment", "officer", "--set", "amount"),
        1,
        "--set 'amount'：应写作 名称=值（KEY=VALUE）",
        lang=CHINESE,
    ),
    Case(
        "payment_over_the_contract_amount",
        advance(CODE, "record_payment", "officer", *sets(amount="510000.01", paid_on="2024-04-01")),
        1,
        "将超过合同金额",
        lang=CHINESE,
    ),
    Case(
        "unknown_state_filter", ("projects", "--state", "finished"), 1, "unknown state 'finished'"
    ),
    Case(
        "unknown_purchaser_filter",
        ("projects", "--purchaser", "NO-SUCH"),
        1,
        "unknown purchaser 'NO-SUCH'",
    ),
    Case(
        "malformed_yaml_fixture",
        ("load", "{dir}/broken.yaml"),
        1,
        "not valid YAML at line",
        files={"broken.yaml": "format: procure-fixture/1\npurchasers: [\n  {code: X\n"},
    ),
    Case(
        "fixture_with_an_invalid_uscc",
        ("load", "{dir}/bad-uscc.yaml"),
        1,
        BAD_USCC,
        files={
            "bad-uscc.yaml": (
                f"format: procure-fixture/1\nyear: {YEAR}\n"
                f"organizations:\n  - {{uscc: {BAD_USCC}, name: 校验码错误的组织}}\n"
            )
        },
    ),
    Case(
        "fixture_with_a_negative_budget",
        ("load", "{dir}/negative.yaml"),
        1,
        "不能为负数",
        files={
            "negative.yaml": fixture(
                project_entry(f"SM-{YEAR}-003", budget="-5000.00"), registry=False
            )
        },
        lang=CHINESE,
    ),
    Case(
        "fixture_with_a_duplicate_project_code",
        ("load", "{dir}/duplicate.yaml"),
        1,
        f"项目 {DRAFT_CODE} 已存在",
        files={"duplicate.yaml": fixture(project_entry(DRAFT_CODE), registry=False)},
        lang=CHINESE,
    ),
    Case(
        "fixture_with_a_misspelt_stop_after",
        ("load", "{dir}/typo.yaml"),
        1,
        "stop_after: unknown trigger 'sbmit'",
        files={
            "typo.yaml": fixture(
                project_entry(f"SM-{YEAR}-003", stop_after="sbmit"), registry=False
            )
        },
    ),
    Case(
        "the_same_fixture_loaded_twice",
        ("load", "{dir}/registry.yaml", "--by", "admin"),
        1,
        "购买方 SM-FED 已存在",
        files={"registry.yaml": fixture()},
        lang=CHINESE,
    ),
    Case("unknown_option", ("projects", "--colour", "red"), 2, "No such option '--colour'"),
    Case(
        "missing_by",
        ("advance", DRAFT_CODE, "submit", "--as", "officer"),
        2,
        "Missing option '--by'",
    ),
    Case(
        "command_before_init",
        ("projects",),
        1,
        "run `procure init`",
        database=UNINITIALIZED,
    ),
    Case(
        "command_on_an_empty_database_file",
        ("show", CODE),
        1,
        "is not initialized: run `procure init`",
        database=EMPTY_FILE,
    ),
]


@dataclass(frozen=True)
class Outcome:
    """What a case did to its copy of the database."""

    run: Run
    database: Path
    dump_after: object


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with CODE in service (850,000.00 contract, 340,000.00 paid) and DRAFT_CODE."""
    folder = tmp_path_factory.mktemp("prepared")
    database = folder / "procure.db"
    file = folder / "prepared.yaml"
    in_service = project_entry(CODE, stop_after=None, history=in_service_history())
    file.write_text(fixture(in_service, project_entry(DRAFT_CODE)), encoding="utf-8")
    ok("init", db=sqlite_url(database))
    ok("load", str(file), db=sqlite_url(database))
    return database


@pytest.fixture(scope="module")
def prepared_dump(prepared: Path) -> object:
    return dump(sqlite_url(prepared))


def _run_case(case: Case, prepared: Path, folder: Path) -> Outcome:
    folder.mkdir()
    for name, text in case.files.items():
        (folder / name).write_text(text, encoding="utf-8")
    database = folder / "procure.db"
    if case.database == "prepared":
        shutil.copyfile(prepared, database)
    elif case.database == EMPTY_FILE:
        database.touch()
    args = [arg.replace("{dir}", str(folder)) for arg in case.args]
    run = procure(*args, db=sqlite_url(database), cwd=folder, lang=case.lang)
    after = dump(sqlite_url(database)) if database.exists() else None
    return Outcome(run, database, after)


@pytest.fixture(scope="module")
def outcomes(prepared: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    root = tmp_path_factory.mktemp("cases")
    # one after another: each runs procure in this process (its stdout, stderr, folder, clock)
    return {case.name: _run_case(case, prepared, root / case.name) for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_is_one_line_on_stderr_and_changes_nothing(
    case: Case, outcomes: dict[str, Outcome], prepared_dump: object
) -> None:
    outcome = outcomes[case.name]
    run = outcome.run
    assert run.code == case.exit_code, str(run)
    assert "Traceback" not in run.stderr, str(run)
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, str(run)
    if case.lang == CHINESE:
        prefix = "用法错误：" if case.exit_code == 2 else "错误："
    else:
        prefix = "usage error:" if case.exit_code == 2 else "error:"
    assert lines[0].startswith(prefix), str(run)
    assert case.says in lines[0], str(run)
    assert run.stdout == "", str(run)
    if case.database == "prepared":
        assert outcome.dump_after == prepared_dump
    elif case.database == EMPTY_FILE:
        assert outcome.dump_after == [], "an empty file stays empty"
    else:
        assert not outcome.database.exists(), "a refused command must not create the database"
