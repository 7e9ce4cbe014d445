"""The review panel, the review sheet and the assessment page speak one language at a time.

One world for the module: SM-2019-001 under review with a scored panel (trims, a recusal, a
spread flag, a proposal below the pass mark), and SM-2019-092 with one assessor's sheet and
the organization's comment window open. Each page is read in Chinese and in English, as each
role that sees it, with its forms, refusals and messages showing; a Chinese page holds no
English word and an English page no Chinese, apart from what people typed (names, titles,
reasons) and the codes both languages share.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from procure.domain.language import Language
from procure.store.db import make_engine, new_session
from procure.web.app import create_app
from procure.web.settings import WebSettings
from tests.clock import pinned_clock
from tests.databases import MIGRATED, SqliteTemplates
from tests.integration.builders import (
    ASSESSOR,
    AUDITOR,
    CODE,
    OFFICER,
    QIHANG,
    TONGXIN,
    Plan,
    create_project,
    drive,
    organization_actor,
)
from tests.integration.web.support import set_passwords, sign_in
from tests.integration.web.test_scoring_pages import _scored_panel
from tests.language_purity import chinese_runs, english_words, page_text, world_text

ASSESSED = "SM-2019-092"
SECOND_ASSESSOR = "陈敏"
SCORED_ONE = "林晓燕"  # scored 启航 only: her own sheet, and 同心's form still open
ORGANIZATION = organization_actor(QIHANG).name
LANGUAGES: tuple[Language, ...] = ("zh_CN", "en")
_ATTACHMENTS = re.compile(r'<div class="attachments".*?</div>', re.DOTALL)


@dataclass(frozen=True)
class World:
    client: TestClient
    engine: Engine


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory, sqlite_templates: SqliteTemplates
) -> Iterator[World]:
    path: Path = tmp_path_factory.mktemp("scoring-language") / "procure.db"
    sqlite_templates.copy_to(MIGRATED, path)
    engine = make_engine(f"sqlite:///{path}")
    with new_session(engine) as session:
        _scored_panel(session)
        small = {"budget": "500000.00", "contract_amount": "480000.00"}
        assessed = Plan(code=ASSESSED, proposals={QIHANG: "480000.00"}, **small)
        drive(session, create_project(session, assessed), "assessment_recorded")
        session.commit()
        people = (OFFICER.name, ASSESSOR.name, SECOND_ASSESSOR, SCORED_ONE, ORGANIZATION)
        set_passwords(session, *people)
    app = create_app(
        WebSettings(f"sqlite:///{path}", allowed_hosts=("testserver",)), clock=pinned_clock()
    )
    with TestClient(app) as client:
        yield World(client, engine)
    app.state.writer.dispose()
    app.state.reader.dispose()
    engine.dispose()


def _check(world: World, html: str, language: Language, typed: tuple[str, ...] = ()) -> None:
    """The page's text in ``language`` only, apart from the world's data and what the form
    sent (``typed``); the attachments block is the documents part's, checked there."""
    with world.engine.connect() as connection:
        data = world_text(connection) | set(typed)
        rows = connection.execute(text("SELECT narratives FROM assessment"))
        data |= {str(v) for (found,) in rows for v in json.loads(found or "{}").values()}
    shown = page_text(_ATTACHMENTS.sub("", html))
    if language == "zh_CN":
        assert english_words(shown, data) == []
    else:
        assert chinese_runs(shown, data) == []


def _as(world: World, login: str, language: Language) -> str:
    world.client.cookies.clear()
    csrf = sign_in(world.client, login)
    world.client.cookies.delete("lang")  # the one signing in set: a browser keeps one
    world.client.cookies.set("lang", language)
    return csrf


