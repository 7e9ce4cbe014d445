"""Steps that cannot be undone are confirmed on a page of their own (issue 21): the first
POST of the form (a click, or Enter in a text field) only shows what will happen and what
cannot be undone; the step fires from that page's form, whose token is bound to the
session, the project's version and every value. A forged or stale POST changes nothing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from procure.store import queries
from tests.integration.builders import (
    ASSESSMENT_FAIL,
    CODE,
    OFFICER,
    Plan,
    project_at,
    snapshot,
)
from tests.integration.web.support import confirm_form, fire_confirmed, set_passwords, sign_in

SIGN = f"/projects/{CODE}/do/sign_contract"
CONTRACT = {
    "number": "思总工购〔2019〕1号",
    "amount": "868000.00",
    "start": "2019-03-01",
    "end": "2019-12-31",
    "signed_on": "2019-02-25",
}


def _officer(client: TestClient, session: Session) -> str:
    set_passwords(session, OFFICER.name)
    return sign_in(client, OFFICER.name)


def _awarded(session: Session) -> Session:
    project_at(session, "awarded")  # awarded on 2019-02-20
    return session


def test_enter_in_the_contract_number_field_shows_the_confirmation_and_signs_nothing(
    client: TestClient, session: Session, engine: Engine
) -> None:
    csrf = _officer(client, _awarded(session))
    before = snapshot(session, engine)

    # Enter in a text field submits its form as it stands: the same POST as the button.
    asked = client.post(SIGN, data={"csrf_token": csrf, "fire": "sign_contract", **CONTRACT})

    assert asked.status_code == 200 and 'id="confirm-form"' in asked.text
    assert "请确认：签订合同" in asked.text
    restated = {**CONTRACT, "amount": "¥868,000.00"}  # money as the pages write it
    for value in restated.values():
        assert value in asked.text  # each value restated
    assert "不能撤销" in asked.text and "只能另行更正或变更" in asked.text
    assert snapshot(session, engine) == before  # no contract, no state, no audit row


def test_the_confirmation_page_signs_with_exactly_the_values_it_restated(
    client: TestClient, session: Session
) -> None:
    csrf = _officer(client, _awarded(session))

    asked, signed = fire_confirmed(client, SIGN, {"csrf_token": csrf, **CONTRACT})

    assert asked and signed.status_code == 303
    project = queries.project_by_code(session, CODE)
    contract = queries.contract_of(session, project)
    assert project.state == "contracted" and contract is not None
    assert contract.number == CONTRACT["number"]
    session.commit()


@pytest.mark.parametrize(
    "forged",
    [
        {"confirm": "1"},
        {"confirm": "0" * 64},
        {"number": "思总工购〔2019〕99号"},  # a real token, for other values
        {"amount": "1.00"},
    ],
)
def test_a_forged_or_altered_confirmation_signs_nothing(
    client: TestClient, session: Session, engine: Engine, forged: dict[str, str]
) -> None:
    csrf = _officer(client, _awarded(session))
    confirmed = confirm_form(client.post(SIGN, data={"csrf_token": csrf, **CONTRACT}).text)
    before = snapshot(session, engine)

    answer = client.post(SIGN, data={**confirmed, **forged}, follow_redirects=False)

    assert answer.status_code == 200 and 'id="confirm-form"' in answer.text
    assert snapshot(session, engine) == before


def test_a_confirmation_from_another_session_or_before_a_change_signs_nothing(
    client: TestClient, session: Session, engine: Engine
) -> None:
    csrf = _officer(client, _awarded(session))
    confirmed = confirm_form(client.post(SIGN, data={"csrf_token": csrf, **CONTRACT}).text)
    client.cookies.clear()
    csrf = sign_in(client, OFFICER.name)
    before = snapshot(session, engine)

    again = client.post(SIGN, data={**confirmed, "csrf_token": csrf}, follow_redirects=False)

    assert again.status_code == 200 and 'id="confirm-form"' in again.text
    assert snapshot(session, engine) == before


def test_a_confirmation_without_the_csrf_token_is_refused(
    client: TestClient, session: Session, engine: Engine
) -> None:
    csrf = _officer(client, _awarded(session))
    confirmed = confirm_form(client.post(SIGN, data={"csrf_token": csrf, **CONTRACT}).text)
    del confirmed["csrf_token"]
    before = snapshot(session, engine)

    assert client.post(SIGN, data=confirmed).status_code == 403
    assert snapshot(session, engine) == before


def test_a_step_that_would_be_refused_says_so_before_any_confirmation(
    client: TestClient, session: Session, engine: Engine
) -> None:
    csrf = _officer(client, _awarded(session))
    before = snapshot(session, engine)

    refused = client.post(SIGN, data={"csrf_token": csrf, **CONTRACT, "signed_on": "2018-02-25"})

    assert refused.status_code == 403 and 'id="confirm-form"' not in refused.text
    assert "签订日期 2018-02-25 早于中选公示日 2019-02-20" in refused.text
    assert snapshot(session, engine) == before


def test_dropping_is_confirmed_with_its_reason_and_the_bar_it_brings(
    client: TestClient, session: Session
) -> None:
    project_at(session, "assessed", Plan(assessment=ASSESSMENT_FAIL))
    csrf = _officer(client, session)

    asked, dropped = fire_confirmed(
        client, f"/projects/{CODE}/do/drop", {"csrf_token": csrf, "reason": "考核不合格"}
    )

    assert "考核不合格" in asked and "限制名单" in asked
    assert dropped.status_code == 303
    assert queries.project_by_code(session, CODE).state == "dropped"
    session.commit()


def test_a_step_that_can_be_undone_needs_no_confirmation(
    client: TestClient, session: Session
) -> None:
    project_at(session, "contracted")
    csrf = _officer(client, session)

    asked, started = fire_confirmed(
        client, f"/projects/{CODE}/do/start_service", {"csrf_token": csrf}
    )

    assert asked == "" and started.status_code == 303
    assert queries.project_by_code(session, CODE).state == "in_service"
    session.commit()


def test_the_project_page_says_which_forms_ask_for_a_confirmation(
    client: TestClient, session: Session
) -> None:
    csrf = _officer(client, _awarded(session))
    assert csrf

    page = client.get(f"/projects/{CODE}").text
    sign_form = page[page.index('id="do-sign_contract"') :].split("</details>", 1)[0]

    assert "下一步将显示确认页" in sign_form
