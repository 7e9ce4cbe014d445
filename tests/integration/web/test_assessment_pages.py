"""The assessment page: each assessor's sheet, the combined result, the comment window, and the
assessor's sheet typed in a form or uploaded as the .xlsx template."""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import Session

from procure.services.accounts import manage as accounts
from procure.services.lifecycle import registry
from procure.services.scoring.sheet_xlsx import write_template
from procure.store import accounts as stored_accounts
from procure.store import queries
from procure.workflow.rules import default_rules
from tests.integration.builders import (
    ADMIN,
    ASSESSMENT_EXCELLENT,
    ASSESSMENT_GOOD,
    ASSESSOR,
    AUDITOR,
    CODE,
    NARRATIVES,
    OFFICER,
    Plan,
    days_after,
    organization_actor,
    project_at,
    snapshot,
)
from tests.integration.web.support import fire_confirmed, read_in, set_passwords, sign_in

PAGE = f"/projects/{CODE}/assessment"


def sheet_form(
    scores: Mapping[str, object] = ASSESSMENT_GOOD,
    narratives: Mapping[str, str] = NARRATIVES,
    veto: tuple[str, ...] = (),
    **extra: str,
) -> dict[str, str]:
    """The assessor's form as a browser posts it (without the token)."""
    form: dict[str, str] = {}
    for code, value in scores.items():
        if isinstance(value, Mapping):
            form.update({f"c.{code}.{key}": str(number) for key, number in value.items()})
        else:
            form[f"c.{code}.score"] = str(value)
    form.update({f"n.{code}": text for code, text in narratives.items()})
    form.update({f"veto.{code}": "true" for code in veto})
    return {**form, **extra}


def _sheets(session: Session) -> list[tuple[str, str, str, list[str]]]:
    session.expire_all()
    project = queries.project_by_code(session, CODE)
    rows = [
        (s.assessor, str(s.total), s.grade, s.veto)
        for s in queries.assessment_sheets(session, project)
    ]
    session.commit()  # a SQLite read holds the write lock until its transaction ends
    return rows


def _assessor(client: TestClient, session: Session) -> str:
    set_passwords(session, ASSESSOR.name)
    return sign_in(client, ASSESSOR.name)


def test_the_assessor_sees_the_criteria_by_dimension_with_attainment_and_survey_inputs(
    client: TestClient, session: Session
) -> None:
    project_at(session, "assessing")
    _assessor(client, session)
    page = client.get(PAGE)
    assert page.status_code == 200
    for dimension in ("项目管理", "财务管理", "服务产出", "服务成效", "服务对象满意度"):
        assert dimension in page.text
    for name in (
        "c.project_management.score",
        "c.output_activities.planned",
        "c.output_activities.actual",
        "c.satisfaction.respondents",
        "c.satisfaction.satisfied",
        "n.finance",
        'name="narrative"',
        "veto.misuse_of_funds",
        "veto.serious_safety_incident",
    ):
        assert name in page.text
    assert "挪用资金" in page.text and "template.xlsx" in page.text


