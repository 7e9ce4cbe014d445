"""The pages of files, corrections and amendments, and the pages that confirm a change, in one
language at a time (issue 23, item 1): Chinese by default, English when the account asks, with
no word of the other language but the world's own data (names, titles, file names, reasons)
and the codes and formats both languages write alike.

Two worlds, each built once: a call for proposals with each bidder's files (the files page,
its upload forms, a refused upload, a file just attached), and a contract in service with a
correction in force, one awaiting approval, a refused amendment and one awaiting approval
(the corrections section of the project page, its forms, and each change's confirmation).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from procure.services.corrections.amend import propose_amendment
from procure.services.corrections.correct import correct
from procure.services.corrections.refuse import refuse_amendment
from procure.store.db import make_engine, new_session
from tests.databases import SqliteTemplates
from tests.integration.builders import (
    CODE,
    LEADER,
    OFFICER,
    QIHANG,
    SUPERVISOR,
    organization_actor,
    project_at,
)
from tests.integration.web.documents_world import browsing, build_soliciting, proposal_id
from tests.integration.web.support import set_passwords, sign_in
from tests.language_purity import chinese_runs, english_words, page_text, world_text

LANGUAGES = ("zh_CN", "en")
FORMATS = frozenset({"OFD", "Word", "docx", "XML", "doc", "xls"})
"""File formats a Chinese sentence names as English does (PDF, PNG, Excel… are allowed for
every page already)."""
HTML_NAMED_PDF = ("预算.pdf", b"<html><script>alert('pdf')</script></html>")


def _world_data(path: Path) -> set[str]:
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        found = world_text(connection)
    engine.dispose()
    return found


def _in_one_language(html: str, language: str, data: set[str]) -> None:
    text = page_text(html)
    if language == "zh_CN":
        assert english_words(text, data, FORMATS) == [], text
    else:
        assert chinese_runs(text, data) == [], text


@contextmanager
def _reading(path: Path, login: str, language: str) -> Iterator[tuple[TestClient, str]]:
    with browsing(path) as client:
        token = sign_in(client, login)  # sets the account's own language: read in ours
        client.cookies.set("lang", language, domain="testserver.local")
        yield client, token


# -- the files of a call for proposals ------------------------------------------------------


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory, sqlite_templates: SqliteTemplates) -> Path:
    path = tmp_path_factory.mktemp("docs-language") / "files.db"
    build_soliciting(sqlite_templates, path)
    return path


def _files_page(client: TestClient, token: str, path: Path, case: str) -> str:
    page = f"/projects/{CODE}/documents"
    if case == "refused upload":
        engine = make_engine(f"sqlite:///{path}")
        with new_session(engine) as session:
            fact = f"proposal-{proposal_id(session, QIHANG)}"
        engine.dispose()
        name, data = HTML_NAMED_PDF
        answer = client.post(
            page,
            data={"csrf_token": token, "fact": fact, "back": page, "permanent": "1"},
            files={"file": (name, data, "application/pdf")},
        )
        assert answer.status_code == 400
        return answer.text
    if case == "just attached":
        return client.get(page + "?attached=1").text
    return client.get(page).text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("who", "case"),
    [
        pytest.param("organization", "files and form", id="a bidder: its files, its form"),
        pytest.param("organization", "just attached", id="a bidder: a file just attached"),
        pytest.param("organization", "refused upload", id="a bidder: a hostile file refused"),
        pytest.param("officer", "files and form", id="the officer: every proposal's files"),
    ],
)
def test_the_files_page_speaks_one_language(
    files: Path, language: str, who: str, case: str
) -> None:
    login = organization_actor(QIHANG).name if who == "organization" else OFFICER.name
    with _reading(files, login, language) as (client, token):
        html = _files_page(client, token, files, case)
    assert 'name="fact"' in html  # the upload form is there, read with the rest
    if case == "refused upload":
        said = "已拒绝" if language == "zh_CN" else "; refused"
        assert said in html and "预算.pdf" in html
    if case == "just attached":
        said = "附件已上传" if language == "zh_CN" else "The file was attached."
        assert said in html
    _in_one_language(html, language, _world_data(files))


# -- corrections and amendments of a contract in service ------------------------------------


@pytest.fixture(scope="module")
def changes(tmp_path_factory: pytest.TempPathFactory, sqlite_templates: SqliteTemplates) -> Path:
    path = tmp_path_factory.mktemp("docs-language") / "changes.db"
    sqlite_templates.copy_to("migrated", path)
    engine = make_engine(f"sqlite:///{path}")
    with new_session(engine) as session:
        project_at(session, "in_service")
        correct(
            session, CODE, "inspection", "1", {"inspected_on": "2019-09-18"},
            reason="日期录入错误", by=SUPERVISOR.name,
        )  # fmt: skip
        correct(
            session, CODE, "payment", "1", {"amount": "40000"}, reason="多录一个零",
            by=OFFICER.name,
        )  # fmt: skip
        propose_amendment(session, CODE, by=OFFICER.name, amount="800000", rationale="调减")
        refuse_amendment(session, CODE, 1, by=LEADER.name, reason="依据不足")
        propose_amendment(session, CODE, by=OFFICER.name, amount="500000", rationale="服务对象减少")
        set_passwords(session, OFFICER.name, LEADER.name, SUPERVISOR.name)
    engine.dispose()
    return path


def _changes_section(html: str) -> str:
    found = re.search(r'<section id="changes">.*?</section>', html, re.S)
    assert found is not None, "the project page shows no corrections"
    return found.group(0)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "login",
    [
        pytest.param(OFFICER.name, id="the officer: both forms, its pending changes"),
        pytest.param(LEADER.name, id="the leader: approve or refuse"),
    ],
)
def test_the_corrections_of_the_project_page_speak_one_language(
    changes: Path, language: str, login: str
) -> None:
    with _reading(changes, login, language) as (client, _token):
        section = _changes_section(client.get(f"/projects/{CODE}").text)
    assert "<del>2019-06-18</del>" in section and "<ins>2019-09-18</ins>" in section
    if login == LEADER.name:
        assert f'action="/projects/{CODE}/corrections/2/approve"' in section
    else:
        assert 'id="do-correct"' in section and 'id="do-amend"' in section
    waiting = "待分管领导审批（尚未生效）" if language == "zh_CN" else "awaiting the approval of"
    assert waiting in section
    _in_one_language(section, language, _world_data(changes))


CONFIRMED = {
    "correct at once": (
        SUPERVISOR.name, "correct",
        {"field": "inspection.findings", "record": "1", "value": "活动签到表缺页",
         "reason": "漏记一项"},
    ),
    "correct for approval": (
        OFFICER.name, "correct",
        {"field": "payment.amount", "record": "1", "value": "300000", "reason": "按凭证"},
    ),
    "amend": (OFFICER.name, "amend", {"end": "2019-11-30", "rationale": "提前结束"}),
    "approve correction": (LEADER.name, "corrections/2/approve", {}),
    "approve amendment": (LEADER.name, "amendments/2/approve", {}),
    "refuse correction": (LEADER.name, "corrections/2/refuse", {"reason": "凭证无误"}),
}  # fmt: skip
"""Each change as its form sends it (the amendment waiting blocks a new one: the officer's
`amend` is refused, and its refusal page is read too)."""


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("change", list(CONFIRMED))
def test_each_change_is_confirmed_in_one_language(
    changes: Path, language: str, change: str
) -> None:
    login, path, values = CONFIRMED[change]
    with _reading(changes, login, language) as (client, token):
        asked = client.post(
            f"/projects/{CODE}/{path}", data={"csrf_token": token, **values},
            follow_redirects=False,
        )  # fmt: skip
    if change == "amend":  # an amendment awaits approval: refused before any confirmation
        assert asked.status_code == 403 and 'id="confirm-form"' not in asked.text
        said = "已有一项合同变更待审批" if language == "zh_CN" else "an amendment is awaiting"
        assert said in asked.text
        message = re.search(r'<p class="error"[^>]*>(.*?)</p>', asked.text, re.S)
        html = message.group(0) if message else asked.text  # the app's error page is the frame's
    else:
        assert asked.status_code == 200 and 'id="confirm-form"' in asked.text
        cannot = "不能撤销：" if language == "zh_CN" else "Cannot be undone:"
        assert cannot in asked.text
        html = asked.text
    typed = {value for name, value in values.items() if name != "field"}  # not stored yet
    _in_one_language(html, language, _world_data(changes) | typed)
