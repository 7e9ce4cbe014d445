"""The year-end run re-checks each contract when its chunk is applied.

An officer may drop a project (barring its organization from next year) between
the run's plan and its apply. The run then refuses that organization's renewals
with the bar's reason and goes on; it never records a renewal after the bar.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from procure.domain.language import use_language
from procure.services.lifecycle import fire as lc
from procure.services.renewal import run as renewal_run
from procure.services.renewal.run import renew_year
from procure.store.db import new_session
from procure.store.models import Bar
from tests.integration.builders import (
    ASSESSMENT_FAIL,
    ASSESSMENT_GOOD,
    ASSESSMENT_PASS,
    OFFICER,
    QIHANG,
    TONGXIN,
    Plan,
    create_project,
    drive,
    setup_registry,
)
from tests.integration.concurrency.race import WORKERS, check_invariants, race, settle, url_of

PRICE = "420000.00"


def _plan(index: int, organization: str, assessment: dict[str, object]) -> Plan:
    return Plan(
        code=f"SM-2019-{index + 1:03d}",
        budget="450000.00",
        contract_amount=PRICE,
        proposals={organization: PRICE},
        winner=organization,
        assessment=assessment,
    )


def _year(session: Session, rectifying: int, renewing: int) -> tuple[list[str], list[str]]:
    """Projects of one organization in rectification (to be dropped by officers) and assessed
    projects the run will renew (half of the same organization, half of another)."""
    setup_registry(session, funds="90000000.00")
    dropped, renewed = [], []
    for index in range(rectifying):
        plan = drive(
            session, create_project(session, _plan(index, QIHANG, ASSESSMENT_PASS)), "assessed"
        )
        lc.require_rectification(session, plan.code, OFFICER)
        dropped.append(plan.code)
    for index in range(rectifying, rectifying + renewing):
        organization = QIHANG if index % 2 else TONGXIN
        plan = _plan(index, organization, dict(ASSESSMENT_GOOD))
        renewed.append(drive(session, create_project(session, plan), "assessed").code)
    return dropped, renewed


def test_a_bar_placed_between_plan_and_apply_refuses_the_renewal_and_the_run_goes_on(
    session: Session, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    (dropped,), renewed = _year(session, 1, 2)
    apply = renewal_run._apply

    def officer_drops_first(*args: Any, **kwargs: Any) -> Any:
        with new_session(engine) as officer:
            lc.drop(officer, dropped, OFFICER, reason="整改不到位")
        return apply(*args, **kwargs)

    monkeypatch.setattr(renewal_run, "_apply", officer_drops_first)
    with use_language("en"):  # the run's words are the renewal run's; the bar's are asserted
        run = renew_year(session, 2019, apply=True, actor=OFFICER)
    outcome = {result.project: (result.status, result.reason) for result in run.results}
    qihang, tongxin = renewed
    assert outcome[tongxin][0] == "done"
    assert outcome[qihang][0] == "refused"
    assert "is barred from SM-FED's 2020 awards" in outcome[qihang][1]
    assert check_invariants(engine) == []


def test_a_drop_planned_by_the_run_and_made_by_an_officer_places_one_bar(
    session: Session, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    (dropped,), _ = _year(session, 1, 0)
    failing = drive(session, create_project(session, _plan(5, QIHANG, ASSESSMENT_FAIL)), "assessed")
    apply = renewal_run._apply

    def officer_drops_first(*args: Any, **kwargs: Any) -> Any:
        with new_session(engine) as officer:
            lc.drop(officer, dropped, OFFICER, reason="整改不到位")
        return apply(*args, **kwargs)

    monkeypatch.setattr(renewal_run, "_apply", officer_drops_first)
    run = renew_year(session, 2019, apply=True, actor=OFFICER)
    assert [(r.project, r.status) for r in run.results] == [(failing.code, "done")]
    assert len(list(session.exec(select(Bar)))) == 1
    session.commit()
    assert check_invariants(engine) == []


def _drop_or_run(session: Session, index: int) -> Any:
    if index == 0:
        url = session.get_bind().url.render_as_string(hide_password=False)
        return renew_year(url, 2019, apply=True, chunk_size=1, actor=OFFICER).changed
    return lc.drop(session, f"SM-2019-{index:03d}", OFFICER, reason="整改不到位").to_state


def test_drops_raced_against_the_year_end_run_never_renew_a_barred_organization(
    session: Session, engine: Engine, backend: str
) -> None:
    _year(session, WORKERS - 1, 8)
    tally = race("renew --apply vs 7 officers dropping", url_of(engine), _drop_or_run)
    assert settle(tally, engine, backend) == []
    assert tally.raw == []
