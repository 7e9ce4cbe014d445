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

from procure.domain.uscc import make_uscc
from procure.services.accounts import manage as accounts
from procure.services.lifecycle import fire as lc
from procure.services.lifecycle import registry
from procure.store import panels, queries
from procure.workflow.context import Actor
from tests.integration.builders import (
    ADMIN,
    AUDITOR,
    CODE,
    OFFICER,
    ORGANIZATIONS,
    QIHANG,
    REVIEW_BELOW_PASS,
    REVIEW_GOOD,
    REVIEWERS,
    TONGXIN,
    Plan,
    create_project,
    drive,
    project_at,
    setup_registry,
    snapshot,
)
from tests.integration.web.support import set_passwords, sign_in

REVIEWER = REVIEWERS[0].name
SHEET = f"/projects/{CODE}/panel/sheet"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def reviewing(session: Session) -> Session:
    """SM-2019-001 under review with two proposals; reviewers, officer and auditor can sign in."""
    project_at(session, "reviewing")
    set_passwords(session, *(r.name for r in REVIEWERS), OFFICER.name, AUDITOR.name)
    return session


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
    assert "已评分 Scored：总分 total 85.00" in page.text
    assert page.text.count('name="organization" value=') == 1  # only TONGXIN's form is left


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
    assert "sheet.xlsx: 评分表 row 7 (service_plan)" in response.text
    assert "exceeds its maximum 20" in response.text
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
        ("sheet.xlsx", b"PK\x03\x04 not really a workbook", "not a readable .xlsx workbook"),
        ("sheet.xlsx", _entity_bomb(), "declares a DOCTYPE or entities"),
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
    assert f"已回避 Recused：{reason}" in page.text
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


def test_the_panel_shows_trims_recusals_flags_the_average_and_the_ranking(
    client: TestClient, session: Session
) -> None:
    _scored_panel(session)
    sign_in(client, AUDITOR.name)
    page = client.get(f"/projects/{CODE}/panel")
    assert page.status_code == 200
    text = page.text
    assert text.index(f'id="rank-{QIHANG}"') < text.index(f'id="rank-{TONGXIN}"')
    qihang = text[text.index(f'id="panel-{QIHANG}"') : text.index(f'id="panel-{TONGXIN}"')]
    assert "第 1 名" in qihang
    assert qihang.count("去掉最高分") == 1 and qihang.count("去掉最低分") == 1
    assert "回避 recused：与该机构负责人系亲属" in qihang
    assert "83.33" in qihang  # (85 + 82 + 83) ÷ 3 after dropping 87 and 77
    assert "服务方案 <code>service_plan</code>：10–20" in qihang  # spread flag
    ranking = text[text.index(f'id="rank-{QIHANG}"') : text.index("</table>")]
    assert "可中选 may be awarded" in ranking.split(f'id="rank-{TONGXIN}"')[0]
    assert "below the pass mark" in ranking.split(f'id="rank-{TONGXIN}"')[1]


def test_a_non_reviewers_forged_post_is_refused_with_the_database_unchanged(
    client: TestClient, reviewing: Session, engine: Engine
) -> None:
    for person in (OFFICER.name, AUDITOR.name):
        csrf = sign_in(client, person)
        before = snapshot(reviewing, engine)
        assert client.post(SHEET, data=_form(csrf, QIHANG, REVIEW_GOOD)).status_code == 403
        recusal = {"csrf_token": csrf, "organization": QIHANG, "reason": "x"}
        assert client.post(f"/projects/{CODE}/panel/recusal", data=recusal).status_code == 403
        assert _upload(client, csrf, QIHANG, "s.xlsx", b"PK").status_code == 403
        assert client.get(SHEET).status_code == 403
        assert snapshot(reviewing, engine) == before


def test_a_post_without_the_form_token_is_refused_and_changes_nothing(
    client: TestClient, reviewing: Session, engine: Engine
) -> None:
    sign_in(client, REVIEWER)
    before = snapshot(reviewing, engine)
    assert client.post(SHEET, data=_form("", QIHANG, REVIEW_GOOD)).status_code == 403
    form = {"organization": QIHANG, "reason": "亲属"}
    assert client.post(f"/projects/{CODE}/panel/recusal", data=form).status_code == 403
    content = _filled_template(client, REVIEW_GOOD)
    assert _upload(client, "wrong", QIHANG, "s.xlsx", content).status_code == 403
    assert snapshot(reviewing, engine) == before


