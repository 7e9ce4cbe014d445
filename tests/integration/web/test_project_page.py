"""The project page: what is recorded, and one form per trigger the account may fire now."""

from __future__ import annotations

from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from procure.services.accounts import manage as accounts
from procure.services.lifecycle import registry
from procure.store import queries
from tests.integration.builders import (
    ADMIN,
    ASSESSOR,
    AUDITOR,
    CODE,
    LEADER,
    OFFICER,
    QIHANG,
    RENHE,
    REVIEWERS,
    TONGXIN,
    Plan,
    create_project,
    drive,
    organization_actor,
    snapshot,
)
from tests.integration.web.support import confirm_form, set_passwords, sign_in


def _state(session: Session, code: str = CODE) -> str:
    session.expire_all()
    state = queries.project_by_code(session, code).state
    session.commit()  # a SQLite read holds the write lock until its transaction ends
    return state


def test_an_officer_sees_a_form_for_submit_on_a_draft(
    client: TestClient, registered: Session
) -> None:
    set_passwords(registered, OFFICER.name)
    sign_in(client, OFFICER.name)
    page = client.get(f"/projects/{CODE}")
    assert page.status_code == 200
    assert f'action="/projects/{CODE}/do/submit"' in page.text
    assert "申报立项" in page.text or "submit" in page.text


def test_a_leader_sees_submit_named_once_with_the_role_that_takes_it(
    client: TestClient, registered: Session
) -> None:
    set_passwords(registered, LEADER.name)
    sign_in(client, LEADER.name)
    page = client.get(f"/projects/{CODE}")
    assert 'action="/projects/SM-2019-001/do/submit"' not in page.text
    assert "由其他角色办理：提交立项申报（项目干事）" in page.text
    assert 'id="blocked-submit"' not in page.text  # not listed as if it were the leader's


def test_the_officer_submits_and_the_leader_approves_through_the_forms(
    client: TestClient, registered: Session
) -> None:
    set_passwords(registered, OFFICER.name, LEADER.name)
    csrf = sign_in(client, OFFICER.name)
    done = client.post(
        f"/projects/{CODE}/do/submit", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"] == f"/projects/{CODE}?done=submit"
    assert _state(registered) == "proposed"
    csrf = sign_in(client, LEADER.name)
    client.post(f"/projects/{CODE}/do/approve", data={"csrf_token": csrf})
    assert _state(registered) == "approved"


def test_a_post_without_the_form_token_is_refused_and_changes_nothing(
    client: TestClient, registered: Session, engine: Engine
) -> None:
    set_passwords(registered, OFFICER.name)
    sign_in(client, OFFICER.name)
    before = snapshot(registered, engine)
    response = client.post(f"/projects/{CODE}/do/submit", data={})
    assert response.status_code == 403
    assert snapshot(registered, engine) == before


def test_an_auditors_forged_post_is_refused_with_the_database_unchanged(
    client: TestClient, registered: Session, engine: Engine
) -> None:
    set_passwords(registered, AUDITOR.name)
    csrf = sign_in(client, AUDITOR.name)
    page = client.get(f"/projects/{CODE}")
    assert "/do/" not in page.text  # an auditor is offered no action
    before = snapshot(registered, engine)
    response = client.post(f"/projects/{CODE}/do/submit", data={"csrf_token": csrf})
    assert response.status_code == 403
    assert snapshot(registered, engine) == before


def test_a_bad_payment_amount_is_shown_beside_its_field_and_changes_nothing(
    client: TestClient, registered: Session, engine: Engine
) -> None:
    drive(registered, Plan(), "in_service", start="draft")
    set_passwords(registered, OFFICER.name)
    csrf = sign_in(client, OFFICER.name)
    before = snapshot(registered, engine)
    response = client.post(
        f"/projects/{CODE}/do/record_payment",
        data={"csrf_token": csrf, "amount": "12万", "paid_on": "2019-04-01"},
    )
    assert response.status_code == 400
    assert "请填写金额" in response.text
    assert 'value="12万"' in response.text  # the value typed is kept for correcting
    assert snapshot(registered, engine) == before


def test_a_station_officer_cannot_open_or_act_on_another_stations_project(
    client: TestClient, registered: Session, engine: Engine
) -> None:
    registry.add_purchaser(
        registered, registry.PurchaserCreate("SM-WC", "梧村街道", "500000.00", "SM-FED"), OFFICER
    )
    accounts.add_user(registered, "wc-officer", "梧村干事", ADMIN)
    accounts.grant(registered, "wc-officer", "officer", ADMIN, purchaser="SM-WC")
    registered.commit()
    set_passwords(registered, "wc-officer")
    csrf = sign_in(client, "wc-officer")
    assert client.get(f"/projects/{CODE}").status_code == 404
    before = snapshot(registered, engine)
    assert client.post(f"/projects/{CODE}/do/submit", data={"csrf_token": csrf}).status_code == 404
    assert snapshot(registered, engine) == before


def test_hostile_names_are_shown_literally(client: TestClient, registered: Session) -> None:
    hostile = "<script>alert(1)</script>{{ 7*7 }}\u202e😀"
    registry.create_project(
        registered,
        registry.ProjectCreate(
            "SM-2019-066", 2019, "SM-FED", hostile.replace("\u202e", ""), "1000.00"
        ),
        OFFICER,
    )
    registered.commit()
    set_passwords(registered, OFFICER.name)
    sign_in(client, OFFICER.name)
    page = client.get("/projects/SM-2019-066")
    assert "<script>alert(1)" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}😀" in page.text


