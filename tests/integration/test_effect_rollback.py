"""``advance`` rolls back a trigger whose effect raised after it wrote rows (issue 10):
transitions does not undo a callback, so the database transaction must."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from procure.services.lifecycle import effects
from procure.services.lifecycle import fire as lc
from procure.workflow.context import ActionContext
from tests.integration.builders import OFFICER, SUPERVISOR, Plan, project_at, snapshot


class EffectFailed(RuntimeError):
    """Raised by the sabotaged effect after its first write."""


def fail_payments_after_writing(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, record_payment's effect writes its row, flushes it, then raises."""
    real = effects.EFFECTS["record_payment"]

    def write_then_fail(ctx: ActionContext) -> None:
        real(ctx)  # adds the payment row
        ctx.session.flush()  # … and sends it to the database
        raise EffectFailed("the disk filled up after the first row")

    monkeypatch.setitem(effects.EFFECTS, "record_payment", write_then_fail)


def test_an_effect_that_fails_after_writing_leaves_the_database_as_it_was(
    session: Session, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = project_at(session, "in_service", Plan())
    before = snapshot(session, engine)
    fail_payments_after_writing(monkeypatch)

    with pytest.raises(EffectFailed):
        lc.record_payment(session, plan.code, OFFICER, amount="1000.00", paid_on="2019-09-01")

    assert snapshot(session, engine) == before


def test_after_the_failed_effect_the_session_records_the_next_step(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = project_at(session, "in_service", Plan())
    fail_payments_after_writing(monkeypatch)
    with pytest.raises(EffectFailed):
        lc.record_payment(session, plan.code, OFFICER, amount="1000.00", paid_on="2019-09-01")

    result = lc.advance(
        session,
        plan.code,
        "record_inspection",
        SUPERVISOR,
        params={"inspected_on": "2019-09-02", "findings": "台账齐全"},
    )

    assert result.to_state == "in_service"
