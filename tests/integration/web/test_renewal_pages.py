"""The year-end renewal in the browser: the plan, its confirmation, the apply as a job.

Each test runs on SQLite and PostgreSQL. The year has four contracts: 启航's good one
(renewed), 仁和's failed one (dropped, barring 仁和 from 2020), 仁和's good one (the
policy renews it, but the bar leaves it for the officer's decision) and 同心's, only
contracted (skipped). The job is run here by the backend's own worker.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from procure.jobs.runner import claim
from procure.services.accounts import manage as accounts
from procure.services.lifecycle import fire as lc
from procure.store import queries
from procure.store.job_models import Job
from tests.integration.builders import (
    ADMIN,
    ASSESSMENT_FAIL,
    ASSESSMENT_GOOD,
    AUDITOR,
    OFFICER,
    ORGANIZATIONS,
    QIHANG,
    RENHE,
    TONGXIN,
    Plan,
    create_project,
    drive,
    organization_actor,
    setup_registry,
    snapshot,
)
from tests.integration.jobs.conftest import run_queued
from tests.integration.web.support import form_token, read_in, set_passwords, sign_in

HOSTILE = "<script>alert(1)</script>{{ 7*7 }}仁和🌱"  # a name may not hold U+200F
COUNTS = {"renew": 1, "rectify": 0, "drop": 1, "skip": 1, "decide": 1, "refused": 0}
LONE_ADMIN = "lone-admin"


@pytest.fixture(autouse=True)
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "files"
    monkeypatch.setenv("PROCURE_FILES", str(folder))
    return folder


@pytest.fixture
def year(session: Session) -> Session:
    """The 2019 year of four contracts (see the module's docstring), and passwords."""
    setup_registry(session, funds="9000000.00", organizations={**ORGANIZATIONS, RENHE: HOSTILE})
    renhe: dict[str, Any] = {
        "winner": RENHE,
        "proposals": {RENHE: "868000.00", TONGXIN: "880000.00"},
    }
    plans = [
        (Plan(code="SM-2019-001", assessment=ASSESSMENT_GOOD), "assessed"),
        (Plan(code="SM-2019-002", assessment=ASSESSMENT_FAIL, **renhe), "assessed"),
        (Plan(code="SM-2019-003", assessment=ASSESSMENT_GOOD, **renhe), "assessed"),
        (Plan(code="SM-2019-004", winner=TONGXIN), "contracted"),
    ]
    for plan, stage in plans:
        drive(session, create_project(session, plan), stage)
    accounts.add_user(session, LONE_ADMIN, "只管账户", ADMIN)
    accounts.grant(session, LONE_ADMIN, "admin", ADMIN)
    session.commit()
    set_passwords(session, OFFICER.name, AUDITOR.name, LONE_ADMIN, organization_actor(QIHANG).name)
    return session


def _data(session: Session, engine: Engine) -> list[tuple[str, list[tuple[object, ...]]]]:
    """Every table but the browser sessions (signing in writes those)."""
    signing_in = ("web_session", "app_secret")
    return [table for table in snapshot(session, engine) if table[0] not in signing_in]


def _jobs(session: Session) -> int:
    count = session.exec(select(func.count()).select_from(Job)).one()
    session.commit()
    return count


def _state(session: Session, code: str) -> str:
    state = queries.project_by_code(session, code).state
    session.commit()
    return state


def _counts(html: str) -> dict[str, int]:
    found = re.findall(r'id="count-(\w+)">(\d+)<', html)
    return {action: int(n) for action, n in found}


def _confirm(client: TestClient, purchaser: str = "") -> Any:
    token = form_token(client.get("/renewal?year=2019").text)
    return client.post(
        "/renewal/confirm", data={"csrf_token": token, "year": "2019", "purchaser": purchaser}
    )


def _echoed(confirmation: str) -> dict[str, str]:
    """The fields the confirmation page posts back (token, year, purchaser, counts, digest)."""
    form = confirmation.split('id="apply-form"', 1)[1].split("</form>", 1)[0]
    return dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form))


def _apply(client: TestClient, purchaser: str = "") -> Any:
    fields = _echoed(_confirm(client, purchaser).text)
    return client.post("/renewal/apply", data=fields, follow_redirects=False)


# --- the plan -----------------------------------------------------------------------------


def test_the_form_starts_with_the_year_whose_contracts_wait_for_their_decision(
    client: TestClient, year: Session
) -> None:
    sign_in(client, OFFICER.name)
    field = client.get("/renewal").text.split('id="r-year"', 1)[1].split(">", 1)[0]
    assert 'value="2019"' in field and "placeholder" not in field


