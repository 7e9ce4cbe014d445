"""A corrected date is judged by exactly the rule that judged the original one
(workflows/contract_dates.yaml): each refusal names the rule and the dates. A contract whose
signing or service period is corrected or amended re-checks the payments and inspections
already recorded against it, naming the first one that would fall outside."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from procure.domain.errors import Refused
from procure.services.corrections.amend import propose_amendment
from procure.services.corrections.correct import correct
from procure.store import queries
from tests.integration.builders import CODE, OFFICER, SUPERVISOR, project_at


@pytest.fixture
def in_service(session: Session) -> Session:
    """Awarded 2019-02-20, signed 2019-02-25, service 2019-03-01 to 12-31, payment #1 paid
    2019-03-05, inspection #1 dated 2019-06-18."""
    project_at(session, "in_service")
    return session


def _contract_terms(session: Session) -> tuple[str, str, str]:
    contract = queries.contract_of(session, queries.project_by_code(session, CODE))
    assert contract is not None
    return str(contract.signed_on), str(contract.start_on), str(contract.end_on)


def _correct_contract(session: Session, **values: str) -> None:
    correct(session, CODE, "contract", "", values, reason="录入错误", by=OFFICER.name)


def test_an_inspection_cannot_be_corrected_to_a_day_in_the_future(in_service: Session) -> None:
    with pytest.raises(Refused, match=r"检查在服务期或整改期内.*检查日期 2099-06-18 晚于今天"):
        correct(
            in_service, CODE, "inspection", "1", {"inspected_on": "2099-06-18"},
            reason="改", by=SUPERVISOR.name,
        )  # fmt: skip


def test_an_inspection_corrected_out_of_the_service_period_names_the_rule_and_period(
    in_service: Session,
) -> None:
    with pytest.raises(Refused) as refused:
        correct(
            in_service, CODE, "inspection", "1", {"inspected_on": "2020-01-05"},
            reason="改", by=SUPERVISOR.name,
        )  # fmt: skip
    assert "检查在服务期或整改期内" in str(refused.value)
    assert "检查日期 2020-01-05 不在服务期 2019-03-01 至 2019-12-31 内" in str(refused.value)


def test_a_signing_date_cannot_be_corrected_to_before_the_award(in_service: Session) -> None:
    with pytest.raises(Refused, match=r"签订不早于中选.*2019-02-10 早于中选公示日 2019-02-20"):
        _correct_contract(in_service, signed_on="2019-02-10")
    assert _contract_terms(in_service) == ("2019-02-25", "2019-03-01", "2019-12-31")


def test_a_signing_date_cannot_be_corrected_to_after_the_service_started(
    in_service: Session,
) -> None:
    with pytest.raises(Refused, match=r"服务开始不早于签订.*2019-03-01 早于签订日期 2019-03-02"):
        _correct_contract(in_service, signed_on="2019-03-02")


def test_a_signing_date_cannot_be_corrected_to_the_future(in_service: Session) -> None:
    with pytest.raises(Refused, match=r"签订日期不晚于今天.*签订日期 2099-02-25"):
        _correct_contract(in_service, signed_on="2099-02-25")


def test_a_later_signing_refuses_naming_the_payment_made_before_it(in_service: Session) -> None:
    with pytest.raises(Refused) as refused:
        _correct_contract(in_service, signed_on="2019-03-06", start="2019-03-06")
    message = str(refused.value)
    assert "已记录的第 1 批拨付" in message and "拨付不早于签订" in message
    assert "拨付日期 2019-03-05 早于签订日期 2019-03-06" in message
    assert _contract_terms(in_service) == ("2019-02-25", "2019-03-01", "2019-12-31")


def test_a_shorter_service_period_refuses_naming_the_inspection_left_outside(
    in_service: Session,
) -> None:
    with pytest.raises(Refused) as refused:
        _correct_contract(in_service, end="2019-06-01")
    message = str(refused.value)
    assert "已记录的第 1 次检查" in message and "检查在服务期或整改期内" in message
    assert "检查日期 2019-06-18 不在服务期 2019-03-01 至 2019-06-01 内" in message


def test_an_amended_service_period_re_checks_the_inspections_already_recorded(
    in_service: Session,
) -> None:
    with pytest.raises(
        Refused, match=r"已记录的第 1 次检查.*2019-06-18 不在服务期 2019-07-01 至 2019-12-31"
    ):
        propose_amendment(
            in_service, CODE, by=OFFICER.name, start="2019-07-01", rationale="推迟开始"
        )


def test_a_period_that_keeps_every_recorded_date_in_order_is_corrected(
    in_service: Session,
) -> None:
    _correct_contract(in_service, end="2019-11-30")
    assert _contract_terms(in_service) == ("2019-02-25", "2019-03-01", "2019-11-30")
