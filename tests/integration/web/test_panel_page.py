"""The review panel page and the scoring forms' refusals: trims, recusals, flags, the ranking and
the award offered; forged posts, other stations' reviewers and hostile names."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from procure.domain.uscc import make_uscc
from procure.services.accounts import manage as accounts
from procure.services.lifecycle import fire as lc
from procure.services.lifecycle import registry
from procure.store import queries
from tests.integration.builders import (
    ADMIN,
    AUDITOR,
    CODE,
    OFFICER,
    ORGANIZATIONS,
    QIHANG,
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
from tests.integration.web.support import fire_confirmed, set_passwords, sign_in
from tests.integration.web.test_scoring_pages import (
    REVIEWER,
    SHEET,
    _filled_template,
    _form,
    _scored_panel,
    _upload,
)
from tests.language_purity import page_text


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
    assert "回避：与该机构负责人系亲属" in qihang
    assert "83.33" in qihang  # (85 + 82 + 83) ÷ 3 after dropping 87 and 77
    assert "服务方案：10–20，分差 10.00 > 4.00" in qihang  # spread flag, by the criterion's name
    assert "service_plan" not in page_text(qihang)  # never its code
    ranking = text[text.index(f'id="rank-{QIHANG}"') : text.index("</table>")]
    assert "可中选" in ranking.split(f'id="rank-{TONGXIN}"')[0]
    assert "低于合格线 60.00" in ranking.split(f'id="rank-{TONGXIN}"')[1]


def test_the_panel_says_the_same_in_english(client: TestClient, session: Session) -> None:
    _scored_panel(session)
    sign_in(client, AUDITOR.name)
    client.cookies.delete("lang")  # the one signing in set: a browser keeps one
    client.cookies.set("lang", "en")
    text = client.get(f"/projects/{CODE}/panel").text
    qihang = text[text.index(f'id="panel-{QIHANG}"') : text.index(f'id="panel-{TONGXIN}"')]
    assert "No. 1" in qihang and qihang.count("Trimmed (highest)") == 1
    assert "Recused: 与该机构负责人系亲属" in qihang  # the reason as the reviewer wrote it
    assert "Service plan: 10–20, a spread of 10.00 > 4.00" in qihang
    ranking = text[text.index(f'id="rank-{QIHANG}"') : text.index("</table>")]
    assert "May be awarded" in ranking.split(f'id="rank-{TONGXIN}"')[0]
    assert "below the pass mark 60.00" in ranking.split(f'id="rank-{TONGXIN}"')[1]


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
    assert "双向控制字符 U+200F" in response.text
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
    assert "已中选" in awarded
    assert "可中选" not in text  # the award is made: nothing more may be awarded
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
    asked, response = fire_confirmed(
        client, f"/projects/{CODE}/do/award", {"csrf_token": csrf, "organization": QIHANG}
    )
    assert "厦门市思明区启航社会工作服务中心（52350203MJ0316852A）" in asked
    assert response.status_code == 303
    assert response.headers["location"] == f"/projects/{CODE}?done=award"
    session.expire_all()
    assert queries.project_by_code(session, CODE).state == "awarded"
    session.commit()


def test_the_panel_offers_no_award_to_an_auditor(client: TestClient, session: Session) -> None:
    _scored_panel(session)
    sign_in(client, AUDITOR.name)
    text = client.get(f"/projects/{CODE}/panel").text
    assert "可中选" in text
    assert "/do/award" not in text and 'id="award-' not in text
