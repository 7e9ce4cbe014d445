"""A losing bidder objects (质疑) through its own account; the officer answers on the project
page. Others are refused and nothing changes; the objection is shown literally."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from procure.services.lifecycle import fire as lc
from procure.services.lifecycle.project_actions import actions_for
from procure.store import accounts, notices, queries
from tests.integration.builders import (
    CODE,
    OFFICER,
    QIHANG,
    RENHE,
    TONGXIN,
    Plan,
    drive,
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
    assert "质疑已提交" in shown and ">提交质疑</button>" not in shown  # once per notice
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


def _objected(client: TestClient, session: Session) -> str:
    """TONGXIN objects through its account to the award to QIHANG; the officer signs in."""
    project_at(session, "awarded", OPEN_WINDOW)
    csrf = _as(client, session, organization_actor(TONGXIN).name)
    client.post(PAGE, data={"csrf_token": csrf, "organization": TONGXIN, "text": "报价分有误"})
    client.cookies.clear()
    return _as(client, session, OFFICER.name)


def _details(page: str, trigger: str) -> str:
    found = re.search(rf'<details[^>]*id="do-{trigger}".*?</details>', page, re.S)
    return found.group(0) if found else ""


def test_the_officer_reads_the_objection_and_its_answer_deadline_on_both_of_her_pages(
    client: TestClient, session: Session
) -> None:
    _objected(client, session)

    for url in (f"/projects/{CODE}", PAGE):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "报价分有误" in page.text and "<strong>待答复</strong>（答复期限" in page.text, url
    assert (
        f'href="/projects/{CODE}/objection">公示与质疑</a>' in client.get(f"/projects/{CODE}").text
    )


def test_the_answer_forms_name_only_the_objectors_never_the_winner(
    client: TestClient, session: Session
) -> None:
    _objected(client, session)

    page = client.get(f"/projects/{CODE}").text

    for trigger in ("reject_objection", "uphold_objection"):
        form = _details(page, trigger)
        assert f'<option value="{TONGXIN}"' in form, trigger
        assert QIHANG not in form, trigger  # the winner did not object
    assert "do-lodge_objection" not in page  # the only bidder that lost has objected


def test_no_answer_form_is_offered_while_no_objection_waits(
    client: TestClient, session: Session
) -> None:
    project_at(session, "reviewing", OPEN_WINDOW)  # under review, before any award
    _as(client, session, OFFICER.name)
    before_award = client.get(f"/projects/{CODE}").text
    drive(session, OPEN_WINDOW, "awarded", start="reviewing")
    awarded = client.get(f"/projects/{CODE}").text

    for page in (before_award, awarded):
        assert "uphold_objection" not in page and "reject_objection" not in page
    recorded = _details(awarded, "lodge_objection")  # an officer records a bidder's letter
    assert f'<option value="{TONGXIN}"' in recorded and QIHANG not in recorded  # not the winner
    assert "公示与质疑" not in before_award and "公示与质疑" in awarded


def test_a_waiting_objection_puts_the_project_in_the_officers_list_until_answered(
    client: TestClient, session: Session
) -> None:
    csrf = _objected(client, session)
    waiting = client.get("/dashboard").text
    client.post(
        f"/projects/{CODE}/do/reject_objection",
        data={"csrf_token": csrf, "organization": TONGXIN, "reason": "经复核，报价分无误"},
    )
    answered = client.get("/dashboard").text

    assert f'<a href="/projects/{CODE}#objections">答复质疑</a>（答复期限' in waiting
    assert "答复质疑" not in answered


def test_a_renewed_contracts_next_project_offers_no_objection_step_and_no_notice_tab(
    client: TestClient, session: Session
) -> None:
    project_at(session, "assessed")
    lc.renew(session, CODE, OFFICER)  # the 2020 project: awarded with the terms carried
    session.commit()
    _as(client, session, OFFICER.name)

    page = client.get("/projects/SM-2020-001").text

    assert "已中选" in page and 'id="do-sign_contract"' in page
    for step in ("lodge_objection", "uphold_objection", "reject_objection"):
        assert f"do-{step}" not in page, step  # no notice: nothing to object to or answer
    assert 'href="/projects/SM-2020-001/objection"' not in page  # nor a tab to read one
    assert 'value="868,000.00"' in page  # the amount carried forward, to sign


def test_the_winners_account_is_offered_no_objection_form_naming_another_bidder(
    client: TestClient, session: Session
) -> None:
    project_at(session, "awarded", OPEN_WINDOW)  # awarded to QIHANG; TONGXIN lost
    _as(client, session, organization_actor(QIHANG).name)

    page = client.get(f"/projects/{CODE}").text

    assert "do-lodge_objection" not in page  # no own organization of the winner may object
    assert TONGXIN not in page.split('id="actions"')[-1].split("</section>")[0]


def test_an_organizations_objection_picker_lists_only_its_own_organization(
    session: Session,
) -> None:
    project_at(session, "awarded", OPEN_WINDOW)
    user = accounts.user_by_login(session, organization_actor(TONGXIN).name)
    assert user is not None

    forms = {f.trigger: f for f in actions_for(session, CODE, user, roles=["organization"])}

    lodge = forms["lodge_objection"]
    assert lodge.allowed and lodge.role == "organization"
    assert [c[0] for f in lodge.fields if f.name == "organization" for c in f.choices] == [TONGXIN]
