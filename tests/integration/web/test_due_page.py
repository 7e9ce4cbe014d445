"""The due page: the deadlines the signed-in account must act on, as ``procure due --as``."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.integration.builders import CODE, LEADER, OFFICER, Plan, drive
from tests.integration.web.support import set_passwords, sign_in


def test_the_officer_sees_the_open_call_due_and_the_leader_does_not(
    client: TestClient, registered: Session
) -> None:
    drive(registered, Plan(), "soliciting")
    set_passwords(registered, OFFICER.name, LEADER.name)
    sign_in(client, OFFICER.name)
    page = client.get("/due")
    assert page.status_code == 200
    assert f'href="/projects/{CODE}"' in page.text and "close_call" in page.text
    sign_in(client, LEADER.name)
    assert "没有到期事项" in client.get("/due").text


def test_an_unknown_period_is_refused_in_plain_words(
    client: TestClient, registered: Session
) -> None:
    set_passwords(registered, OFFICER.name)
    sign_in(client, OFFICER.name)
    page = client.get("/due?within=1000")
    assert page.status_code == 400 and "within must be one of" in page.text
