"""Corrections and amendments in the browser: the forms on the project page, the old value
struck through with its reason, four eyes, and refusals that store nothing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from procure.services.lifecycle import fire as lc
from procure.services.trail.check import trail_differences
from tests.integration.builders import (
    CODE,
    LEADER,
    OFFICER,
    SUPERVISOR,
    project_at,
    snapshot,
)
from tests.integration.web.support import fire_confirmed, set_passwords, sign_in


@pytest.fixture
def in_service(session: Session) -> Session:
    project_at(session, "in_service")
    set_passwords(session, OFFICER.name, LEADER.name, SUPERVISOR.name)
    return session


def test_a_wrong_inspection_date_is_corrected_in_the_browser_and_stays_visible_struck_through(
    client: TestClient, in_service: Session
) -> None:
    lc.record_inspection(in_service, CODE, SUPERVISOR, inspected_on="2019-06-15", findings="查")
    csrf = sign_in(client, SUPERVISOR.name)
    assert f'action="/projects/{CODE}/correct"' in client.get(f"/projects/{CODE}").text
    asked, done = fire_confirmed(
        client,
        f"/projects/{CODE}/correct",
        {"csrf_token": csrf, "field": "inspection.inspected_on", "record": "2",
         "value": "2019-09-15", "reason": "日期录入错误"},
    )  # fmt: skip
    assert "2019-06-15 → 2019-09-15" in asked and done.status_code == 303
    page = client.get(f"/projects/{CODE}").text
    assert "<del>2019-06-15</del> → <ins>2019-09-15</ins>" in page
    assert "日期录入错误" in page and "更正记录" in page
    assert trail_differences(in_service) == []


def test_a_payment_amount_waits_for_the_leader_who_approves_it_on_the_page(
    client: TestClient, in_service: Session
) -> None:
    csrf = sign_in(client, OFFICER.name)
    fire_confirmed(
        client,
        f"/projects/{CODE}/correct",
        {"csrf_token": csrf, "field": "payment.amount", "record": "1",
         "value": "40000", "reason": "多录一个零"},
    )  # fmt: skip
    assert "待分管领导审批" in client.get(f"/projects/{CODE}").text
    own = client.post(f"/projects/{CODE}/corrections/1/approve", data={"csrf_token": csrf})
    assert own.status_code == 403  # the officer holds no leader grant
    csrf = sign_in(client, LEADER.name)
    _, approved = fire_confirmed(
        client, f"/projects/{CODE}/corrections/1/approve", {"csrf_token": csrf}
    )
    assert approved.status_code == 303
    page = client.get(f"/projects/{CODE}").text
    assert "<del>400000.00</del> → <ins>40000.00</ins>" in page and "张志远 审批" in page


def test_an_amendment_is_proposed_and_approved_through_the_forms(
    client: TestClient, in_service: Session
) -> None:
    csrf = sign_in(client, OFFICER.name)
    fire_confirmed(
        client,
        f"/projects/{CODE}/amend",
        {"csrf_token": csrf, "amount": "500000", "rationale": "服务对象减少"},
    )
    csrf = sign_in(client, LEADER.name)
    fire_confirmed(client, f"/projects/{CODE}/amendments/1/approve", {"csrf_token": csrf})
    page = client.get(f"/projects/{CODE}").text
    assert "合同金额：<del>868000.00</del> → <ins>500000.00</ins>" in page
    assert "500,000.00" in page or "500000.00" in page


def test_a_refused_correction_says_why_and_stores_nothing(
    client: TestClient, in_service: Session, engine: Engine
) -> None:
    csrf = sign_in(client, SUPERVISOR.name)
    before = recorded(in_service, engine)
    refused = client.post(
        f"/projects/{CODE}/correct",
        data={"csrf_token": csrf, "field": "inspection.inspected_on", "record": "1",
              "value": "2021-06-15", "reason": "改"},
    )  # fmt: skip
    assert refused.status_code in (400, 403)
    assert "不在服务期" in refused.text and 'id="confirm-form"' not in refused.text
    without_token = client.post(
        f"/projects/{CODE}/correct",
        data={"field": "inspection.findings", "record": "1", "value": "x", "reason": "r"},
    )
    assert without_token.status_code in (400, 403)
    assert recorded(in_service, engine) == before


def recorded(session: Session, engine: Engine) -> list[object]:
    """The tables a correction writes (sign-in writes its own session rows)."""
    kept = {"correction", "inspection", "transition_log", "audit_head"}
    return [table for table in snapshot(session, engine) if table[0] in kept]


def test_the_winning_organization_reads_the_correction_its_record_shows_and_gets_no_form(
    client: TestClient, in_service: Session
) -> None:
    from procure.services.corrections.correct import correct
    from tests.integration.builders import QIHANG, organization_actor

    reason = "补记拨付说明（更正理由）"
    correct(in_service, CODE, "payment", "1", {"note": "首期"}, reason=reason, by=OFFICER.name)
    login = organization_actor(QIHANG).name
    set_passwords(in_service, login)
    sign_in(client, login)
    page = client.get(f"/projects/{CODE}")
    assert page.status_code == 200
    assert reason in page.text  # visibility.yaml: correction, own_organization: after_contract
    assert "/correct" not in page.text
