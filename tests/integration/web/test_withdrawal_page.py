"""An organization withdraws its own proposal from 我的项目 before the call closes, through a
confirmation page (issue 21, item 2); another organization, a forged or altered form, and
a withdrawal after the call closed change nothing, and the refusal names the rule."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from procure.store import audit, queries
from tests.integration.builders import (
    CODE,
    QIHANG,
    RENHE,
    TONGXIN,
    organization_actor,
    project_at,
    snapshot,
)
from tests.integration.web.support import confirm_form, fire_confirmed, set_passwords, sign_in

WITHDRAW = f"/projects/{CODE}/withdraw"


def _organization(client: TestClient, session: Session, uscc: str = TONGXIN) -> str:
    login = organization_actor(uscc).name
    set_passwords(session, login)
    return sign_in(client, login)


def _proposers(session: Session) -> set[str]:
    session.expire_all()
    project = queries.project_by_code(session, CODE)
    found = {
        uscc
        for uscc in (QIHANG, TONGXIN)
        if queries.proposal_of(session, project, uscc) is not None
    }
    session.commit()  # a SQLite read holds the write lock until its transaction ends
    return found


def test_an_organization_withdraws_its_proposal_from_its_page_after_confirming(
    client: TestClient, session: Session
) -> None:
    project_at(session, "soliciting")
    csrf = _organization(client, session)
    mine = client.get("/mine").text
    assert f'action="{WITHDRAW}"' in mine and "撤回申报" in mine

    asked, done = fire_confirmed(client, WITHDRAW, {"csrf_token": csrf, "organization": TONGXIN})

    assert "撤回申报方案" in asked and "880,000.00" in asked and "不能恢复" in asked
    assert done.status_code == 303 and done.headers["location"] == "/mine?done=withdrawn"
    assert "已撤回申报方案" in client.get(done.headers["location"]).text
    assert _proposers(session) == {QIHANG}
    assert audit.rows_for_project(session, CODE)[-1].trigger == "withdraw_proposal"
    session.commit()


def test_a_bidder_is_offered_its_withdrawal_on_the_project_page_in_chinese_and_confirms_it(
    client: TestClient, session: Session
) -> None:
    project_at(session, "soliciting")
    csrf = _organization(client, session)
    page = client.get(f"/projects/{CODE}").text
    start = page.index('id="actions"')
    actions = page[start : page.index("</section>", start)]

    assert f'action="{WITHDRAW}"' in actions and f'value="{TONGXIN}"' in actions
    assert "撤回申报方案" in actions and "确认页" in actions and "目前没有" not in actions
    assert "暂不可办理" not in actions and "role" not in actions  # nothing blocked, no codes
    asked, done = fire_confirmed(client, WITHDRAW, {"csrf_token": csrf, "organization": TONGXIN})
    assert "撤回申报方案" in asked and "880,000.00" in asked
    assert done.status_code == 303 and _proposers(session) == {QIHANG}


def test_an_organization_that_did_not_bid_is_offered_no_withdrawal(
    client: TestClient, session: Session
) -> None:
    project_at(session, "soliciting")
    _organization(client, session, RENHE)
    page = client.get(f"/projects/{CODE}")

    assert page.status_code in (200, 404)  # 404: it may not even see the project
    assert f'action="{WITHDRAW}"' not in page.text and "撤回申报方案" not in page.text


def test_the_first_post_only_asks_and_an_altered_confirmation_is_asked_again(
    client: TestClient, session: Session, engine: Engine
) -> None:
    project_at(session, "soliciting")
    csrf = _organization(client, session)
    before = snapshot(session, engine)

    asked = client.post(WITHDRAW, data={"csrf_token": csrf, "organization": TONGXIN})
    altered = {**confirm_form(asked.text), "organization": QIHANG}
    again = client.post(WITHDRAW, data=altered, follow_redirects=False)
    no_token = client.post(WITHDRAW, data={"organization": TONGXIN})

    assert asked.status_code == 200 and 'id="confirm-form"' in asked.text
    assert again.status_code == 403  # qihang is not this account's organization
    assert no_token.status_code in (400, 403)
    assert snapshot(session, engine) == before


def test_an_organization_cannot_withdraw_another_organizations_proposal(
    client: TestClient, session: Session, engine: Engine
) -> None:
    project_at(session, "soliciting")
    csrf = _organization(client, session, QIHANG)
    before = snapshot(session, engine)

    refused = client.post(WITHDRAW, data={"csrf_token": csrf, "organization": TONGXIN})

    assert refused.status_code == 403 and "只能撤回本组织" in refused.text
    assert snapshot(session, engine) == before


def test_after_the_call_closed_the_withdrawal_is_refused_with_the_rule(
    client: TestClient, session: Session, engine: Engine
) -> None:
    project_at(session, "reviewing")
    csrf = _organization(client, session)
    before = snapshot(session, engine)

    mine = client.get("/mine").text
    late = client.post(WITHDRAW, data={"csrf_token": csrf, "organization": TONGXIN})

    assert f'action="{WITHDRAW}"' not in mine
    assert f'action="{WITHDRAW}"' not in client.get(f"/projects/{CODE}").text
    assert late.status_code == 403 and "征集已截止" in late.text and "征集中" in late.text
    assert snapshot(session, engine) == before
