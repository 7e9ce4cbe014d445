"""A project's dates keep their order (issue 21, workflows/contract_dates.yaml): the signing
after the award (and after the objection window when an objection was lodged) and not in
the future, the service after the signing, payments after the signing, inspections in the
service or rectification period, the assessment after the service started. Each refusal
names its rule and the dates, and changes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session

from procure.domain.errors import Refused
from procure.services.lifecycle import fire as lc
from procure.services.public import objections
from procure.store import queries
from tests.integration.builders import (
    ASSESSMENT_FAIL,
    ASSESSMENT_PASS,
    ASSESSOR,
    OFFICER,
    SUPERVISOR,
    TONGXIN,
    Plan,
    organization_actor,
    project_at,
)

# The builders award at 10:00 in Beijing on 2019-02-20 and sign on 2019-02-25 for
# 2019-03-01 to 2019-12-31.


def beijing(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)


def sign(session: Session, code: str, **given: str) -> lc.TransitionResult:
    terms = {"number": "HT-1", "amount": "868000.00", "start": "2020-03-01", "end": "2020-12-31"}
    return lc.sign_contract(session, code, OFFICER, **{**terms, **given})  # type: ignore[arg-type]


def test_a_contract_signed_years_before_its_award_is_refused_naming_the_rule(
    session: Session,
) -> None:
    plan = project_at(session, "awarded", Plan(year=2026, code="SM-2026-001", award_now=True))

    with pytest.raises(Refused, match="签订不早于中选.*2020-02-25 早于中选公示日 2026-10-12"):
        sign(session, plan.code, start="2026-10-20", end="2026-12-31", signed_on="2020-02-25")
    assert queries.project_by_code(session, plan.code).state == "awarded"
    assert queries.contract_of(session, queries.project_by_code(session, plan.code)) is None


def test_a_contract_signed_on_the_day_of_its_award_is_accepted(session: Session) -> None:
    plan = project_at(session, "awarded", Plan(year=2026, code="SM-2026-001", award_now=True))

    result = sign(session, plan.code, start="2026-10-12", end="2026-12-31", signed_on="2026-10-12")

    assert result.to_state == "contracted"


def test_a_signing_date_in_the_future_is_refused(session: Session) -> None:
    plan = project_at(session, "awarded", Plan(year=2026, code="SM-2026-001", award_now=True))

    with pytest.raises(Refused, match="签订日期不晚于今天.*2026-11-02 晚于今天 2026-10-12"):
        sign(session, plan.code, start="2026-11-02", end="2026-12-31", signed_on="2026-11-02")


def test_a_service_that_starts_before_its_signing_is_refused(session: Session) -> None:
    plan = project_at(session, "awarded")

    with pytest.raises(
        Refused, match="服务开始不早于签订.*服务开始日期 2019-03-01 早于签订日期 2019-03-04"
    ):
        sign(session, plan.code, start="2019-03-01", end="2019-12-31", signed_on="2019-03-04")


def test_a_signing_left_undated_is_today_and_must_precede_the_service(session: Session) -> None:
    plan = project_at(session, "awarded")

    with pytest.raises(Refused, match="早于签订日期 2026-10-12"):
        sign(session, plan.code, start="2019-03-01", end="2019-12-31")


def test_with_an_objection_lodged_the_contract_waits_for_the_end_of_its_window(
    session: Session,
) -> None:
    plan = project_at(session, "awarded")  # published 2019-02-20: objections close 2019-03-01
    objections.lodge(
        session,
        plan.code,
        organization_actor(TONGXIN),
        organization=TONGXIN,
        text="评分标准未统一适用",
        at=beijing(date(2019, 2, 22)),
    )
    objections.answer(
        session,
        plan.code,
        OFFICER,
        organization=TONGXIN,
        outcome="rejected",
        reason="经复核，评分一致",
        at=beijing(date(2019, 2, 25)),
    )

    with pytest.raises(Refused, match="签订日期 2019-02-26 早于质疑期截止日 2019-03-01"):
        sign(session, plan.code, start="2019-03-01", end="2019-12-31", signed_on="2019-02-26")
    signed = sign(session, plan.code, start="2019-03-01", end="2019-12-31", signed_on="2019-03-01")
    assert signed.to_state == "contracted"


def test_without_an_objection_the_contract_may_be_signed_inside_the_window(
    session: Session,
) -> None:
    plan = project_at(session, "awarded")

    signed = sign(session, plan.code, start="2019-03-01", end="2019-12-31", signed_on="2019-02-21")

    assert signed.to_state == "contracted"


@pytest.mark.parametrize("inspected_on", ["2021-06-15", "2019-02-28", "2020-01-01"])
def test_an_inspection_dated_outside_the_service_period_is_refused(
    session: Session, inspected_on: str
) -> None:
    plan = project_at(session, "in_service")
    before = len(queries.inspections_of(session, queries.project_by_code(session, plan.code)))

    with pytest.raises(
        Refused,
        match=f"检查在服务期或整改期内.*检查日期 {inspected_on} 不在服务期 "
        "2019-03-01 至 2019-12-31 内",
    ):
        lc.record_inspection(
            session, plan.code, SUPERVISOR, inspected_on=inspected_on, findings="台账齐全"
        )
    project = queries.project_by_code(session, plan.code)
    assert len(queries.inspections_of(session, project)) == before


@pytest.mark.parametrize("inspected_on", ["2019-03-01", "2019-12-31"])
def test_an_inspection_on_the_first_or_last_day_of_service_is_accepted(
    session: Session, inspected_on: str
) -> None:
    plan = project_at(session, "in_service")

    lc.record_inspection(
        session, plan.code, SUPERVISOR, inspected_on=inspected_on, findings="台账齐全"
    )


def test_an_inspection_dated_in_the_future_is_refused(session: Session) -> None:
    plan = project_at(session, "in_service", Plan(year=2026, code="SM-2026-001"))

    with pytest.raises(Refused, match="检查日期 2026-11-02 晚于今天 2026-10-12"):
        lc.record_inspection(
            session, plan.code, SUPERVISOR, inspected_on="2026-11-02", findings="台账齐全"
        )


def test_during_a_rectification_an_inspection_after_the_service_period_is_accepted(
    session: Session,
) -> None:
    plan = project_at(session, "assessed", Plan(assessment=ASSESSMENT_PASS))
    lc.require_rectification(session, plan.code, OFFICER, at=beijing(date(2020, 1, 10)))

    with pytest.raises(Refused, match="也不在整改期（2020-01-10 起）内"):
        lc.record_inspection(
            session, plan.code, SUPERVISOR, inspected_on="2020-01-09", findings="未整改"
        )
    lc.record_inspection(
        session, plan.code, SUPERVISOR, inspected_on="2020-01-20", findings="整改到位"
    )


def test_an_assessment_before_the_service_started_is_refused(session: Session) -> None:
    plan = project_at(session, "assessing")

    with pytest.raises(Refused, match="考核在服务开始之后.*考核日期 2019-02-28 不晚于服务开始日期"):
        lc.record_assessment(
            session, plan.code, ASSESSOR, scores=ASSESSMENT_FAIL, at=beijing(date(2019, 2, 28))
        )
    project = queries.project_by_code(session, plan.code)
    assert queries.assessment_sheets(session, project) == []