def test_a_reviewer_and_an_assessor_are_sent_to_their_sheets_and_an_officer_keeps_the_form(
    client: TestClient, registered: Session
) -> None:
    drive(registered, Plan(), "reviewing")
    small = {"budget": "500000.00", "contract_amount": "480000.00"}
    assessing = Plan(code="SM-2019-092", proposals={QIHANG: "480000.00"}, **small)
    drive(registered, create_project(registered, assessing), "assessing")
    set_passwords(registered, REVIEWERS[0].name, ASSESSOR.name, OFFICER.name)

    sign_in(client, REVIEWERS[0].name)
    page = client.get(f"/projects/{CODE}").text
    assert f'<a href="/projects/{CODE}/panel/sheet">去评分</a>' in page
    assert "/do/record_review" not in page and "/do/record_recusal" not in page
    sign_in(client, ASSESSOR.name)
    page = client.get(f"/projects/{assessing.code}").text
    assert f'<a href="/projects/{assessing.code}/assessment">去考核评分' in page
    assert "/do/record_assessment" not in page
    sign_in(client, OFFICER.name)  # records a reviewer's recusal on their behalf: the form
    page = client.get(f"/projects/{CODE}").text
    assert f'action="/projects/{CODE}/do/record_recusal"' in page
    assert "去评分" not in page


def test_the_proposal_picker_offers_every_organization_yet_to_propose_once_one_has(
    client: TestClient, registered: Session
) -> None:
    drive(registered, Plan(proposals={QIHANG: "800000.00"}), "soliciting")
    set_passwords(registered, OFFICER.name)
    sign_in(client, OFFICER.name)
    page = client.get(f"/projects/{CODE}")
    picker = page.text.split('id="add_proposal-organization"', 1)[1].split("</select>", 1)[0]
    for uscc in (TONGXIN, RENHE):
        assert f'value="{uscc}"' in picker, uscc
    assert f'value="{QIHANG}"' not in picker  # it has proposed: a second one is refused anyway
    recusal = page.text.split('id="record_recusal-organization"', 1)[1].split("</select>", 1)[0]
    assert f'value="{QIHANG}"' in recusal and f'value="{TONGXIN}"' not in recusal  # proposers


