"""An organization's own account: its page 我的项目, and its comment on its assessment inside the
window only. Nothing of another organization is reachable by editing a URL."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from procure.domain.uscc import make_uscc
from procure.services.accounts import manage as accounts
from procure.services.lifecycle import registry
from procure.store import queries
from tests.integration.builders import (
    ADMIN,
    ASSESSOR,
    CODE,
    OFFICER,
    QIHANG,
    RENHE,
    TONGXIN,
    Plan,
    days_after,
    organization_actor,
    project_at,
    snapshot,
)
from tests.integration.web.support import set_passwords, sign_in

PAGE = f"/projects/{CODE}/assessment"


def _as(client: TestClient, session: Session, uscc: str) -> str:
    login = organization_actor(uscc).name
    set_passwords(session, login)
    return sign_in(client, login)


def _comments(session: Session) -> list[tuple[str, bool, str, str]]:
    session.expire_all()
    project = queries.project_by_code(session, CODE)
    rows = [
        (c.text, c.acknowledged, c.recorded_by, c.recorded_role)
        for c in queries.comments_of(session, project)
    ]
    session.commit()  # a SQLite read holds the write lock until its transaction ends
    return rows


def test_an_organization_sees_its_contract_payments_inspections_and_assessment(
    client: TestClient, session: Session
) -> None:
    project_at(session, "assessment_recorded")
    _as(client, session, QIHANG)
    page = client.get("/mine")
    assert page.status_code == 200
    text = page.text
    assert "我的项目" in text and "厦门市思明区启航社会工作服务中心" in text
    assert "HT-SM-2019-001" in text and "868,000.00" in text  # its proposal and contract
    assert "400,000.00" in text and "台账齐全" in text  # the payment and the inspection
    assert "85.00" in text and "良好" in text and "还剩" in text
    assert f'href="/projects/{CODE}/record"' in text
    assert f'href="/projects/{CODE}/assessment' in text
    assert 'href="/mine"' in text  # in the navigation
    assert "880,000.00" not in text  # the other bid's price
    assert "同心" not in text  # nor the other bidder


def test_a_losing_bidder_sees_its_proposal_and_nothing_of_the_winners_contract(
    client: TestClient, session: Session
) -> None:
    project_at(session, "assessment_recorded")
    _as(client, session, TONGXIN)
    text = client.get("/mine").text
    assert "880,000.00" in text and CODE in text
    assert "HT-SM-2019-001" not in text and "868,000.00" not in text
    assert "400,000.00" not in text and "台账齐全" not in text and "85.00" not in text
    assert f'href="/projects/{CODE}' not in text


def test_an_account_without_an_organization_grant_has_no_such_page(
    client: TestClient, session: Session
) -> None:
    project_at(session, "contracted")
    set_passwords(session, OFFICER.name)
    sign_in(client, OFFICER.name)
    response = client.get("/mine")
    assert response.status_code == 403 and "承接方" in response.text


def test_the_organization_acknowledges_its_assessment_inside_the_window(
    client: TestClient, session: Session
) -> None:
    project_at(session, "assessment_recorded", Plan(assessed_at=days_after(-3)))
    csrf = _as(client, session, QIHANG)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert 'action="/projects/SM-2019-001/assessment/comment"' in page.text
    closes = days_after(11).date()
    assert f"{closes.year}年{closes.month}月{closes.day}日" in page.text
    assert "/assessment/sheet" not in page.text and "finalize_assessment" not in page.text
    done = client.post(
        f"{PAGE}/comment",
        data={"csrf_token": csrf, "text": "服务人次统计口径请再核对", "acknowledged": "true"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    login = organization_actor(QIHANG).name
    assert _comments(session) == [("服务人次统计口径请再核对", True, login, "organization")]
    assert "服务人次统计口径请再核对" in client.get(PAGE).text


def test_an_acknowledgement_without_words_is_recorded_with_a_standard_text(
    client: TestClient, session: Session
) -> None:
    project_at(session, "assessment_recorded")
    csrf = _as(client, session, QIHANG)
    client.post(f"{PAGE}/comment", data={"csrf_token": csrf, "acknowledged": "true"})
    assert [row[:2] for row in _comments(session)] == [("确认无异议", True)]


def test_an_empty_comment_is_shown_beside_its_field_and_changes_nothing(
    client: TestClient, session: Session, engine: Engine
) -> None:
    project_at(session, "assessment_recorded")
    csrf = _as(client, session, QIHANG)
    before = snapshot(session, engine)
    response = client.post(f"{PAGE}/comment", data={"csrf_token": csrf, "text": "  "})
    assert response.status_code == 400 and "必填：请填写意见" in response.text
    hidden = client.post(f"{PAGE}/comment", data={"csrf_token": csrf, "text": "同意\u200f"})
    assert hidden.status_code == 400 and "不可见控制字符" in hidden.text
    assert snapshot(session, engine) == before


def test_after_the_window_the_form_is_gone_and_a_forged_comment_is_refused_unchanged(
    client: TestClient, session: Session, engine: Engine
) -> None:
    project_at(session, "assessment_recorded", Plan(assessed_at=days_after(-20)))
    csrf = _as(client, session, QIHANG)
    page = client.get(PAGE)
    assert "/assessment/comment" not in page.text
    closes = days_after(-6).date()
    assert f"意见期已于 {closes.year}年{closes.month}月{closes.day}日 结束" in page.text
    before = snapshot(session, engine)
    response = client.post(
        f"{PAGE}/comment", data={"csrf_token": csrf, "text": "迟到的意见", "acknowledged": "true"}
    )
    assert response.status_code == 403 and "的意见期已于" in response.text
    assert snapshot(session, engine) == before


def test_a_comment_without_the_form_token_is_refused_and_changes_nothing(
    client: TestClient, session: Session, engine: Engine
) -> None:
    project_at(session, "assessment_recorded")
    _as(client, session, QIHANG)
    before = snapshot(session, engine)
    response = client.post(f"{PAGE}/comment", data={"text": "无异议", "acknowledged": "true"})
    assert response.status_code == 403
    assert snapshot(session, engine) == before


def test_another_organization_cannot_reach_the_first_ones_project_or_assessment(
    client: TestClient, session: Session, engine: Engine
) -> None:
    project_at(session, "assessment_recorded")
    for other in (TONGXIN, RENHE):  # a losing bidder, and one that never bid
        csrf = _as(client, session, other)
        # a bidder reads the project it bid on (its proposal, and the award once made),
        # never the winner's assessment
        overview = 200 if other == TONGXIN else 404
        assert client.get(f"/projects/{CODE}").status_code == overview, other
        for path in (PAGE, f"{PAGE}/template.xlsx"):
            assert client.get(path).status_code == 404, (other, path)
        before = snapshot(session, engine)
        for path, data in (
            (f"{PAGE}/comment", {"text": "冒名意见", "acknowledged": "true"}),
            (f"{PAGE}/sheet", {"c.project_management.score": "20"}),
            (f"/projects/{CODE}/do/record_comment", {"text": "冒名意见"}),
        ):
            response = client.post(path, data={"csrf_token": csrf, **data})
            readable = other == TONGXIN and "/do/" in path  # refused by its grant, not hidden
            assert response.status_code == (403 if readable else 404), (other, path)
        assert snapshot(session, engine) == before


def test_an_assessors_forged_comment_as_the_organization_is_refused_unchanged(
    client: TestClient, session: Session, engine: Engine
) -> None:
    project_at(session, "assessment_recorded")
    set_passwords(session, ASSESSOR.name)
    csrf = sign_in(client, ASSESSOR.name)
    assert "/assessment/comment" not in client.get(PAGE).text
    before = snapshot(session, engine)
    response = client.post(f"{PAGE}/comment", data={"csrf_token": csrf, "acknowledged": "true"})
    assert response.status_code == 403
    assert snapshot(session, engine) == before


def test_an_organizations_hostile_name_is_shown_literally(
    client: TestClient, session: Session
) -> None:
    project_at(session, "assessing")
    uscc = make_uscc("52350203MJ0612345")
    hostile = "<script>alert(1)</script>{{ 7*7 }}\u200f😀"
    registry.register_organization(
        session, registry.OrganizationCreate(uscc, hostile.replace("\u200f", "")), OFFICER
    )
    accounts.add_user(session, uscc.lower(), "恶意名称测试", ADMIN)
    accounts.grant(session, uscc.lower(), "organization", ADMIN, organization=uscc)
    session.commit()
    _as(client, session, uscc)
    page = client.get("/mine")
    assert page.status_code == 200
    assert "<script>alert(1)" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}😀" in page.text


def test_a_losing_bidder_is_led_to_the_award_notice_and_its_objection_while_awarded(
    client: TestClient, session: Session
) -> None:
    project_at(session, "awarded")
    _as(client, session, TONGXIN)
    assert f'href="/projects/{CODE}/objection"' in client.get("/mine").text
    _as(client, session, QIHANG)  # the winner has nothing to object to
    assert f'href="/projects/{CODE}/objection"' not in client.get("/mine").text
