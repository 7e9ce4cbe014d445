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
from procure.services.documents.attach import attach
from procure.services.lifecycle import fire as lc
from procure.services.public import objections
from procure.store import notices, queries
from tests.integration.builders import (
    AUDITOR,
    OFFICER,
    QIHANG,
    RENHE,
    SUPERVISOR,
    TONGXIN,
    Plan,
    create_project,
    drive,
    organization_actor,
    project_at,
)
from tests.integration.documents.files import pdf
from tests.integration.web.support import set_passwords, sign_in

MOST = 10
"""The page's queries, sign-in and authorization included: 35 before issue 25, 20 after its
one-query panel and remembered reads, 28 once the visibility gate (the viewer's moments) and
the corrections and amendments joined the page; 10 with the session, account and grants read
in one query and not again, the project read with its purchaser, award, contract and latest
assessment, the reviews with their proposals, and each lookup answered once a request; 11
with the objections to the award (one query, read only once the project was awarded); 10
again with the objections, their answers and letters read with the project."""


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


def _object_with_letters(session: Session, code: str, uscc: str, letters: int) -> None:
    objections.lodge(session, code, organization_actor(uscc), organization=uscc, text="评分有误")
    session.commit()
    project = queries.project_by_code(session, code)
    lodged = [r for r in notices.objections_of(session, project) if r.organization.uscc == uscc]
    for number in range(1, letters + 1):
        attach(
            session, project_code=code, fact_kind="objection", fact_id=lodged[0].objection.id,
            name=f"质疑函{uscc[-4:]}-{number}.pdf", data=pdf("质疑函"), by=organization_actor(uscc),
        )  # fmt: skip
    session.commit()


def test_the_objections_and_their_letters_are_read_with_the_project_however_many(
    client: TestClient, session: Session
) -> None:
    plan = Plan(
        award_now=True,
        proposals={QIHANG: "868000.00", TONGXIN: "880000.00", RENHE: "890000.00"},
    )
    project_at(session, "awarded", plan)  # 启航 wins; the window open for the other two
    set_passwords(session, AUDITOR.name, organization_actor(QIHANG).name)
    session.commit()
    sign_in(client, AUDITOR.name)  # sees every objection and takes no step (no forms to count)

    _object_with_letters(session, plan.code, TONGXIN, letters=1)
    one = page_queries(client, plan.code)
    _object_with_letters(session, plan.code, RENHE, letters=2)
    two = page_queries(client, plan.code)
    page = client.get(f"/projects/{plan.code}").text
    tab = client.get(f"/projects/{plan.code}/objection").text

    assert one == two, (one, two)
    letters = [f"质疑函{uscc[-4:]}-{n}.pdf" for uscc, n in ((TONGXIN, 1), (RENHE, 1), (RENHE, 2))]
    for shown in (page, tab):  # each letter under its objection, once
        sections = shown.split('id="objection-')
        assert letters[0] in sections[1] and letters[1] in sections[2] and letters[2] in sections[2]
        assert sections[1].count(letters[0]) == 1 and letters[1] not in sections[1]
    sign_in(client, organization_actor(QIHANG).name)  # the winner reads no other's letters
    assert not any(name in client.get(f"/projects/{plan.code}").text for name in letters)
