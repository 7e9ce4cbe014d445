"""Dates of contracts and payments (issue 10): a payment before the signing or long after
the service period, and a service period outside its funding year, are refused."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from procure.domain.errors import Refused
from procure.services.lifecycle import fire as lc
from procure.store import queries
from tests.integration.builders import OFFICER, project_at

# The builders sign on 2019-02-25 for 2019-03-01 to 2019-12-31; the grace is 180 days.


@pytest.mark.parametrize(
    ("paid_on", "says"),
    [
        ("2019-02-24", "拨付日期 2019-02-24 早于签订日期 2019-02-25"),
        ("2018-12-31", "早于签订日期"),
        ("2020-06-29", "后 180 天，即晚于 2020-06-28"),
        ("2031-01-01", "晚于服务期结束（2019-12-31）"),
    ],
)
def test_a_payment_dated_outside_the_contract_is_refused(
    session: Session, paid_on: str, says: str
) -> None:
    plan = project_at(session, "in_service")

    with pytest.raises(Refused, match=says.replace("(", r"\(").replace(")", r"\)")):
        lc.record_payment(session, plan.code, OFFICER, amount="1000.00", paid_on=paid_on)


@pytest.mark.parametrize("paid_on", ["2019-02-25", "2019-12-31", "2020-06-28"])
def test_a_payment_from_the_signing_to_the_end_of_the_grace_is_accepted(
    session: Session, paid_on: str
) -> None:
    plan = project_at(session, "in_service")

    assert (
        lc.record_payment(session, plan.code, OFFICER, amount="1000.00", paid_on=paid_on).to_state
        == "in_service"
    )


@pytest.mark.parametrize(
    ("start", "end"),
    [("2018-01-01", "2018-12-31"), ("2020-01-01", "2020-06-30"), ("2017-05-01", "2018-12-31")],
)
def test_a_service_period_that_misses_the_funding_year_is_refused(
    session: Session, start: str, end: str
) -> None:
    plan = project_at(session, "awarded")

    with pytest.raises(Refused, match="与资金年度 2019 年没有重叠"):
        lc.sign_contract(
            session, plan.code, OFFICER, number="HT-1", amount="868000.00", start=start, end=end
        )
    assert queries.project_by_code(session, plan.code).state == "awarded"


def test_a_service_period_across_the_year_end_overlaps_and_is_accepted(session: Session) -> None:
    plan = project_at(session, "awarded")

    result = lc.sign_contract(
        session,
        plan.code,
        OFFICER,
        number="HT-1",
        amount="868000.00",
        start="2019-07-01",
        end="2020-06-30",
        signed_on="2019-06-28",
    )

    assert result.to_state == "contracted"
