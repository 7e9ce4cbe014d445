"""The audit trail, records, renewal and administration pages speak one language at a time:
Chinese by default with no English word beyond the world's own data and the shared codes,
English when asked with no Chinese beyond that data.

One world serves the module: the 2019 year of the renewal pages (four contracts, two of them
assessed by a hostile organization name), a lone administrator, and passwords for the staff.
Each page is rendered as the account that sees it, in a state where its forms, refusals and
messages show (a bad value beside its field, a done message, a plan with its counts)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from procure.services.accounts import manage as accounts
from procure.store.db import make_engine, new_session
from tests.databases import MIGRATED, SqliteTemplates
from tests.integration.builders import (
    ADMIN,
    ASSESSMENT_FAIL,
    ASSESSMENT_GOOD,
    AUDITOR,
    OFFICER,
    QIHANG,
    RENHE,
    TONGXIN,
    Plan,
    create_project,
    drive,
    setup_registry,
)
from tests.integration.web.documents_world import browsing
from tests.integration.web.support import form_token, read_in, set_passwords, sign_in
from tests.language_purity import chinese_runs, english_words, page_text, world_text

LONE_ADMIN = "lone-admin"
BROWSER = {"testclient"}
"""What the test browser calls itself (the sessions table shows it, as any browser's name)."""
COMMANDS = {"report", "verify", "backup", "FILE", "ADMIN", "by", "base", "Ed"}
"""The words of the commands a page quotes in ``<code>`` (``procure report verify``), and
of base64 and Ed25519 (the word pattern parts a name at its digits)."""
TYPED = {"li xiumei", "'li xiumei'", "SM-WC"}
"""What a test types into a form that is refused (shown back in the refusal), and the example
of a purchaser's code its field shows."""


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, sqlite_templates: SqliteTemplates) -> Path:
    """The 2019 year of four contracts and the staff who sign in, on a file of its own."""
    path = tmp_path_factory.mktemp("audit-language") / "procure.db"
    sqlite_templates.copy_to(MIGRATED, path)
    engine = make_engine(f"sqlite:///{path}")
    with new_session(engine) as session:
        setup_registry(session, funds="9000000.00")
        renhe: dict[str, Any] = {
            "winner": RENHE,
            "proposals": {RENHE: "868000.00", TONGXIN: "880000.00"},
        }
        plans = [
            (Plan(code="SM-2019-001", assessment=ASSESSMENT_GOOD), "assessed"),
            (Plan(code="SM-2019-002", assessment=ASSESSMENT_FAIL, **renhe), "assessed"),
            (Plan(code="SM-2019-004", winner=TONGXIN), "contracted"),
        ]
        for plan, stage in plans:
            drive(session, create_project(session, plan), stage)
        accounts.add_user(session, LONE_ADMIN, "只管账户", ADMIN)
        accounts.grant(session, LONE_ADMIN, "admin", ADMIN)
        session.commit()
        set_passwords(session, OFFICER.name, AUDITOR.name, ADMIN.name, LONE_ADMIN)
    engine.dispose()
    return path


@pytest.fixture(scope="module")
def data(world: Path) -> set[str]:
    """What people typed into the world (names, titles, reasons), in their own language."""
    engine = make_engine(f"sqlite:///{world}")
    with engine.connect() as connection:
        found = world_text(connection)
        codes = connection.execute(text("SELECT code FROM purchaser")).scalars()
        found.update(codes)  # a purchaser's code, as its administrator registered it
    engine.dispose()
    return found | TYPED


def _get(path: str) -> Any:
    return lambda client: client.get(path)


def _post(path: str, page: str, **values: str) -> Any:
    """Post ``values`` with the form token of ``page`` (a refusal or a confirmation: nothing
    is written)."""

    def post(client: TestClient) -> Any:
        token = form_token(client.get(page).text)
        return client.post(path, data={"csrf_token": token, **values})

    return post