PAGES = [
    ("panel", f"/projects/{CODE}/panel", AUDITOR.name),
    ("panel", f"/projects/{CODE}/panel", OFFICER.name),
    ("panel", f"/projects/{CODE}/panel", SCORED_ONE),
    ("sheet", f"/projects/{CODE}/panel/sheet", SCORED_ONE),
    ("sheet-recorded", f"/projects/{CODE}/panel/sheet?done=review", SCORED_ONE),
    ("assessment", f"/projects/{ASSESSED}/assessment", ASSESSOR.name),
    ("assessment", f"/projects/{ASSESSED}/assessment", SECOND_ASSESSOR),
    ("assessment", f"/projects/{ASSESSED}/assessment", ORGANIZATION),
    ("assessment", f"/projects/{ASSESSED}/assessment", OFFICER.name),
    ("assessment-saved", f"/projects/{ASSESSED}/assessment?done=sheet", ASSESSOR.name),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("page", "path", "login"), PAGES)
def test_a_scoring_page_is_in_one_language(
    world: World, page: str, path: str, login: str, language: Language
) -> None:
    _as(world, login, language)
    response = world.client.get(path)
    assert response.status_code == 200, response.text
    _check(world, response.text, language)


BAD_REVIEW = {
    "organization": "",  # filled in below: 同心, still open to her
    "score-needs_analysis": "很好",
    "score-service_plan": "25",
    "score-outputs_outcomes": "",
    "na-team": "1",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refused_review_sheet_says_why_in_one_language(world: World, language: Language) -> None:
    csrf = _as(world, SCORED_ONE, language)
    form = {**BAD_REVIEW, "organization": TONGXIN, "csrf_token": csrf}
    response = world.client.post(f"/projects/{CODE}/panel/sheet", data=form)
    assert response.status_code == 400
    assert 'class="field-error"' in response.text
    _check(world, response.text, language, typed=("很好",))
    recusal = {"csrf_token": csrf, "organization": TONGXIN, "reason": ""}
    response = world.client.post(f"/projects/{CODE}/panel/recusal", data=recusal)
    assert response.status_code == 400
    _check(world, response.text, language)
    again = {**BAD_REVIEW, "organization": QIHANG, "csrf_token": csrf}  # scored already
    response = world.client.post(f"/projects/{CODE}/panel/sheet", data=again)
    assert response.status_code == 403
    _check(world, response.text, language, typed=("很好",))


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refused_assessment_sheet_says_why_in_one_language(
    world: World, language: Language
) -> None:
    csrf = _as(world, SECOND_ASSESSOR, language)
    form = {
        "csrf_token": csrf,
        "c.project_management.score": "25",
        "c.output_activities.planned": "0",
        "c.output_activities.actual": "10",
        "c.satisfaction.respondents": "100",
        "c.satisfaction.satisfied": "120",
        "c.outcomes.score": "",
        "c.impact_capacity.score": "n/a",
        "veto.bribery": "true",
    }
    response = world.client.post(f"/projects/{ASSESSED}/assessment/sheet", data=form)
    assert response.status_code == 400
    assert 'id="sheet-errors"' in response.text
    _check(world, response.text, language, typed=("bribery",))
    upload = world.client.post(
        f"/projects/{ASSESSED}/assessment/upload",
        data={"csrf_token": csrf},
        files={"sheet": ("sheet.xlsx", b"not a workbook", "application/x")},
    )
    assert upload.status_code == 400
    _check(world, upload.text, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refused_comment_says_why_in_one_language(world: World, language: Language) -> None:
    csrf = _as(world, ORGANIZATION, language)
    response = world.client.post(
        f"/projects/{ASSESSED}/assessment/comment", data={"csrf_token": csrf, "text": ""}
    )
    assert response.status_code == 400
    _check(world, response.text, language)


@pytest.mark.parametrize(
    ("language", "says"),
    [
        ("zh_CN", ("考核评分表 · 刘建国", "暂不可定稿：", "尚未确认无异议", "考核等级良好")),
        ("en", ("Assessment sheet · 刘建国", "Not yet:", "has not acknowledged", "Graded Good")),
    ],
)
def test_the_assessment_page_names_the_grade_the_policy_and_why_it_waits(
    world: World, language: Language, says: tuple[str, ...]
) -> None:
    _as(world, ASSESSOR.name, language)
    page = world.client.get(f"/projects/{ASSESSED}/assessment").text
    for sentence in says:
        assert sentence in page
