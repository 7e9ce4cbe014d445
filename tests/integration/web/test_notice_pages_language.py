"""The objection tab, the public pages, the due list and the working calendar speak one
language at a time: Chinese by default, English when the reader chose it, with the world's
own data (names, titles, reasons) left as it was typed.

One database for the module (SQLite): SM-2019-002 assessed (a contract and an assessment on
the public page); SM-2019-001 awarded in 2019 with an objection answered (a public notice
with its answer, and a deadline overdue for years on the due list); SM-2019-003 awarded now
with three bidders, one of them objecting (the officer's waiting objection, the objector's
own, and the third bidder's form).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from procure.services.lifecycle import fire as lc
from procure.services.public import objections
from procure.store.db import make_engine, new_session
from procure.store.models import Purchaser
from procure.web.app import create_app
from procure.web.settings import WebSettings
from tests.clock import pinned_clock
from tests.databases import SqliteTemplates
from tests.integration.builders import (
    ADMIN,
    CODE,
    OFFICER,
    QIHANG,
    RENHE,
    TONGXIN,
    Plan,
    create_project,
    drive,
    organization_actor,
    project_at,
)
from tests.integration.web.support import set_passwords, sign_in
from tests.language_purity import chinese_runs, english_words, page_text, world_text

NOW_CODE = "SM-2019-003"
PUBLIC = "/public/purchasers/SM-FED?year=2019"


def _beijing(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, tzinfo=UTC)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, sqlite_templates: SqliteTemplates) -> Path:
    path = tmp_path_factory.mktemp("notice-language") / "world.db"
    sqlite_templates.copy_to("migrated", path)
    engine = make_engine(f"sqlite:///{path}")
    with new_session(engine) as session:
        project_at(session, "assessed", Plan(code="SM-2019-002"))
        drive(session, create_project(session, Plan()), "reviewed")
        lc.award(session, CODE, OFFICER, organization=QIHANG, at=_beijing(date(2019, 9, 30)))
        objections.lodge(
            session, CODE, organization_actor(TONGXIN), organization=TONGXIN,
            text="价格分计算有误", at=_beijing(date(2019, 10, 9)),
        )  # fmt: skip
        objections.answer(
            session, CODE, OFFICER, organization=TONGXIN, outcome="rejected",
            reason="经复核，评分标准一致适用", at=_beijing(date(2019, 10, 11)),
        )  # fmt: skip
        bidders = {QIHANG: "868000.00", TONGXIN: "880000.00", RENHE: "885000.00"}
        now = Plan(code=NOW_CODE, award_now=True, proposals=bidders)
        drive(session, create_project(session, now), "awarded")
        objections.lodge(
            session, NOW_CODE, organization_actor(TONGXIN), organization=TONGXIN,
            text="报价分有误",
        )  # fmt: skip
        session.commit()
        logins = (OFFICER.name, ADMIN.name, *(organization_actor(u).name for u in (TONGXIN, RENHE)))
        set_passwords(session, *logins)
    engine.dispose()
    return path


@pytest.fixture(scope="module")
def data(world: Path) -> set[str]:
    """What people typed into the world (names, titles, reasons), and the purchasers' codes
    (SM-FED, a code the public pages show as it was registered)."""
    engine = make_engine(f"sqlite:///{world}")
    with new_session(engine) as session:
        found = world_text(session) | set(session.exec(select(Purchaser.code)).all())
    engine.dispose()
    return found


NOTICE_FILE_WORDS = frozenset(
    {"YAML", "yaml", "title", "published", "on", "days", "off", "makeup", "workdays", "name"}
    | {"from", "to", "tick"}
)
"""Latin words Chinese pages of this part show as they must be typed: the format and keys of
a holiday notice file (title, published_on, days_off, makeup_workdays, name, from, to; the
example in the form, the messages naming a wrong key) and the command `procure tick`."""


@pytest.fixture
def browser(world: Path) -> Iterator[TestClient]:
    app = create_app(
        WebSettings(f"sqlite:///{world}", allowed_hosts=("testserver",)), clock=pinned_clock()
    )
    with TestClient(app) as client:
        yield client
    app.state.writer.dispose()
    app.state.reader.dispose()


Page = tuple[str | None, tuple[str, str, dict[str, str]]]
"""Who signs in (``None``: nobody), and the method, path and form fields of the request."""
PAGES: list[Page] = [
    (OFFICER.name, ("get", f"/projects/{NOW_CODE}/objection", {})),
    (organization_actor(TONGXIN).name, ("get", f"/projects/{NOW_CODE}/objection", {})),
    (organization_actor(RENHE).name, ("get", f"/projects/{NOW_CODE}/objection", {})),
    (organization_actor(RENHE).name, ("post", f"/projects/{NOW_CODE}/objection", {"text": " "})),
    (organization_actor(TONGXIN).name, ("get", f"/projects/{CODE}/objection", {})),
    (OFFICER.name, ("get", "/due?within=90", {})),
    (ADMIN.name, ("get", "/admin/calendar?done=2027", {})),
    (ADMIN.name, ("post", "/admin/calendar", {"year": "2027", "text": "title: [\n"})),
    (None, ("get", "/public/", {})),
    (None, ("get", PUBLIC, {})),
    (None, ("get", f"/public/notices/{CODE}", {})),
    (None, ("get", f"/public/notices/{NOW_CODE}", {})),
]


def _read(browser: TestClient, page: Page, language: str) -> str:
    """What a reader of ``language`` sees of ``page`` (signing in sets the account's own
    language; the reader then chooses ``language``)."""
    who, (method, path, form) = page
    token = sign_in(browser, who) if who else ""  # sets the account's own language
    browser.cookies.set("lang", language, domain="testserver.local")
    if method == "post":
        fields = {"csrf_token": token, "organization": RENHE, **form}
        files = {"file": ("", b"")} if path == "/admin/calendar" else None
        response = browser.post(path, data=fields, files=files)
        assert response.status_code == 400, response.text[-2000:]
    else:
        response = browser.get(path)
        assert response.status_code == 200, response.text[-2000:]
    html = response.text
    if path.startswith("/public/"):  # the public frame (public/base.html) is the frame's part
        html = html.split('<main id="main" tabindex="-1">', 1)[1].split("</main>", 1)[0]
    # the files panel (attachments.html) is the documents part's, tested there
    html = re.sub(r'<section class="documents" id="documents">.*?</section>', "", html, flags=re.S)
    return page_text(html)


def _id(page: Page) -> str:
    who, (method, path, _form) = page
    return f"{method} {path} as {who or 'anyone'}"


@pytest.mark.parametrize("page", PAGES, ids=[_id(p) for p in PAGES])
def test_a_page_in_chinese_has_no_english_word(
    browser: TestClient, data: set[str], page: Page
) -> None:
    assert english_words(_read(browser, page, "zh_CN"), data, NOTICE_FILE_WORDS) == []


@pytest.mark.parametrize("page", PAGES, ids=[_id(p) for p in PAGES])
def test_a_page_in_english_has_no_chinese(browser: TestClient, data: set[str], page: Page) -> None:
    assert chinese_runs(_read(browser, page, "en"), data) == []


def test_the_atom_feed_speaks_the_readers_language(browser: TestClient, data: set[str]) -> None:
    chinese = browser.get("/public/feed.atom")
    english = browser.get("/public/feed.atom", headers={"Accept-Language": "en-GB,en;q=0.9"})
    said = [
        "\n".join(ElementTree.fromstring(feed.content).itertext()) for feed in (chinese, english)
    ]

    assert "中选结果公示" in said[0] and english_words(said[0], data) == []
    assert "award notice" in said[1] and chinese_runs(said[1], data) == []
    assert chinese.headers["vary"] == english.headers["vary"] == "Accept-Language, Cookie"