PAGES = {
    "audit": (AUDITOR.name, _get("/audit"), 200),
    "audit-bad-dates": (AUDITOR.name, _get("/audit?since=2019-13-01&until=x"), 400),
    "audit-reversed-dates": (AUDITOR.name, _get("/audit?since=2019-03-02&until=2019-03-01"), 400),
    "audit-one-project": (AUDITOR.name, _get("/audit?project=SM-2019-001"), 200),
    "verify": (AUDITOR.name, _get("/audit/verify?project=SM-2019-001"), 200),
    "verify-bad-key": (AUDITOR.name, _get("/audit/verify?public_key=not-a-key"), 400),
    "records": (OFFICER.name, _get("/records"), 200),
    "records-empty-year": (OFFICER.name, _post("/records/print", "/records", year="2031"), 400),
    "records-no-file": (OFFICER.name, _post("/records/verify", "/records"), 400),
    "renewal-form": (OFFICER.name, _get("/renewal?year=abc"), 400),
    "renewal-confirm": (OFFICER.name, _post("/renewal/confirm", "/renewal", year="2031"), 200),
    "renewal-no-apply": (LONE_ADMIN, _get("/renewal?year=2031"), 200),
    "admin": (ADMIN.name, _get("/admin?done=grant"), 200),
    "admin-bad-account": (
        ADMIN.name,
        _post("/admin/accounts", "/admin", login="li xiumei", name="", password="short"),
        400,
    ),
    "admin-bad-grant": (
        ADMIN.name,
        _post("/admin/grants", "/admin", login=OFFICER.name, role="reviewer", organization="X"),
        400,
    ),
    "registry": (ADMIN.name, _get("/admin/registry?done=purchaser"), 200),
    "registry-bad-purchaser": (
        ADMIN.name,
        _post("/admin/purchasers", "/admin/registry", code="sm", name="某", annual_funds="1"),
        400,
    ),
    "registry-uscc-taken": (
        ADMIN.name,
        _post("/admin/organizations", "/admin/registry", uscc=QIHANG, name="某"),
        400,
    ),
    "backups": (ADMIN.name, _get("/admin/backups"), 200),
    "renewal-plan": (OFFICER.name, _get("/renewal?year=2019"), 200),
    "visibility": (ADMIN.name, _get("/admin/visibility"), 200),
}


@pytest.fixture(scope="module")
def pages(world: Path) -> Iterator[dict[tuple[str, str], str]]:
    """Every page of :data:`PAGES` in both languages, rendered once."""
    rendered: dict[tuple[str, str], str] = {}
    with browsing(world) as client:
        for name, (login, ask, status) in PAGES.items():
            sign_in(client, login)
            for language in ("zh_CN", "en"):
                read_in(client, language)
                response = ask(client)
                assert response.status_code == status, (name, language, response.text[-800:])
                rendered[name, language] = response.text
            client.cookies.clear()
    yield rendered


@pytest.mark.parametrize("name", list(PAGES))
def test_a_page_in_chinese_holds_no_english_beyond_data_and_codes(
    pages: dict[tuple[str, str], str], data: set[str], name: str
) -> None:
    shown = page_text(pages[name, "zh_CN"])
    assert english_words(shown, data | BROWSER, allowed=COMMANDS) == []


@pytest.mark.parametrize("name", list(PAGES))
def test_a_page_in_english_holds_no_chinese_beyond_data(
    pages: dict[tuple[str, str], str], data: set[str], name: str
) -> None:
    assert chinese_runs(page_text(pages[name, "en"]), data) == []


def test_the_refusals_and_messages_read_in_the_language_asked(
    pages: dict[tuple[str, str], str],
) -> None:
    said = {
        "audit-bad-dates": ("请填写日期，格式 2019-03-01", "Not a date: "),
        "audit-reversed-dates": ("结束日期早于开始日期", "The end date is before the start date"),
        "verify-bad-key": ("公钥有误", "Not an Ed25519 public key"),
        "records-empty-year": ("2031 年没有已签约的项目", "No contracted project in 2031"),
        "records-no-file": ("请选择一个 PDF 文件", "Choose a PDF file"),
        "renewal-form": ("请填写年度，例如 2019", "Give a funding year, e.g. 2019"),
        "renewal-no-apply": ("执行续约需要项目干事授权", "Applying the renewal needs an officer"),
        "admin": ("已授权", "Role granted"),
        "admin-bad-account": ("登录名有误：登录名", "The login is wrong: The login"),
        "admin-bad-grant": ("评审专家授权只选购买方", "A grant of the Review expert role"),
        "registry-uscc-taken": ("该组织已登记", "is already registered"),
        "backups": ("从未备份", "Never backed up"),
    }
    for name, (zh, en) in said.items():
        assert zh in pages[name, "zh_CN"], name
        assert en in pages[name, "en"], name
