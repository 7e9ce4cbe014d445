"""The command line speaks one language: Chinese unless ``LANG`` names English.

A few representative commands (tables, a project, its history, help, refusals) are read in
Chinese and in English: no English word in the Chinese (apart from the world's own data and
the codes both languages share) and no Chinese in the English. ``--json`` keeps its English
keys in both.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from tests.e2e.cli import (
    CHINESE,
    CODE,
    DRAFT_CODE,
    ENGLISH,
    fixture,
    in_service_history,
    ok,
    procure,
    project_entry,
    sqlite_url,
)
from tests.language_purity import chinese_runs, english_words, world_text

COMMAND_WORDS = {"procure", "init", "help", "report", "print", "year", "purchaser", "jobs"}
"""Words of a command line a message quotes for the reader to type (`procure init`)."""


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, set[str]]:
    """A database with CODE in service and DRAFT_CODE in draft, and what people typed in it."""
    folder = tmp_path_factory.mktemp("language")
    db = sqlite_url(folder / "procure.db")
    file = folder / "world.yaml"
    in_service = project_entry(CODE, stop_after=None, history=in_service_history())
    file.write_text(fixture(in_service, project_entry(DRAFT_CODE)), encoding="utf-8")
    ok("init", db=db)
    ok("load", str(file), db=db)
    engine = create_engine(db)
    try:
        with engine.connect() as connection:
            data = world_text(connection)
            codes = connection.execute(text('SELECT code FROM "purchaser"'))
            data |= {str(code) for (code,) in codes}  # SM-FED: a code, as typed
    finally:
        engine.dispose()
    return db, data


READINGS = [
    ("projects",),
    ("show", CODE),
    ("history", CODE),
    ("users", "list"),
]
HELP = [("--help",), ("advance", "--help"), ("export", "ocds", "--help")]
"""Help names what one types (commands, options, files, formats): read for Chinese in English
only; its Chinese is checked sentence by sentence below."""


@pytest.mark.parametrize("args", READINGS, ids=[" ".join(a) for a in READINGS])
def test_a_command_read_in_chinese_has_no_english_word(
    world: tuple[str, set[str]], args: tuple[str, ...]
) -> None:
    db, data = world
    run = ok(*args, db=db, lang=CHINESE)

    assert english_words(run.stdout, data, allowed=COMMAND_WORDS) == [], run.stdout


@pytest.mark.parametrize("args", READINGS + HELP, ids=[" ".join(a) for a in READINGS + HELP])
def test_a_command_read_in_english_has_no_chinese(
    world: tuple[str, set[str]], args: tuple[str, ...]
) -> None:
    db, data = world
    run = ok(*args, db=db, lang=ENGLISH)

    assert chinese_runs(run.stdout, data) == [], run.stdout


def test_the_help_lists_every_command_with_its_summary_in_chinese(
    world: tuple[str, set[str]],
) -> None:
    chinese = ok("--help", lang=CHINESE).stdout
    english = ok("--help", lang=ENGLISH).stdout

    assert chinese.startswith("用法: procure ") and english.startswith("Usage: procure ")
    assert "显示本帮助并退出。" in chinese and "Show this message and exit." in english
    assert "创建数据库结构，或将其升级到本版本（可重复执行）。" in chinese
    assert "Create the database schema, or upgrade it to this release" in english


@pytest.mark.parametrize(
    ("args", "stdin", "chinese", "english"),
    [
        (
            ("users", "check", "李秀梅"),
            "not the password\n",
            "错误：李秀梅 的密码核对未通过",
            "error: password check failed for 李秀梅",
        ),
        (
            ("report", "SM-2024-001", "--year", "2024", "-o", "out"),
            None,
            "用法错误：项目编号 CODE 与 --year 只能给出其一",
            "usage error: give either a project CODE or --year, not both",
        ),
    ],
    ids=["refused", "usage"],
)
def test_an_error_line_is_in_one_language(
    world: tuple[str, set[str]],
    args: tuple[str, ...],
    stdin: str | None,
    chinese: str,
    english: str,
) -> None:
    db, data = world
    said = {}
    for lang in (CHINESE, ENGLISH):
        run = procure(*args, db=db, lang=lang, stdin=stdin)
        assert run.code in (1, 2) and run.stdout == "", str(run)
        said[lang] = run.stderr.strip()

    assert said[CHINESE].startswith(chinese), said[CHINESE]
    assert said[ENGLISH].startswith(english), said[ENGLISH]
    assert english_words(said[CHINESE], data, allowed=COMMAND_WORDS | {"CODE"}) == []
    assert chinese_runs(said[ENGLISH], data) == []


CLICK_ERRORS = [
    (
        ("projects", "--colour"),
        "用法错误：没有选项 '--colour'。",
        "usage error: No such option '--colour'.",
    ),
    (("history",), "用法错误：缺少参数 'CODE'", "usage error: Missing argument 'CODE'"),
    (
        ("projects", "--year", "twenty"),
        "用法错误：'--year' 的值无效：'twenty' 不是有效的数字。",
        "usage error: Invalid value for '--year': 'twenty' is not a valid integer",
    ),
    (("frobnicate",), "用法错误：没有命令 'frobnicate'。", "usage error: No such command"),
]
"""Click's own usage errors, and what they begin with in Chinese and in English."""


