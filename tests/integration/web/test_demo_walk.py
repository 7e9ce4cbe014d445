"""The demo's draft can be walked to a contract and its payments by the demo's own accounts,
each signing in with the demo password and using the project page's forms."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from procure.services.loading.demo import DEMO_DRAFT, DEMO_PASSWORD, open_for_browser, run_demo
from procure.store import queries
from procure.web.app import create_app
from procure.web.settings import WebSettings
from tests.clock import pinned_clock
from tests.integration.web.support import fire_confirmed, sign_in

QIHANG, TONGXIN = "52350203MJ0316852A", "52350203MJ0427391G"
PANEL = ("陈建华", "林晓燕", "黄志明")
SHEET = "\n".join(
    (
        "needs_analysis=9",
        "service_plan=18",
        "outputs_outcomes=9",
        "management_risk=8",
        "team=9",
        "past_performance=8",
        "budget_reasonableness=8",
    )
)


WALKED_FROM = datetime(2020, 2, 25, 2, 0, tzinfo=UTC)
"""10:00 in Beijing on 25 February 2020: the 2020 project is awarded and signed that day
(a signing is on or after its award and not in the future, the service starts after it)."""


@pytest.fixture
def client_in_2020(engine: Engine, database_url: str) -> Iterator[TestClient]:
    """A browser on the app serving the test database, its clock at :data:`WALKED_FROM`."""
    settings = WebSettings(database_url, allowed_hosts=("testserver",))
    app = create_app(settings, clock=pinned_clock(WALKED_FROM))
    with TestClient(app) as browser:
        yield browser
    app.state.writer.dispose()
    app.state.reader.dispose()


def _do(client: TestClient, login: str, trigger: str, **values: str) -> None:
    csrf = sign_in(client, login, DEMO_PASSWORD)
    asked, response = fire_confirmed(
        client, f"/projects/{DEMO_DRAFT.code}/do/{trigger}", {"csrf_token": csrf, **values}
    )
    assert response.status_code == 303, f"{login} {trigger}: {response.text}"
    assert bool(asked) == (trigger in ("award", "sign_contract")), f"{trigger} confirmation"


def test_the_demo_accounts_walk_the_draft_to_a_contract_and_payments(
    client_in_2020: TestClient, session: Session
) -> None:
    client = client_in_2020
    run_demo(session)
    open_for_browser(session)
    _do(client, "李秀梅", "submit")
    _do(client, "张志远", "approve")
    _do(client, "李秀梅", "open_call")
    _do(client, "李秀梅", "add_proposal", organization=QIHANG, price="288000.00")
    _do(client, "李秀梅", "add_proposal", organization=TONGXIN, price="296000.00")
    _do(client, "李秀梅", "close_call")
    for reviewer in PANEL:
        for organization in (QIHANG, TONGXIN):
            _do(client, reviewer, "record_review", organization=organization, scores=SHEET)
    _do(client, "李秀梅", "award", organization=QIHANG)
    _do(
        client,
        "李秀梅",
        "sign_contract",
        number="思总工购〔2020〕10号",
        amount="288000.00",
        start="2020-03-01",
        end="2020-12-31",
        signed_on="2020-02-25",
    )
    _do(client, "李秀梅", "start_service")
    _do(client, "李秀梅", "record_payment", amount="144000.00", paid_on="2020-03-05")
    session.expire_all()
    project = queries.project_by_code(session, DEMO_DRAFT.code)
    assert project.state == "in_service"
    contract = queries.contract_of(session, project)
    assert contract is not None and str(contract.amount) == "288000.00"
    page = client.get(f"/projects/{DEMO_DRAFT.code}")
    assert "144,000.00" in page.text