def test_an_assessor_records_a_sheet_with_narratives_and_a_veto_that_fails_the_grade(
    client: TestClient, session: Session
) -> None:
    project_at(session, "assessing")
    csrf = _assessor(client, session)
    done = client.post(
        f"{PAGE}/sheet",
        data={"csrf_token": csrf, **sheet_form(veto=("falsified_data",), narrative="总体良好")},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    assert done.headers["location"] == f"{PAGE}?done=sheet"
    assert _sheets(session) == [(ASSESSOR.name, "85.00", "fail", ["falsified_data"])]
    page = client.get(PAGE)
    assert "数据造假" in page.text and "不合格" in page.text and "85.00" in page.text
    assert "资金专款专用。" in page.text and "总体良好" in page.text
    assert 'action="/projects/SM-2019-001/assessment/sheet"' not in page.text  # one sheet each


def test_a_second_assessors_sheet_is_shown_beside_the_first_and_combined(
    client: TestClient, session: Session
) -> None:
    project_at(session, "assessment_recorded")
    set_passwords(session, "陈敏")
    csrf = sign_in(client, "陈敏")
    form = sheet_form(ASSESSMENT_EXCELLENT)
    client.post(f"{PAGE}/sheet", data={"csrf_token": csrf, **form})
    assert [row[:2] for row in _sheets(session)] == [(ASSESSOR.name, "85.00"), ("陈敏", "93.00")]
    page = client.get(PAGE).text
    assert "考核评分表 · 刘建国" in page and "考核评分表 · 陈敏" in page
    assert '<dd class="num" id="result-total">89.00</dd>' in page  # (85 + 93) / 2


def test_bad_values_are_shown_beside_their_fields_in_chinese_and_change_nothing(
    client: TestClient, session: Session, engine: Engine
) -> None:
    project_at(session, "assessing")
    csrf = _assessor(client, session)
    form = sheet_form(
        {
            **ASSESSMENT_GOOD,
            "project_management": "25",
            "output_activities": {"planned": "0", "actual": "10"},
            "satisfaction": {"respondents": "100", "satisfied": "120"},
            "outcomes": "",
            "impact_capacity": "n/a",
        },
        {**NARRATIVES, "finance": "资金\u202e专款"},
    )
    before = snapshot(session, engine)
    response = client.post(f"{PAGE}/sheet", data={"csrf_token": csrf, **form})
    assert response.status_code == 400
    text = response.text
    assert "请填写 0 到 20 之间的分数" in text and "项目管理的得分 25 超过满分 20" in text
    assert "计划数大于 0" in text and "服务活动场次的计划数须大于 0" in text
    assert "满意人数不超过受访人数" in text
    assert "必填：请填写 0 到 20 之间的分数" in text  # outcomes left blank
    assert "不可见控制字符" in text
    assert 'value="25"' in text and 'value="120"' in text  # kept for correcting
    assert snapshot(session, engine) == before


def test_not_applicable_where_the_scorecard_does_not_allow_it_is_refused_beside_its_field(
    client: TestClient, session: Session, engine: Engine
) -> None:
    project_at(session, "assessing")
    csrf = _assessor(client, session)
    before = snapshot(session, engine)
    form = sheet_form({**ASSESSMENT_GOOD, "project_management": "n/a"})
    response = client.post(f"{PAGE}/sheet", data={"csrf_token": csrf, **form})
    assert response.status_code == 400
    assert "项目管理不能填“不适用”" in response.text
    assert snapshot(session, engine) == before


def _filled_template(
    tmp_path: Path, *, veto: str = "", narrative: str = "台账齐全", score: object = 17
) -> bytes:
    rules = default_rules()
    path = tmp_path / "sheet.xlsx"
    write_template(rules.assessment, path, rules.renewal.veto_items)
    book = load_workbook(path)
    scores = book["评分表"]
    for row in range(5, scores.max_row + 1):
        code = scores.cell(row, 1).value
        value = ASSESSMENT_GOOD.get(str(code))
        if code == "project_management":
            scores.cell(row, 5, score)
        elif isinstance(value, Mapping):
            columns = {"planned": 6, "actual": 7, "respondents": 8, "satisfied": 9}
            for key, number in value.items():
                scores.cell(row, columns[key], number)
        elif value is not None:
            scores.cell(row, 5, value)
    for row in range(2, book["评语"].max_row + 1):
        book["评语"].cell(row, 3, narrative)
    for row in range(2, book["一票否决"].max_row + 1):
        if book["一票否决"].cell(row, 1).value == veto:
            book["一票否决"].cell(row, 3, "是")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_uploaded_template_is_recorded_with_its_narratives_and_veto(
    client: TestClient, session: Session, tmp_path: Path
) -> None:
    project_at(session, "assessing")
    csrf = _assessor(client, session)
    data = _filled_template(tmp_path, veto="fraud")
    done = client.post(
        f"{PAGE}/upload",
        data={"csrf_token": csrf},
        files={"sheet": ("刘建国-考核.xlsx", data, "application/octet-stream")},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    assert _sheets(session) == [(ASSESSOR.name, "85.00", "fail", ["fraud"])]
    page = client.get(PAGE)
    assert "骗取资金" in page.text and "台账齐全" in page.text


def test_an_uploaded_sheet_with_a_bad_row_is_named_beside_the_upload_and_changes_nothing(
    client: TestClient, session: Session, engine: Engine, tmp_path: Path
) -> None:
    project_at(session, "assessing")
    csrf = _assessor(client, session)
    before = snapshot(session, engine)
    response = client.post(
        f"{PAGE}/upload",
        data={"csrf_token": csrf},
        files={"sheet": ("mine.xlsx", _filled_template(tmp_path, score=30), "application/x")},
    )
    assert response.status_code == 400
    assert "文件有误" in response.text and "mine.xlsx" in response.text
    assert "评分表 第 5 行" in response.text and "项目管理的得分 30 超过满分 20" in response.text
    not_xlsx = client.post(
        f"{PAGE}/upload",
        data={"csrf_token": csrf},
        files={"sheet": ("sheet.csv", b"a,b", "text/csv")},
    )
    assert not_xlsx.status_code == 400 and "请上传" in not_xlsx.text
    garbage = client.post(
        f"{PAGE}/upload",
        data={"csrf_token": csrf},
        files={"sheet": ("sheet.xlsx", b"PK\x03\x04 not a workbook", "application/x")},
    )
    assert garbage.status_code == 400 and "不是可读取的 .xlsx 工作簿" in garbage.text
    assert snapshot(session, engine) == before


def test_the_template_download_has_its_narrative_and_veto_sheets(
    client: TestClient, session: Session
) -> None:
    project_at(session, "assessing")
    _assessor(client, session)
    response = client.get(f"{PAGE}/template.xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["评分表", "评语", "一票否决"]


def test_posts_without_the_form_token_are_refused_and_change_nothing(
    client: TestClient, session: Session, engine: Engine, tmp_path: Path
) -> None:
    project_at(session, "assessing")
    _assessor(client, session)
    before = snapshot(session, engine)
    assert client.post(f"{PAGE}/sheet", data=sheet_form()).status_code == 403
    upload = client.post(
        f"{PAGE}/upload",
        data={"csrf_token": "forged"},
        files={"sheet": ("s.xlsx", _filled_template(tmp_path), "application/x")},
    )
    assert upload.status_code == 403
    assert snapshot(session, engine) == before


def test_an_auditors_forged_sheet_is_refused_with_the_database_unchanged(
    client: TestClient, session: Session, engine: Engine
) -> None:
    project_at(session, "assessing")
    set_passwords(session, AUDITOR.name)
    csrf = sign_in(client, AUDITOR.name)
    page = client.get(PAGE)
    assert page.status_code == 200 and "/assessment/sheet" not in page.text
    before = snapshot(session, engine)
    response = client.post(f"{PAGE}/sheet", data={"csrf_token": csrf, **sheet_form()})
    assert response.status_code == 403
    bad = client.post(f"{PAGE}/sheet", data={"csrf_token": csrf, "c.outcomes.score": "99"})
    assert bad.status_code == 403  # refused for the grant before any value is looked at
    upload = client.post(
        f"{PAGE}/upload",
        data={"csrf_token": csrf},
        files={"sheet": ("s.xlsx", b"not a workbook", "application/x")},
    )
    assert upload.status_code == 403 and "的考核人员授权" in upload.text
    assert snapshot(session, engine) == before


def test_the_page_shows_the_result_and_the_comment_window_with_its_end_and_days_left(
    client: TestClient, session: Session
) -> None:
    project_at(session, "assessment_recorded", Plan(assessed_at=days_after(-4)))
    _assessor(client, session)
    page = client.get(PAGE)
    assert "85.00" in page.text and "良好" in page.text
    closes = days_after(10).date()
    assert f"{closes.year}年{closes.month}月{closes.day}日" in page.text
    assert "还剩 10 天" in page.text or "还剩 9 天" in page.text  # the day turns at 00:00 CST
    assert "且承接方尚未确认无异议" in page.text  # why finalize waits
    assert "考核等级良好（85.00 分）：按续约政策续约" in page.text
    assert "<code>" not in page.text.split('id="documents"')[0]  # no grade, action or veto code


def test_the_assessment_page_says_the_same_in_english_and_names_the_assessor(
    client: TestClient, session: Session
) -> None:
    project_at(session, "assessment_recorded", Plan(assessed_at=days_after(-4)))
    _assessor(client, session)
    assessor = stored_accounts.user_by_login(session, ASSESSOR.name)
    assert assessor is not None
    assessor.name = "刘建国（考核组）"  # an account's name differs from its login
    session.add(assessor)
    session.commit()
    read_in(client, "en")
    page = client.get(PAGE).text
    assert "Assessment sheet · 刘建国（考核组）" in page  # by name, not by login
    assert "Graded Good (85.00): the policy renews the contract" in page
    assert "(10 days left)" in page or "(9 days left)" in page
    assert "has not acknowledged the assessment" in page  # why finalize waits


def test_the_assessor_finalizes_from_the_page_once_the_organization_acknowledged(
    client: TestClient, session: Session
) -> None:
    plan = project_at(session, "assessment_recorded")
    set_passwords(session, organization_actor(plan.winner).name)
    csrf = sign_in(client, organization_actor(plan.winner).name)
    client.post(f"{PAGE}/comment", data={"csrf_token": csrf, "acknowledged": "true"})
    csrf = _assessor(client, session)
    page = client.get(PAGE)
    assert 'action="/projects/SM-2019-001/do/finalize_assessment"' in page.text
    asked, done = fire_confirmed(
        client, f"/projects/{CODE}/do/finalize_assessment", {"csrf_token": csrf}
    )
    assert "考核结果定稿后评分和等级不能再改" in asked
    assert done.status_code == 303
    session.expire_all()
    assert queries.project_by_code(session, CODE).state == "assessed"
    session.commit()
    assert "已定稿" in client.get(PAGE).text


def test_a_station_officer_cannot_open_another_stations_assessment(
    client: TestClient, session: Session, engine: Engine
) -> None:
    project_at(session, "assessing")
    registry.add_purchaser(
        session, registry.PurchaserCreate("SM-WC", "梧村街道", "500000.00", "SM-FED"), OFFICER
    )
    accounts.add_user(session, "wc-assessor", "梧村考核", ADMIN)
    accounts.grant(session, "wc-assessor", "assessor", ADMIN, purchaser="SM-WC")
    session.commit()
    set_passwords(session, "wc-assessor")
    csrf = sign_in(client, "wc-assessor")
    assert client.get(PAGE).status_code == 404
    assert client.get(f"{PAGE}/template.xlsx").status_code == 404
    before = snapshot(session, engine)
    response = client.post(f"{PAGE}/sheet", data={"csrf_token": csrf, **sheet_form()})
    assert response.status_code == 404
    assert snapshot(session, engine) == before


def test_hostile_narratives_and_names_are_shown_literally(
    client: TestClient, session: Session
) -> None:
    hostile = "<script>alert(1)</script>{{ 7*7 }}😀"
    project_at(session, "assessing")
    csrf = _assessor(client, session)
    client.post(
        f"{PAGE}/sheet",
        data={"csrf_token": csrf, **sheet_form(narratives={**NARRATIVES, "finance": hostile})},
    )
    page = client.get(PAGE)
    assert "<script>alert(1)" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}😀" in page.text