@pytest.mark.parametrize(
    ("args", "chinese", "english"), CLICK_ERRORS, ids=[" ".join(a) for a, _c, _e in CLICK_ERRORS]
)
def test_click_s_own_usage_errors_are_said_in_the_command_s_language(
    world: tuple[str, set[str]], args: tuple[str, ...], chinese: str, english: str
) -> None:
    db, data = world
    said = {lang: procure(*args, db=db, lang=lang) for lang in (CHINESE, ENGLISH)}

    assert {run.code for run in said.values()} == {2}
    assert said[CHINESE].stderr.startswith(chinese), said[CHINESE].stderr
    assert said[ENGLISH].stderr.startswith(english), said[ENGLISH].stderr
    typed = COMMAND_WORDS | {"projects", "history", "CODE", "colour", "twenty", "frobnicate"}
    assert english_words(said[CHINESE].stderr, data, allowed=typed) == [], said[CHINESE].stderr
    assert chinese_runs(said[ENGLISH].stderr, data) == []


def test_help_read_in_english_after_chinese_in_one_process_is_english() -> None:
    """Click builds a command's help option once, with its sentence: a run in Chinese must not
    leave it Chinese for the next run in English."""
    chinese = ok("advance", "--help", lang=CHINESE).stdout
    english = ok("advance", "--help", lang=ENGLISH).stdout

    assert "显示本帮助并退出。" in chinese
    assert "Show this message and exit." in english and chinese_runs(english) == []


def test_click_s_usage_and_help_hint_are_said_in_the_command_s_language() -> None:
    """Run as Click runs a command itself (standalone): its usage line, its hint and its
    "Error:" in the language of ``LANG``."""
    from procure.cli.app import cli

    chinese = CliRunner().invoke(cli, ["history"], env={"LANG": CHINESE, "LC_ALL": None})
    english = CliRunner().invoke(cli, ["history"], env={"LANG": ENGLISH, "LC_ALL": None})

    assert chinese.exit_code == english.exit_code == 2
    assert chinese.stderr.splitlines() == [
        "用法: procure history [OPTIONS] CODE",
        "请运行 'procure history --help' 查看帮助。",
        "",
        "错误：缺少参数 'CODE'.",
    ]
    assert english.stderr.splitlines()[1:] == [
        "Try 'procure history --help' for help.",
        "",
        "Error: Missing argument 'CODE'.",
    ]


def test_a_missing_database_is_said_in_chinese_by_default(tmp_path: Path) -> None:
    run = procure("projects", db=sqlite_url(tmp_path / "none.db"), lang=CHINESE)

    assert run.code == 1
    assert run.stderr.startswith("错误：") and "处没有数据库：请先运行 `procure init`" in run.stderr


@pytest.mark.parametrize("args", [("projects",), ("show", CODE), ("history", CODE)])
def test_json_keeps_its_english_keys_and_codes_in_both_languages(
    world: tuple[str, set[str]], args: tuple[str, ...]
) -> None:
    db, _data = world
    chinese = ok(*args, "--json", db=db, lang=CHINESE).json()
    english = ok(*args, "--json", db=db, lang=ENGLISH).json()

    assert chinese == english
    first = chinese[0] if isinstance(chinese, list) else chinese
    assert all(key.isascii() for key in first)
    assert "code" in first or "seq" in first


def test_every_command_and_option_has_its_help_in_chinese() -> None:
    """A help text written without ``N_`` would show English in the Chinese help."""
    import click

    from procure.cli.app import cli
    from procure.cli.speech import speak
    from procure.domain.language import use_language

    english: list[str] = []

    def walk(command: click.Command, path: str) -> None:
        options = [p.help for p in command.params if isinstance(p, click.Option)]
        for said in (command.help, *options):
            if said and chinese_runs(said) == []:
                english.append(f"{path}: {said}")
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{path} {name}")

    with use_language("zh_CN"):
        speak(cli)
        walk(cli, "procure")
    assert english == []


def test_an_assessment_names_its_scorecard_by_title_and_version_not_by_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from procure.cli.project_commands import _echo_assessment
    from procure.domain.language import use_language

    assessment = {
        "scorecard": "assessment v2",
        "scorecard_title": "绩效考核评分表",
        "scorecard_version": 2,
        "total": "94.96",
        "grade": "excellent",
        "grade_zh": "优秀",
        "veto": [],
        "final": True,
    }
    with use_language("zh_CN"):
        _echo_assessment(assessment)

    said = capsys.readouterr().out.strip()
    assert said == "考核（已确定，绩效考核评分表（第 2 版））：94.96 优秀"
