"""``procure users language``: an administrator sets the language an account reads in."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from procure.cli import main


@dataclass(frozen=True)
class Result:
    code: int
    stdout: str
    stderr: str


def run(db: str, *args: str, lang: str = "zh_CN.UTF-8") -> Result:
    env = {"PROCURE_DB": db, "LANG": lang, "LC_ALL": "", "LC_MESSAGES": ""}
    with CliRunner().isolation(env=env) as (out, err, _):
        code = main(list(args))
        return Result(code, out.getvalue().decode(), err.getvalue().decode())


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path}/procure.db"
    assert run(url, "init").code == 0
    assert run(url, "users", "add", "admin", "--name", "系统管理员").code == 0
    assert run(url, "users", "grant", "admin", "admin").code == 0
    assert run(url, "users", "add", "wangwu", "--name", "王五", "--by", "admin").code == 0
    return url


def _language_rows(db: str) -> tuple[str, list[dict[str, str]]]:
    engine = create_engine(db)
    with engine.connect() as connection:
        chosen = connection.execute(text("SELECT language FROM user WHERE login = 'wangwu'"))
        rows = connection.execute(
            text("SELECT actor, data FROM transition_log WHERE trigger = 'user_language'")
        )
        found = chosen.scalar_one(), [{"actor": a, **json.loads(d)} for a, d in rows]
    engine.dispose()
    return found


def test_an_administrator_sets_an_account_s_language_and_the_trail_names_them(db: str) -> None:
    said = run(db, "users", "language", "wangwu", "en", "--by", "admin")
    assert said.code == 0, said.stderr
    assert said.stdout.strip() == "wangwu 的语言已设为英文。"
    chosen, rows = _language_rows(db)
    assert chosen == "en"
    assert [(row["actor"], row["login"], row["language"]) for row in rows] == [
        ("admin", "wangwu", "en")
    ]
    back = run(db, "users", "language", "wangwu", "zh-CN", "--by", "admin", lang="en_US.UTF-8")
    assert back.stdout.strip() == "wangwu now reads procure in Chinese."
    assert _language_rows(db)[0] == "zh_CN"


def test_a_language_procure_does_not_speak_is_refused_in_the_command_s_language(db: str) -> None:
    refused = run(db, "users", "language", "wangwu", "fr", "--by", "admin", lang="en_US.UTF-8")
    assert refused.code != 0
    assert "'fr' is not a language of procure: give zh_CN or en" in refused.stderr
    chinese = run(db, "users", "language", "wangwu", "fr", "--by", "admin")
    assert "'fr' 不是本系统支持的语言" in chinese.stderr
    assert _language_rows(db) == ("zh_CN", [])
