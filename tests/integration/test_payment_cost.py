"""A payment costs the same however many were paid before it on the contract: its guard
sums them and its effect numbers the tranche by aggregate queries, loading none of them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlmodel import Session

from procure.domain.errors import Refused
from procure.services.lifecycle import fire as lc
from procure.store import queries
from procure.store.models import Payment
from tests.integration.builders import OFFICER, project_at

EARLIER = 600


@dataclass
class Cost:
    statements: int = 0
    payments_loaded: int = 0


@contextmanager
def counted(session: Session) -> Iterator[Cost]:
    """Count the statements ``session`` runs and the payment rows it loads meanwhile."""
    cost = Cost()
    engine = session.get_bind()

    def statement(*_args: Any) -> None:
        cost.statements += 1

    def loaded(*_args: Any) -> None:
        cost.payments_loaded += 1

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(Payment, "load", loaded)
    try:
        yield cost
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(Payment, "load", loaded)


def _pay_many(session: Session, code: str, count: int) -> None:
    """Add ``count`` one-yuan payments behind the services' back (tranches 2, 3, ...)."""
    contract = queries.contract_of(session, queries.project_by_code(session, code))
    assert contract is not None
    session.connection().execute(
        text(
            "INSERT INTO payment (contract_id, tranche, amount, paid_on, note) "
            "VALUES (:contract, :tranche, 100, '2019-06-01', '')"
        ),
        [{"contract": contract.id, "tranche": 2 + n} for n in range(count)],
    )
    session.commit()


def test_a_payment_costs_the_same_after_many_payments(session: Session) -> None:
    plan = project_at(session, "in_service")  # one payment of 400,000.00 so far
    with counted(session) as first:
        lc.record_payment(session, plan.code, OFFICER, amount="1.00", paid_on="2019-09-01")
        session.commit()
    _pay_many(session, plan.code, EARLIER)

    with counted(session) as later:
        lc.record_payment(session, plan.code, OFFICER, amount="1.00", paid_on="2019-09-02")
        session.commit()

    assert later.payments_loaded == first.payments_loaded == 0
    assert later.statements == first.statements
    contract = queries.contract_of(session, queries.project_by_code(session, plan.code))
    assert contract is not None
    assert queries.payments_made(session, contract) == (EARLIER + 3, Decimal("400602.00"))
    tranches = [p.tranche for p in queries.payments_of(session, contract)]
    assert tranches[-1] == EARLIER + 3  # numbered after every earlier one


def test_the_guard_sums_every_earlier_payment(session: Session) -> None:
    plan = project_at(session, "in_service")  # 400,000.00 of 868,000.00 paid
    _pay_many(session, plan.code, EARLIER)  # and 600.00 more

    with pytest.raises(Refused) as refused:
        lc.record_payment(session, plan.code, OFFICER, amount="467400.01", paid_on="2019-09-01")

    assert str(refused.value) == (
        "不能办理「登记拨付」：拨付 ¥467,400.01 后累计拨付 ¥868,000.01，将超过合同金额 ¥868,000.00"
    )
    paid = lc.record_payment(session, plan.code, OFFICER, amount="467400.00", paid_on="2019-09-01")
    assert paid.to_state == "in_service"
