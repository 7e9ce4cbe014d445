"""``procure users``: an administrator's accounts and grants, as typed at a terminal.

These run the CLI in-process (the same ``main`` the console script calls), with the
password fed on stdin as a script would.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from procure.cli import main
from tests.e2e.cli import dump


@dataclass(frozen=True)
class Result:
    code: int
    stdout: str
    stderr: str


def run(db: str, *args: str, stdin: str | bytes | None = None) -> Result:
    with CliRunner().isolation(input=stdin, env={"PROCURE_DB": db}) as (out, err, _):
        code = main(list(args))
        return Result(code, out.getvalue().decode(), err.getvalue().decode())


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path}/procure.db"
    assert run(url, "init").code == 0
    assert run(url, "users", "add", "admin", "--name", "系统管理员").code == 0
    assert run(url, "users", "grant", "admin", "admin").code == 0
    return url


def test_the_first_administrator_is_set_up_without_by_and_then_by_is_required(db: str) -> None:
    refused = run(db, "users", "add", "wangwu", "--name", "王五")
    assert refused.code == 1
    assert refused.stderr.strip() == (
        "error: adding account wangwu refused: name the account acting (--by LOGIN)"
    )
    added = run(db, "users", "add", "wangwu", "--name", "王五", "--by", "admin")
    assert added.code == 0, added.stderr


def test_list_shows_accounts_and_grants_and_never_a_hash(db: str) -> None:
    run(db, "users", "add", "wangwu", "--name", "王五", "--by", "admin")
    run(db, "users", "passwd", "wangwu", "--by", "admin", stdin="a long secret phrase\n")

    listed = json.loads(run(db, "users", "list", "--json").stdout)

    assert [(u["login"], u["name"], u["has_password"]) for u in listed] == [
        ("admin", "系统管理员", False),
        ("wangwu", "王五", True),
    ]
    assert listed[0]["grants"] == [{"role": "admin", "scope": "all purchasers"}]
    text = run(db, "users", "list").stdout + json.dumps(listed)
    assert "argon2" not in text and "a long secret phrase" not in text


def test_a_password_is_set_and_checked_from_stdin(db: str) -> None:
    run(db, "users", "add", "wangwu", "--name", "王五", "--by", "admin")
    assert run(db, "users", "passwd", "wangwu", stdin="a long secret phrase\n").code == 0

    assert run(db, "users", "check", "wangwu", stdin="a long secret phrase\n").code == 0
    wrong = run(db, "users", "check", "wangwu", stdin="not the phrase at all\n")
    assert wrong.code == 1 and wrong.stderr.strip() == "error: password check failed for wangwu"


def test_a_short_password_is_refused_and_changes_nothing(db: str) -> None:
    run(db, "users", "add", "wangwu", "--name", "王五", "--by", "admin")
    before = dump(db)
    refused = run(db, "users", "passwd", "wangwu", stdin="short\n")
    assert refused.code == 1
    assert "at least 10 characters" in refused.stderr and "short" not in refused.stderr
    assert dump(db) == before


@pytest.mark.parametrize("stdin", [b"\xff\xfe a long secret\n", "密码很长的口令".encode("gbk")])
def test_a_password_on_stdin_that_is_not_utf8_is_refused_in_one_line(db: str, stdin: bytes) -> None:
    run(db, "users", "add", "wangwu", "--name", "王五", "--by", "admin")
    before = dump(db)
    refused = run(db, "users", "passwd", "wangwu", "--by", "admin", stdin=stdin)
    assert refused.code == 1
    assert refused.stderr.startswith("error: the password on stdin is not UTF-8 text (byte ")
    assert refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr
    assert dump(db) == before


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("users", "add", "陈\u200b建华", "--name", "陈建华"), "invisible or control characters"),
        (("users", "add", "ADMIN", "--name", "again"), "account 'admin' already exists"),
        (("users", "grant", "admin", "boss"), "unknown role 'boss'"),
        (("users", "grant", "admin", "officer", "--purchaser", "NOPE"), "unknown purchaser"),
        (("users", "deactivate", "admin", "--by", "admin"), "cannot deactivate themselves"),
        (("users", "revoke", "admin", "leader", "--by", "admin"), "holds no leader grant"),
    ],
)
def test_a_bad_account_request_is_one_line_and_changes_nothing(
    db: str, args: tuple[str, ...], says: str
) -> None:
    before = dump(db)
    result = run(db, *args, *(() if "--by" in args else ("--by", "admin")))
    assert result.code == 1, result
    assert len(result.stderr.strip().splitlines()) == 1 and says in result.stderr, result
    assert dump(db) == before
