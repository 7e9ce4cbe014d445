"""Review sheets in the browser (by form, by .xlsx upload, a recusal) and the panel page."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import Session

from procure.services.lifecycle import fire as lc
from procure.store import panels, queries
from procure.workflow.context import Actor
from tests.integration.builders import (
    AUDITOR,
    CODE,
    QIHANG,
    REVIEW_BELOW_PASS,
    REVIEW_GOOD,
    REVIEWERS,
    TONGXIN,
    project_at,
    snapshot,
)
from tests.integration.web.support import set_passwords, sign_in

REVIEWER = REVIEWERS[0].name


SHEET = f"/projects/{CODE}/panel/sheet"


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _form(csrf: str, uscc: str, scores: Mapping[str, object]) -> dict[str, str]:
    return {
        "csrf_token": csrf,
        "organization": uscc,
        **{f"score-{code}": str(value) for code, value in scores.items()},
    }


def _sheets(session: Session) -> list[tuple[str, str, str]]:
    """(reviewer, USCC, total) of every recorded sheet."""
    session.expire_all()
    project = queries.project_by_code(session, CODE)
    found = sorted(
        (sheet.reviewer, entry.organization.uscc, str(sheet.total))
        for entry in panels.project_panels(session, project)
        for sheet in entry.sheets
    )
    session.commit()  # a SQLite read holds the write lock until its transaction ends
    return found


def _filled_template(client: TestClient, scores: Mapping[str, object]) -> bytes:
    download = client.get(f"/projects/{CODE}/panel/template.xlsx")
    assert download.status_code == 200
    assert download.headers["content-type"] == XLSX
    book = load_workbook(io.BytesIO(download.content))
    sheet = book["评分表"]
    for row in range(5, sheet.max_row + 1):
        code = sheet.cell(row, 1).value
        if code in scores:
            sheet.cell(row, 5, scores[code])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client: TestClient, csrf: str, uscc: str, name: str, content: bytes) -> object:
    return client.post(
        f"{SHEET}/upload",
        data={"csrf_token": csrf, "organization": uscc},
        files={"sheet": (name, content, XLSX)},
    )


def test_the_sheet_offers_each_criterion_with_its_maximum_and_computes_the_price(
    client: TestClient, reviewing: Session
) -> None:
    sign_in(client, REVIEWER)
    page = client.get(SHEET)
    assert page.status_code == 200
    assert page.text.count('<form method="post" action="/projects/SM-2019-001/panel/sheet"') == 2
    assert 'name="score-service_plan"' in page.text and 'placeholder="0–20"' in page.text
    assert 'name="score-price"' not in page.text  # computed, never typed
    assert "20.00" in page.text and "19.73" in page.text  # 868000 ÷ 880000 × 20
    assert 'name="na-past_performance"' in page.text and 'name="na-team"' not in page.text
    assert f'href="/projects/{CODE}/panel/template.xlsx"' in page.text


def test_a_reviewer_submits_a_sheet_by_form(client: TestClient, reviewing: Session) -> None:
    csrf = sign_in(client, REVIEWER)
    response = client.post(SHEET, data=_form(csrf, QIHANG, REVIEW_GOOD), follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"{SHEET}?done=review"
    assert _sheets(reviewing) == [(REVIEWER, QIHANG, "85.00")]
    page = client.get(SHEET)
    assert "已评分：总分 85.00" in page.text
    assert page.text.count(f'action="{SHEET}"') == 1  # only TONGXIN's first sheet is left
    assert page.text.count(f'action="{SHEET}/replace"') == 1  # QIHANG's is replaced, not sent


def test_not_applicable_is_accepted_only_where_the_scorecard_allows_it(
    client: TestClient, reviewing: Session, engine: Engine
) -> None:
    csrf = sign_in(client, REVIEWER)
    before = snapshot(reviewing, engine)
    forged = {**_form(csrf, QIHANG, REVIEW_GOOD), "na-team": "1"}
    response = client.post(SHEET, data=forged)
    assert response.status_code == 400
    assert "此项不能选“不适用”" in response.text
    assert snapshot(reviewing, engine) == before
    allowed = {**_form(csrf, QIHANG, REVIEW_GOOD), "na-past_performance": "1"}
    assert client.post(SHEET, data=allowed, follow_redirects=False).status_code == 303
    assert _sheets(reviewing) == [(REVIEWER, QIHANG, "88.89")]  # 80 of 90, rescaled to 100


def test_a_score_above_its_maximum_or_in_words_is_shown_beside_its_field_and_changes_nothing(
    client: TestClient, reviewing: Session, engine: Engine
) -> None:
    csrf = sign_in(client, REVIEWER)
    before = snapshot(reviewing, engine)
    bad = {**REVIEW_GOOD, "service_plan": "25", "team": "很好", "needs_analysis": ""}
    response = client.post(SHEET, data=_form(csrf, QIHANG, bad))
    assert response.status_code == 400
    text = response.text
    assert (
        text.index('name="score-service_plan"')
        < text.index("超过满分 20 分")
        < text.index('name="score-outputs_outcomes"')
    )
    assert (
        text.index('name="score-team"')
        < text.index("请填写数字")
        < text.index('name="score-past_performance"')
    )
    assert "必填：请填写0 到 10 分" in text
    assert 'value="25"' in text and 'value="很好"' in text  # kept for correcting
    assert snapshot(reviewing, engine) == before


def test_a_reviewer_scores_once_and_a_second_post_is_refused(
    client: TestClient, reviewing: Session
) -> None:
    csrf = sign_in(client, REVIEWER)
    client.post(SHEET, data=_form(csrf, QIHANG, REVIEW_GOOD))
    again = client.post(SHEET, data=_form(csrf, QIHANG, REVIEW_BELOW_PASS))
    assert again.status_code == 403
    assert "你已为" in again.text
    assert _sheets(reviewing) == [(REVIEWER, QIHANG, "85.00")]


def test_a_filled_in_template_is_uploaded_and_recorded(
    client: TestClient, reviewing: Session
) -> None:
    csrf = sign_in(client, REVIEWER)
    content = _filled_template(client, REVIEW_GOOD)
    response = _upload(client, csrf, TONGXIN, "我的评分.xlsx", content)
    assert response.status_code == 200 and "已录入评审评分" in response.text  # after the redirect
    assert _sheets(reviewing) == [(REVIEWER, TONGXIN, "84.73")]  # 65 + 19.73


def test_an_uploaded_score_above_its_maximum_names_its_row_and_changes_nothing(
    client: TestClient, reviewing: Session, engine: Engine
) -> None:
    csrf = sign_in(client, REVIEWER)
    content = _filled_template(client, {**REVIEW_GOOD, "service_plan": 25})
    before = snapshot(reviewing, engine)
    response = _upload(client, csrf, TONGXIN, "sheet.xlsx", content)
    assert response.status_code == 400
    assert "sheet.xlsx：评分表 第 7 行（service_plan）：" in response.text  # its row in the file
    assert "服务方案的得分 25 超过满分 20" in response.text
    assert snapshot(reviewing, engine) == before


def _entity_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
            "<Types>&b;</Types>",
        )
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("sheet.xlsx", b"PK\x03\x04 not really a workbook", "不是可读取的 .xlsx 工作簿"),
        ("sheet.xlsx", _entity_bomb(), "声明了 DOCTYPE 或实体"),
        ("sheet.csv", b"code,score\nteam,9\n", "请上传 .xlsx 评分表"),
        ("sheet.xlsx", b"\x00" * (2 * 2**20 + 1), "文件过大"),
    ],
    ids=["not-a-zip", "entity-bomb", "not-xlsx", "too-large"],
)
def test_a_hostile_or_malformed_upload_is_refused_in_one_line(
    client: TestClient,
    reviewing: Session,
    engine: Engine,
    name: str,
    content: bytes,
    reason: str,
) -> None:
    csrf = sign_in(client, REVIEWER)
    before = snapshot(reviewing, engine)
    response = _upload(client, csrf, QIHANG, name, content)
    assert response.status_code == 400
    line = next(row for row in response.text.splitlines() if reason in row)
    assert line.strip().startswith('<p class="error" role="alert">') and line.endswith("</p>")
    assert snapshot(reviewing, engine) == before


def test_a_reviewer_declares_a_conflict_with_a_reason(
    client: TestClient, reviewing: Session, engine: Engine
) -> None:
    csrf = sign_in(client, REVIEWER)
    before = snapshot(reviewing, engine)
    recusal = f"/projects/{CODE}/panel/recusal"
    missing = client.post(recusal, data={"csrf_token": csrf, "organization": QIHANG})
    assert missing.status_code == 400 and "必填：请写明回避理由" in missing.text
    assert snapshot(reviewing, engine) == before
    reason = "本人曾在该机构兼职"
    done = client.post(
        recusal,
        data={"csrf_token": csrf, "organization": QIHANG, "reason": reason},
        follow_redirects=False,
    )
    assert done.status_code == 303
    reviewing.expire_all()
    project = queries.project_by_code(reviewing, CODE)
    recusals = [r for e in panels.project_panels(reviewing, project) for r in e.recusals]
    reviewing.commit()
    assert [(r.reviewer, r.reason, r.recorded_by) for r in recusals] == [
        (REVIEWER, reason, REVIEWER)
    ]
    page = client.get(SHEET)
    assert f"已回避：{reason}" in page.text
    assert page.text.count('name="organization" value=') == 1  # no form for QIHANG any more
    assert client.get(f"/projects/{CODE}/panel").text.count(reason) == 1


def _scored_panel(session: Session) -> None:
    """Five valid sheets of QIHANG (one trimmed high, one low), one recused; TONGXIN fails."""
    project_at(session, "reviewing")
    plans = {"陈建华": 18, "周敏": 10, "吴海峰": 20, "郑丽娟": 15, "林晓燕": 16, "郑回避": 20}
    for name, plan in plans.items():
        scores = {**REVIEW_GOOD, "service_plan": plan}
        lc.perform(
            session,
            CODE,
            "record_review",
            Actor(name, "reviewer"),
            params={"organization": QIHANG, "scores": scores},
        )
    lc.perform(
        session,
        CODE,
        "record_recusal",
        Actor("郑回避", "reviewer"),
        params={"organization": QIHANG, "reviewer": "郑回避", "reason": "与该机构负责人系亲属"},
    )
    for reviewer in REVIEWERS:
        lc.perform(
            session,
            CODE,
            "record_review",
            reviewer,
            params={"organization": TONGXIN, "scores": REVIEW_BELOW_PASS},
        )
    session.commit()
    set_passwords(session, AUDITOR.name)