def test_the_plan_lists_each_contract_with_its_action_and_reason_and_changes_nothing(
    client: TestClient, year: Session, engine: Engine
) -> None:
    before = _data(year, engine)
    sign_in(client, OFFICER.name)
    page = client.get("/renewal?year=2019")
    assert page.status_code == 200
    assert _counts(page.text) == COUNTS
    assert 'id="to-write">2<' in page.text
    rows = re.findall(r'<tr class="action-(\w+)">\s*<td><a href="[^"]+">([\w-]+)</a>', page.text)
    assert rows == [
        ("renew", "SM-2019-001"),
        ("drop", "SM-2019-002"),
        ("decide", "SM-2019-003"),
        ("skip", "SM-2019-004"),
    ]
    assert "SM-2020-001" in page.text  # the renewal's next-year project
    assert "待决定：按续约政策应续约，但" in page.text and "不得承接" in page.text
    assert "drop --reason &#34;不予续约：次年不得承接&#34;`" in page.text  # the reason to give
    assert "尚未考核：已签约" in page.text
    assert 'id="confirm-form"' in page.text
    assert _data(year, engine) == before


def test_hostile_organization_names_are_shown_literally(client: TestClient, year: Session) -> None:
    sign_in(client, OFFICER.name)
    page = client.get("/renewal?year=2019").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}仁和🌱" in page
    assert "<script>alert" not in page


def test_a_bad_year_is_refused_beside_its_field(client: TestClient, year: Session) -> None:
    sign_in(client, OFFICER.name)
    bad = client.get("/renewal?year=二〇一九")
    assert bad.status_code == 400
    assert "field-error" in bad.text and 'id="plan"' not in bad.text
    assert 'id="plan-form"' in client.get("/renewal").text


# --- apply ----------------------------------------------------------------------------------


def test_the_confirmation_repeats_the_counts(client: TestClient, year: Session) -> None:
    sign_in(client, OFFICER.name)
    confirmation = _confirm(client)
    assert confirmation.status_code == 200
    assert _counts(confirmation.text) == COUNTS
    fields = _echoed(confirmation.text)
    assert {k: int(v) for k, v in fields.items() if k.startswith("count_")} == {
        f"count_{action}": n for action, n in COUNTS.items()
    }
    assert _jobs(year) == 0


def test_apply_runs_as_a_job_and_shows_each_refusal_and_the_audit_batch(
    client: TestClient, year: Session, database_url: str, files: Path
) -> None:
    sign_in(client, OFFICER.name)
    asked = _apply(client)
    assert asked.status_code == 303
    job_url = asked.headers["location"]
    queued = client.get(job_url)
    assert "排队中" in queued.text and 'http-equiv="refresh"' in queued.text
    assert '<progress id="progress" max="2" value="0">' in queued.text
    assert _state(year, "SM-2019-001") == "assessed"  # nothing happens in the request

    run_queued(database_url, files)
    done = client.get(job_url)
    assert "已完成" in done.text and 'http-equiv="refresh"' not in done.text
    assert '<progress id="progress" max="2" value="2">' in done.text
    assert 'id="changed">2 ' in done.text
    refusals = done.text.split('id="refusals"', 1)[1]
    assert "SM-2019-003" in refusals and "待决定：按续约政策应续约" in refusals
    assert "SM-2019-004" not in refusals  # a skipped contract is no refusal
    batch = re.search(r'<span id="batch">(renew-2019-[\w-]+)</span>', done.text)
    assert batch is not None and 'href="/audit' not in done.text  # the officer may not open it
    assert job_url not in client.get("/records").text  # 我的打印任务 lists print jobs only
    assert 'id="download"' not in done.text
    assert [_state(year, c) for c in ("SM-2019-001", "SM-2019-002", "SM-2019-003")] == [
        "renewed",
        "dropped",
        "assessed",
    ]
    assert _state(year, "SM-2020-001") == "awarded"

    client.cookies.clear()
    sign_in(client, AUDITOR.name)
    trail = client.get(f"/audit?batch={batch.group(1)}")
    assert trail.status_code == 200
    assert "SM-2019-001" in trail.text and "SM-2019-002" in trail.text
    assert client.get(job_url).status_code == 404  # an auditor may not renew: not its job


