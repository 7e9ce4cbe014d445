"""A losing bidder objects (质疑) through its own account; the officer answers on the project
page. Others are refused and nothing changes; the objection is shown literally."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from procure.store import notices, queries
from tests.integration.builders import (
    CODE,
    OFFICER,
    QIHANG,
    RENHE,
    TONGXIN,
    Plan,
    organization_actor,
    project_at,
    snapshot,
)
from tests.integration.web.support import set_passwords, sign_in

PAGE = f"/projects/{CODE}/objection"
OPEN_WINDOW = Plan(award_now=True)
"""Awarded at the tests' moment: the objection window is open now."""
HOSTILE = "<script>alert(1)</script>{{ 7*7 }} 评分有误😀"


def _as(client: TestClient, session: Session, login: str) -> str:
    set_passwords(session, login)
    return sign_in(client, login)


def _objections(session: Session) -> list[tuple[str, str, str | None]]:
    session.expire_all()
    rows = [
        (row.organization.uscc, row.objection.text, row.answer.outcome if row.answer else None)
        for row in notices.objections_of(session, queries.project_by_code(session, CODE))
    ]
    session.commit()  # a SQLite read holds the write lock until its transaction ends
    return rows


def test_a_losing_bidder_objects_through_its_account_and_sees_it_shown_literally(
    client: TestClient, session: Session
) -> None:
    project_at(session, "awarded", OPEN_WINDOW)
    csrf = _as(client, session, organization_actor(TONGXIN).name)

    page = client.get(PAGE)
    assert page.status_code == 200 and "提交质疑" in page.text
    response = client.post(
        PAGE,
        data={"csrf_token": csrf, "organization": TONGXIN, "text": HOSTILE},
        follow_redirects=False,
    )

    assert response.status_code == 303
    assert _objections(session) == [(TONGXIN, HOSTILE, None)]
    shown = client.get(response.headers["location"]).text
    assert "质疑已提交" in shown and "提交质疑 Lodge" not in shown  # once per notice
    assert "<script>alert(1)</script>" not in shown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }} 评分有误😀" in shown


def test_an_objection_without_words_is_shown_beside_its_field_and_changes_nothing(
    client: TestClient, session: Session, engine: Engine
) -> None:
    project_at(session, "awarded", OPEN_WINDOW)
    csrf = _as(client, session, organization_actor(TONGXIN).name)
    before = snapshot(session, engine)

    response = client.post(PAGE, data={"csrf_token": csrf, "organization": TONGXIN, "text": " "})

    assert response.status_code == 400 and "必填：请写明质疑事项" in response.text
    assert snapshot(session, engine) == before


def test_an_objection_without_the_form_token_is_refused_and_changes_nothing(
    client: TestClient, session: Session, engine: Engine
) -> None:
    project_at(session, "awarded", OPEN_WINDOW)
    _as(client, session, organization_actor(TONGXIN).name)
    before = snapshot(session, engine)

    response = client.post(PAGE, data={"organization": TONGXIN, "text": "质疑"})

    assert response.status_code == 403
    assert snapshot(session, engine) == before


def test_the_winner_and_an_organization_that_did_not_bid_have_no_objection_page(
    client: TestClient, session: Session
) -> None:
    project_at(session, "awarded", OPEN_WINDOW)
    set_passwords(session, organization_actor(QIHANG).name, organization_actor(RENHE).name)
    for uscc in (QIHANG, RENHE):
        csrf = sign_in(client, organization_actor(uscc).name)
        assert client.get(PAGE).status_code == 404, uscc
        posted = client.post(PAGE, data={"csrf_token": csrf, "organization": TONGXIN, "text": "x"})
        assert posted.status_code in (403, 404), uscc
    assert _objections(session) == []


def test_the_officer_rejects_the_objection_on_the_project_page_and_may_then_sign(
    client: TestClient, session: Session
) -> None:
    project_at(session, "awarded", OPEN_WINDOW)
    csrf = _as(client, session, organization_actor(TONGXIN).name)
    client.post(PAGE, data={"csrf_token": csrf, "organization": TONGXIN, "text": "报价分有误"})
    client.cookies.clear()
    csrf = _as(client, session, OFFICER.name)
    assert "质疑不成立" in client.get(f"/projects/{CODE}").text

    refused = client.post(
        f"/projects/{CODE}/do/reject_objection",
        data={"csrf_token": csrf, "organization": TONGXIN, "reason": ""},
    )
    answered = client.post(
        f"/projects/{CODE}/do/reject_objection",
        data={"csrf_token": csrf, "organization": TONGXIN, "reason": "经复核，报价分无误"},
        follow_redirects=False,
    )

    assert refused.status_code == 400 and "必填：请写明理由" in refused.text
    assert answered.status_code == 303
    assert _objections(session) == [(TONGXIN, "报价分有误", "rejected")]
