"""``procure users``: an administrator's accounts and grants, as typed at a terminal.

These run the CLI in-process (the same ``main`` the console script calls), with the
password fed on stdin as a script would. ``procure users language`` sets the language an
account reads in.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.e2e.cli import CHINESE, ENGLISH, Run, dump, procure


def run(db: str, *args: str, stdin: str | bytes | None = None, chinese: bool = False) -> Run:
    """Run ``procure`` in English, or in Chinese (the default language) with ``chinese``."""
    return procure(*args, db=db, stdin=stdin, lang=CHINESE if chinese else ENGLISH)


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
    refused = run(db, "users", "passwd", "wangwu", stdin="short\n", chinese=True)
    assert refused.code == 1
    assert "密码至少需要 10 个字符" in refused.stderr and "short" not in refused.stderr
    refused = run(db, "users", "passwd", "wangwu", stdin="short\n")
    assert refused.stderr == "error: A password needs at least 10 characters\n"
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
        (("users", "add", "陈\u200b建华", "--name", "陈建华"), "含有不可见字符或控制字符"),
        (("users", "add", "ADMIN", "--name", "again"), "账号已存在：'admin'"),
        (("users", "grant", "admin", "boss"), "没有角色 'boss'"),
        (("users", "grant", "admin", "officer", "--purchaser", "NOPE"), "unknown purchaser"),
        (("users", "deactivate", "admin", "--by", "admin"), "管理员不能停用自己的账号"),
        (("users", "revoke", "admin", "leader", "--by", "admin"), "没有全部购买方的分管领导授权"),
    ],
)
def test_a_bad_account_request_is_one_line_and_changes_nothing(
    db: str, args: tuple[str, ...], says: str
) -> None:
    before = dump(db)
    chinese = not says.isascii()  # the Chinese refusals are read in Chinese, the default
    result = run(db, *args, *(() if "--by" in args else ("--by", "admin")), chinese=chinese)
    assert result.code == 1, result
    assert len(result.stderr.strip().splitlines()) == 1 and says in result.stderr, result
    assert dump(db) == before


SCOPED_REGISTRY = """\
format: procure-fixture/1
year: 2024
purchasers:
  - {code: SM-FED, name: 厦门市思明区总工会, annual_funds: 3600000.00}
  - {code: SM-WC, name: 梧村街道总工会, parent: SM-FED, annual_funds: 500000.00}
  - {code: HL-FED, name: 厦门市湖里区总工会, annual_funds: 3000000.00}
"""


@pytest.fixture
def scoped_db(db: str, tmp_path: Path) -> str:
    """Three purchasers; ``fedadmin`` administers SM-FED (and SM-WC below it); ``wcclerk`` is
    an officer of SM-WC, ``hlclerk`` one of HL-FED (and supervisor for SM-WC); ``admin``
    administers every purchaser."""
    registry = tmp_path / "registry.yaml"
    registry.write_text(SCOPED_REGISTRY, encoding="utf-8")
    assert run(db, "load", str(registry), "--by", "admin").code == 0
    for login, role, purchaser in (
        ("fedadmin", "admin", "SM-FED"),
        ("wcclerk", "officer", "SM-WC"),
        ("hlclerk", "officer", "HL-FED"),
        ("hlclerk", "supervisor", "SM-WC"),
    ):
        if login != "hlclerk" or role == "officer":
            assert run(db, "users", "add", login, "--name", login, "--by", "admin").code == 0
        granted = run(db, "users", "grant", login, role, "--purchaser", purchaser, "--by", "admin")
        assert granted.code == 0, granted.stderr
    return db


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (("users", "passwd", "admin", "--by", "fedadmin"), "a long secret phrase\n"),
        (("users", "deactivate", "admin", "--by", "fedadmin"), None),
        (("users", "deactivate", "hlclerk", "--by", "fedadmin"), None),
        (("users", "passwd", "hlclerk", "--by", "fedadmin"), "a long secret phrase\n"),
        (("users", "email", "hlclerk", "x@example.org", "--by", "fedadmin"), None),
        (("users", "grant", "hlclerk", "leader", "--purchaser", "SM-WC", "--by", "fedadmin"), None),
        (
            (
                "users",
                "revoke",
                "hlclerk",
                "supervisor",
                "--purchaser",
                "SM-WC",
                "--by",
                "fedadmin",
            ),
            None,
        ),
    ],
)
def test_an_admin_of_one_purchaser_cannot_manage_accounts_beyond_it(
    scoped_db: str, args: tuple[str, ...], stdin: str | None
) -> None:
    before = dump(scoped_db)
    refused = run(scoped_db, *args, stdin=stdin, chinese=True)
    assert refused.code == 1, refused.stdout
    assert "被拒绝" in refused.stderr and "范围以外的授权" in refused.stderr, refused.stderr
    refused = run(scoped_db, *args, stdin=stdin)
    assert "refused: the administrator fedadmin (fedadmin) manages only" in refused.stderr
    assert dump(scoped_db) == before


def test_an_admin_of_one_purchaser_manages_the_accounts_within_it(scoped_db: str) -> None:
    by = ("--by", "fedadmin")
    assert (
        run(scoped_db, "users", "passwd", "wcclerk", *by, stdin="a long secret phrase\n").code == 0
    )
    assert (
        run(scoped_db, "users", "grant", "wcclerk", "leader", "--purchaser", "SM-WC", *by).code == 0
    )
    assert run(scoped_db, "users", "deactivate", "wcclerk", *by).code == 0
    assert run(scoped_db, "users", "passwd", "fedadmin", stdin="my own long phrase\n").code == 0
    assert (
        run(
            scoped_db, "users", "passwd", "hlclerk", "--by", "admin", stdin="a long phrase x\n"
        ).code
        == 0
    )


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
    assert run(db, "users", "add", "wangwu", "--name", "王五", "--by", "admin").code == 0
    said = run(db, "users", "language", "wangwu", "en", "--by", "admin", chinese=True)
    assert said.code == 0, said.stderr
    assert said.stdout.strip() == "wangwu 的语言已设为英文。"
    chosen, rows = _language_rows(db)
    assert chosen == "en"
    assert [(row["actor"], row["login"], row["language"]) for row in rows] == [
        ("admin", "wangwu", "en")
    ]
    back = run(db, "users", "language", "wangwu", "zh-CN", "--by", "admin")
    assert back.stdout.strip() == "wangwu now reads procure in Chinese."
    assert _language_rows(db)[0] == "zh_CN"


def test_a_language_procure_does_not_speak_is_refused_in_the_command_s_language(db: str) -> None:
    assert run(db, "users", "add", "wangwu", "--name", "王五", "--by", "admin").code == 0
    refused = run(db, "users", "language", "wangwu", "fr", "--by", "admin")
    assert refused.code != 0
    assert "'fr' is not a language of procure: give zh_CN or en" in refused.stderr
    chinese = run(db, "users", "language", "wangwu", "fr", "--by", "admin", chinese=True)
    assert "'fr' 不是本系统支持的语言" in chinese.stderr
    assert _language_rows(db) == ("zh_CN", [])