def test_a_second_apply_while_one_is_queued_is_refused_and_links_the_first(
    client: TestClient, year: Session
) -> None:
    sign_in(client, OFFICER.name)
    first = _apply(client).headers["location"]
    again = _apply(client)
    assert again.status_code == 409
    assert 'id="busy"' in again.text
    assert f'id="running-job" href="{first}"' in again.text
    purchaser_only = _apply(client, purchaser="SM-FED")  # overlaps the whole year's run
    assert purchaser_only.status_code == 409
    assert _jobs(year) == 1


def test_a_second_apply_while_one_runs_is_refused(
    client: TestClient, year: Session, database_url: str
) -> None:
    sign_in(client, OFFICER.name)
    first = _apply(client, purchaser="SM-FED").headers["location"]
    job_id = int(first.rsplit("/", 1)[1])
    assert claim(database_url, job_id, worker="elsewhere:1") is not None  # a worker runs it
    again = _apply(client)
    assert again.status_code == 409
    assert "进行中" in again.text and f'href="{first}"' in again.text
    assert _jobs(year) == 1


def test_a_plan_changed_since_the_confirmation_is_not_applied(
    client: TestClient, year: Session
) -> None:
    sign_in(client, OFFICER.name)
    fields = _echoed(_confirm(client).text)
    lc.perform(year, "SM-2019-001", "renew", OFFICER, reason="decided at the meeting")
    year.commit()
    stale = client.post("/renewal/apply", data=fields, follow_redirects=False)
    assert stale.status_code == 409
    assert 'id="stale"' in stale.text
    assert _counts(stale.text) == {**COUNTS, "renew": 0, "skip": 2}
    assert _jobs(year) == 0
    assert _echoed(stale.text)["count_skip"] == "2"  # confirm again with the new counts


def test_an_apply_posted_without_the_confirmation_page_starts_nothing(
    client: TestClient, year: Session
) -> None:
    sign_in(client, OFFICER.name)
    fields = _echoed(_confirm(client).text)
    forged = {k: v for k, v in fields.items() if k != "confirm"}  # counts and digest: public

    for posted in (forged, {**forged, "confirm": "1"}, {**fields, "count_renew": "9"}):
        answer = client.post("/renewal/apply", data=posted, follow_redirects=False)
        assert answer.status_code == 200 and 'id="apply-form"' in answer.text
        assert _jobs(year) == 0
    assert _apply(client).status_code == 303


# --- who may -----------------------------------------------------------------------------


def test_an_auditor_or_an_organization_is_refused_and_nothing_changes(
    client: TestClient, year: Session, engine: Engine
) -> None:
    sign_in(client, OFFICER.name)
    fields = _echoed(_confirm(client).text)
    before = _data(year, engine)
    for login in (AUDITOR.name, organization_actor(QIHANG).name):
        client.cookies.clear()
        token = sign_in(client, login)
        assert client.get("/renewal?year=2019").status_code == 403
        assert client.get("/renewal").status_code == 403
        posted = {**fields, "csrf_token": token}
        assert client.post("/renewal/confirm", data=posted).status_code == 403
        assert client.post("/renewal/apply", data=posted).status_code == 403
    assert _data(year, engine) == before


def test_an_admin_without_an_officer_grant_reads_the_plan_but_may_not_apply(
    client: TestClient, year: Session, engine: Engine
) -> None:
    sign_in(client, OFFICER.name)
    fields = _echoed(_confirm(client).text)
    before = _data(year, engine)
    client.cookies.clear()
    token = sign_in(client, LONE_ADMIN)
    page = client.get("/renewal?year=2019")
    assert page.status_code == 200 and _counts(page.text) == COUNTS
    assert 'id="no-apply"' in page.text and 'id="confirm-form"' not in page.text
    refused = client.post("/renewal/apply", data={**fields, "csrf_token": token})
    assert refused.status_code == 403 and "执行续约需要项目干事授权" in refused.text
    assert (
        f"{LONE_ADMIN}（" in refused.text and "没有覆盖 全部购买方 的项目干事授权" in refused.text
    )
    read_in(client, "en")
    refused = client.post("/renewal/apply", data={**fields, "csrf_token": token})
    assert refused.status_code == 403 and "holds no officer grant covering it" in refused.text
    assert _data(year, engine) == before


def test_an_apply_without_the_form_token_is_refused(
    client: TestClient, year: Session, engine: Engine
) -> None:
    sign_in(client, OFFICER.name)
    fields = _echoed(_confirm(client).text)
    before = _data(year, engine)
    del fields["csrf_token"]
    assert client.post("/renewal/apply", data=fields).status_code == 403
    assert client.post("/renewal/confirm", data={"year": "2019"}).status_code == 403
    assert _data(year, engine) == before