def test_a_station_officer_or_reviewer_of_another_station_finds_nothing(
    client: TestClient, reviewing: Session, engine: Engine
) -> None:
    registry.add_purchaser(
        reviewing, registry.PurchaserCreate("SM-WC", "梧村街道", "500000.00", "SM-FED"), OFFICER
    )
    for login, role in (("wc-officer", "officer"), ("wc-reviewer", "reviewer")):
        accounts.add_user(reviewing, login, login, ADMIN)
        accounts.grant(reviewing, login, role, ADMIN, purchaser="SM-WC")
    reviewing.commit()
    set_passwords(reviewing, "wc-officer", "wc-reviewer")
    for login in ("wc-officer", "wc-reviewer"):
        csrf = sign_in(client, login)
        before = snapshot(reviewing, engine)
        for path in ("/panel", "/panel/sheet", "/panel/template.xlsx"):
            assert client.get(f"/projects/{CODE}{path}").status_code == 404
        assert client.post(SHEET, data=_form(csrf, QIHANG, REVIEW_GOOD)).status_code == 404
        recusal = {"csrf_token": csrf, "organization": QIHANG, "reason": "x"}
        assert client.post(f"/projects/{CODE}/panel/recusal", data=recusal).status_code == 404
        assert snapshot(reviewing, engine) == before


def test_hostile_names_are_shown_literally(client: TestClient, session: Session) -> None:
    hostile = "<script>alert(1)</script>{{ 7*7 }}😀"
    uscc = make_uscc("52350203MJ0888888")
    setup_registry(session, organizations={**ORGANIZATIONS, uscc: hostile})
    plan = create_project(session, Plan(proposals={QIHANG: "868000.00", uscc: "870000.00"}))
    drive(session, plan, "reviewing")
    lc.perform(
        session,
        CODE,
        "record_recusal",
        REVIEWERS[1],
        params={"organization": uscc, "reviewer": REVIEWERS[1].name, "reason": hostile},
    )
    session.commit()
    set_passwords(session, REVIEWER)
    sign_in(client, REVIEWER)
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}😀"
    for path in ("/panel", "/panel/sheet"):
        page = client.get(f"/projects/{CODE}{path}")
        assert page.status_code == 200
        assert "<script>alert(1)" not in page.text
        assert escaped in page.text
        assert "{{ 49 }}" not in page.text and ">49<" not in page.text


def test_a_sheet_for_a_proposal_not_in_the_project_is_refused_beside_the_choice(
    client: TestClient, reviewing: Session, engine: Engine
) -> None:
    csrf = sign_in(client, REVIEWER)
    before = snapshot(reviewing, engine)
    stranger = make_uscc("52350203MJ0777777")
    response = client.post(SHEET, data=_form(csrf, stranger, REVIEW_GOOD))
    assert response.status_code == 400 and "请选择本项目的申报方案" in response.text
    content = _filled_template(client, REVIEW_GOOD)
    response = _upload(client, csrf, stranger, "s.xlsx", content)
    assert response.status_code == 400 and "请选择本项目的申报方案" in response.text
    assert snapshot(reviewing, engine) == before


def test_a_reason_with_a_right_to_left_mark_is_refused_and_shown_escaped(
    client: TestClient, reviewing: Session, engine: Engine
) -> None:
    csrf = sign_in(client, REVIEWER)
    before = snapshot(reviewing, engine)
    reason = "<script>alert(1)</script>\u200f亲属"
    form = {"csrf_token": csrf, "organization": QIHANG, "reason": reason}
    response = client.post(f"/projects/{CODE}/panel/recusal", data=form)
    assert response.status_code == 400
    assert "bidirectional control U+200F" in response.text
    assert "<script>alert(1)" not in response.text
    assert snapshot(reviewing, engine) == before


def test_after_the_award_the_panel_marks_the_awarded_proposal(
    client: TestClient, session: Session
) -> None:
    project_at(session, "awarded")
    set_passwords(session, AUDITOR.name)
    sign_in(client, AUDITOR.name)
    text = client.get(f"/projects/{CODE}/panel").text
    awarded = text[text.index(f'id="rank-{QIHANG}"') : text.index(f'id="rank-{TONGXIN}"')]
    assert "已中选 Awarded" in awarded
    assert "可中选 may be awarded" not in text  # the award is made: nothing more may be awarded
    assert "85.00" in awarded  # three sheets of 85, plain average


def test_the_panel_offers_an_officer_the_award_of_each_proposal_that_may_be_awarded(
    client: TestClient, session: Session
) -> None:
    _scored_panel(session)
    set_passwords(session, OFFICER.name)
    csrf = sign_in(client, OFFICER.name)
    text = client.get(f"/projects/{CODE}/panel").text
    assert text.count(f'action="/projects/{CODE}/do/award"') == 1  # 同心 fails the mark
    form = text[text.index(f'id="award-{QIHANG}"') :].split("</form>", 1)[0]
    assert f'name="organization" value="{QIHANG}"' in form and csrf in form
    response = client.post(
        f"/projects/{CODE}/do/award",
        data={"csrf_token": csrf, "organization": QIHANG},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/projects/{CODE}?done=award"
    session.expire_all()
    assert queries.project_by_code(session, CODE).state == "awarded"
    session.commit()


def test_the_panel_offers_no_award_to_an_auditor(client: TestClient, session: Session) -> None:
    _scored_panel(session)
    sign_in(client, AUDITOR.name)
    text = client.get(f"/projects/{CODE}/panel").text
    assert "可中选 may be awarded" in text
    assert "/do/award" not in text and 'id="award-' not in text
