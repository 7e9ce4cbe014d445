"""The demo's draft can be walked to a contract and its payments by the demo's own accounts at
today's date, each signing in with the demo password and using the project page's forms: the
draft is of this year (issue 21), so that its award, signing, service and payment can all be
dated today, as a person walking it in the browser dates them."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from procure.services.lifecycle.clock import now_utc
from procure.services.loading.demo import (
    DEMO_PASSWORD,
    demo_draft,
    draft_year,
    open_for_browser,
    run_demo,
)
from procure.services.loading.replay import BEIJING
from procure.store import queries
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


def _do(client: TestClient, login: str, trigger: str, **values: str) -> None:
    csrf = sign_in(client, login, DEMO_PASSWORD)
    code = demo_draft(draft_year()).code
    asked, response = fire_confirmed(
        client, f"/projects/{code}/do/{trigger}", {"csrf_token": csrf, **values}
    )
    assert response.status_code == 303, f"{login} {trigger}: {response.text}"
    assert bool(asked) == (trigger in ("award", "sign_contract")), f"{trigger} confirmation"


def test_the_demo_accounts_walk_the_draft_to_a_contract_and_payments_today(
    client: TestClient, session: Session
) -> None:
    today = now_utc().astimezone(BEIJING).date()  # the tests' pinned day, as the app's
    run_demo(session)
    open_for_browser(session)
    year = draft_year()
    code = demo_draft(year).code
    assert (year, code) == (today.year, f"SM-{today.year}-010")
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
        number=f"思总工购〔{year}〕10号",
        amount="288000.00",
        start=today.isoformat(),
        end=f"{year}-12-31",
        signed_on=today.isoformat(),
    )
    _do(client, "李秀梅", "start_service")
    _do(client, "李秀梅", "record_payment", amount="144000.00", paid_on=today.isoformat())
    session.expire_all()
    project = queries.project_by_code(session, code)
    assert project.state == "in_service"
    contract = queries.contract_of(session, project)
    assert contract is not None and str(contract.amount) == "288000.00"
    page = client.get(f"/projects/{code}")
    assert "144,000.00" in page.text