def test_right_after_submitting_no_form_opens_by_itself_and_the_leaders_step_is_named(
    client: TestClient, registered: Session
) -> None:
    set_passwords(registered, OFFICER.name)
    csrf = sign_in(client, OFFICER.name)
    client.post(f"/projects/{CODE}/do/submit", data={"csrf_token": csrf})

    page = client.get(f"/projects/{CODE}?done=submit").text

    assert '<details class="action" id="do-cancel">' in page  # folded: cancelling ends it
    assert "由其他角色办理：批准立项（分管领导）、不予立项（分管领导）" in page
    assert 'id="blocked-approve"' not in page


def test_a_bidder_is_not_shown_the_steps_it_can_never_take(
    client: TestClient, registered: Session
) -> None:
    drive(registered, Plan(), "in_service")
    winner = organization_actor(QIHANG).name
    set_passwords(registered, winner)
    sign_in(client, winner)

    page = client.get(f"/projects/{CODE}").text

    assert 'id="blocked-' not in page and "由其他角色办理" not in page
    assert "你没有" not in page and "none" not in page


def test_the_signing_form_starts_with_the_awarded_price_and_takes_it_with_separators(
    client: TestClient, registered: Session, engine: Engine
) -> None:
    drive(registered, Plan(), "awarded")
    set_passwords(registered, OFFICER.name)
    csrf = sign_in(client, OFFICER.name)

    page = client.get(f"/projects/{CODE}").text
    asked = client.post(
        f"/projects/{CODE}/do/sign_contract",
        data={
            "csrf_token": csrf,
            "number": "HT-2019-001",
            "amount": "868,000.00",
            "start": "2019-03-01",
            "end": "2019-12-31",
            "signed_on": "2019-02-25",
        },
    )

    assert 'name="amount" value="868,000.00"' in page  # the winner's price (QIHANG)
    assert "单位：元，可带千位分隔符" in page
    assert asked.status_code == 200 and "¥868,000.00" in asked.text  # the confirmation page
    signed = client.post(f"/projects/{CODE}/do/sign_contract", data=confirm_form(asked.text))
    assert signed.status_code == 200 and _state(registered) == "contracted"


def test_a_payment_written_with_thousands_separators_is_recorded(
    client: TestClient, registered: Session
) -> None:
    drive(registered, Plan(), "in_service")
    set_passwords(registered, OFFICER.name)
    csrf = sign_in(client, OFFICER.name)

    response = client.post(
        f"/projects/{CODE}/do/record_payment",
        data={"csrf_token": csrf, "amount": "120,000.00", "paid_on": "2019-04-01"},
        follow_redirects=False,
    )

    assert response.status_code == 303
    registered.expire_all()
    contract = queries.contract_of(registered, queries.project_by_code(registered, CODE))
    assert contract is not None
    assert queries.payments_made(registered, contract)[1] == Decimal("520000.00")
    registered.commit()


def test_an_officer_picks_the_recused_reviewer_from_the_panel_by_name(
    client: TestClient, registered: Session
) -> None:
    drive(registered, Plan(), "reviewing")
    set_passwords(registered, OFFICER.name)
    sign_in(client, OFFICER.name)

    page = client.get(f"/projects/{CODE}").text
    picker = page.split('id="record_recusal-reviewer"', 1)[1].split("</select>", 1)[0]

    for reviewer in REVIEWERS:
        assert f'<option value="{reviewer.name}">{reviewer.name}</option>' in picker
    assert OFFICER.name not in picker  # not a reviewer


def test_the_audit_trail_tab_is_offered_only_to_those_who_may_open_it(
    client: TestClient, registered: Session
) -> None:
    set_passwords(registered, OFFICER.name, AUDITOR.name)
    sign_in(client, OFFICER.name)
    officer = client.get(f"/projects/{CODE}").text
    refused = client.get(f"/audit?project={CODE}")
    sign_in(client, AUDITOR.name)
    auditor = client.get(f"/projects/{CODE}").text

    assert refused.status_code == 403 and 'href="/audit' not in officer
    assert f'href="/audit?project={CODE}"' in auditor
