"""The project page reads the database a fixed number of times, however many proposals,
review sheets, payments, corrections and amendments the project holds (no query per row: an
N+1 fails here)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session

from procure.services.corrections.amend import propose_amendment
from procure.services.corrections.correct import correct
from procure.services.lifecycle import fire as lc
from tests.integration.builders import (
    OFFICER,
    QIHANG,
    RENHE,
    SUPERVISOR,
    TONGXIN,
    Plan,
    create_project,
    drive,
    project_at,
)
from tests.integration.web.support import set_passwords, sign_in

MOST = 11
"""The page's queries, sign-in and authorization included: 35 before issue 25, 20 after its
one-query panel and remembered reads, 28 once the visibility gate (the viewer's moments) and
the corrections and amendments joined the page; 10 with the session, account and grants read
in one query and not again, the project read with its purchaser, award, contract and latest
assessment, the reviews with their proposals, and each lookup answered once a request; 11
with the objections to the award (one query, read only once the project was awarded)."""


@contextmanager
def counted(client: TestClient) -> Iterator[list[str]]:
    """The statements the app's engines run meanwhile (BEGIN and the like left out)."""
    statements: list[str] = []

    def remember(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.split(None, 1)[0].upper() in {"SELECT", "INSERT", "UPDATE", "DELETE"}:
            statements.append(statement)

    engines = (client.app.state.reader, client.app.state.writer)  # type: ignore[attr-defined]
    for engine in engines:
        event.listen(engine, "before_cursor_execute", remember)
    try:
        yield statements
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", remember)


def page_queries(client: TestClient, code: str) -> int:
    assert client.get(f"/projects/{code}").status_code == 200  # the session is touched once
    with counted(client) as statements:
        assert client.get(f"/projects/{code}").status_code == 200
    return len(statements)


def test_the_project_page_reads_as_often_for_many_bids_sheets_payments_and_corrections(
    client: TestClient, session: Session
) -> None:
    small = project_at(session, "in_service")  # two proposals, one payment
    large = Plan(
        code="SM-2019-002",
        proposals={QIHANG: "868000.00", TONGXIN: "880000.00", RENHE: "890000.00"},
    )
    create_project(session, large, title="职工心理关爱")
    drive(session, large, "in_service")
    for day in range(2, 6):
        lc.record_payment(session, large.code, OFFICER, amount="1000.00", paid_on=f"2019-07-0{day}")
    session.commit()
    set_passwords(session, OFFICER.name)
    sign_in(client, OFFICER.name)

    few, many = page_queries(client, small.code), page_queries(client, large.code)
    for tranche in ("1", "2"):
        note = {"note": f"第{tranche}笔"}
        correct(session, large.code, "payment", tranche, note, reason="补注", by=OFFICER.name)
    correct(
        session, large.code, "inspection", "1", {"findings": "台账齐全，活动记录完整"},
        reason="补充", by=SUPERVISOR.name,
    )  # fmt: skip
    propose_amendment(session, large.code, by=OFFICER.name, scope="增加心理咨询", rationale="需求")
    session.commit()
    changed = page_queries(client, large.code)
    shown = client.get(f"/projects/{large.code}").text
    assert "补注" in shown and "增加心理咨询" in shown  # the officer sees every change

    assert few == many == changed
    assert many <= MOST, many
