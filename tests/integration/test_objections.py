"""Award notices and objections (质疑): who may object, until when, and what the answer does."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text
from sqlmodel import Session

from procure.domain.errors import Refused
from procure.domain.language import use_language
from procure.services.lifecycle import fire as lc
from procure.services.public import objections
from procure.services.trail.check import trail_differences
from procure.store import notices, queries
from tests.integration.builders import (
    CODE,
    OFFICER,
    QIHANG,
    RENHE,
    TONGXIN,
    organization_actor,
    project_at,
)

# Published on Monday 30 September 2019 (Beijing time): the National Day week (1–7 October)
# is off and Saturday 12 October is a make-up working day (调休).
AWARDED_AT = datetime(2019, 9, 30, 2, 0, tzinfo=UTC)
NOTICE_ENDS = date(2019, 10, 12)  # 5 working days: 8, 9, 10, 11, 12 October
OBJECTIONS_CLOSE = date(2019, 10, 15)  # 7 working days: … 12, 14, 15 October


def beijing(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour - 8, tzinfo=UTC)


def awarded(session: Session) -> Session:
    project_at(session, "reviewed")
    lc.award(session, CODE, OFFICER, organization=QIHANG, at=AWARDED_AT)
    return session


def sign(session: Session) -> lc.TransitionResult:
    params = {
        "number": "HT-1",
        "amount": "868000.00",
        "start": "2019-11-01",
        "end": "2019-12-31",
        "signed_on": "2019-10-20",
    }
    return lc.advance(
        session, CODE, "sign_contract", OFFICER, params=params, at=beijing(date(2019, 10, 20))
    )


def lodge_by_tongxin(session: Session, day: date = date(2019, 10, 9)) -> lc.TransitionResult:
    return objections.lodge(
        session,
        CODE,
        organization_actor(TONGXIN),
        organization=TONGXIN,
        text="评分标准未统一适用",
        at=beijing(day),
    )


def test_an_award_publishes_its_notice_counting_working_days_past_the_national_day_week(
    session: Session,
) -> None:
    awarded(session)

    notice = notices.current_notice(session, queries.project_by_code(session, CODE))
    assert notice is not None
    assert (notice.number, notice.published_on) == (1, date(2019, 9, 30))
    assert notice.notice_ends_on == NOTICE_ENDS
    assert notice.objections_close_on == OBJECTIONS_CLOSE
    session.commit()


def test_a_bidder_objects_through_its_own_account_on_the_last_day_of_the_window(
    session: Session,
) -> None:
    awarded(session)

    lodge_by_tongxin(session, OBJECTIONS_CLOSE)

    (row,) = notices.objections_of(session, queries.project_by_code(session, CODE))
    assert row.organization.uscc == TONGXIN
    assert (row.objection.lodged_on, row.objection.recorded_role) == (
        OBJECTIONS_CLOSE,
        "organization",
    )
    assert row.answer is None
    session.commit()


def test_an_objection_after_the_window_is_refused_naming_the_day_it_closed(
    session: Session,
) -> None:
    awarded(session)

    with pytest.raises(Refused, match="质疑期已于 2019-10-15 截止"):
        lodge_by_tongxin(session, date(2019, 10, 16))
    with use_language("en"), pytest.raises(Refused, match="closed on 2019-10-15"):
        lodge_by_tongxin(session, date(2019, 10, 16))


def test_an_officer_records_an_objection_only_citing_the_letter_it_came_in(
    session: Session,
) -> None:
    awarded(session)
    given = {"organization": TONGXIN, "text": "报价计算有误", "at": beijing(date(2019, 10, 8))}

    with pytest.raises(Refused, match="项目干事只能依据社会组织的来函登记质疑，须注明来函文号"):
        objections.lodge(session, CODE, OFFICER, **given)  # type: ignore[arg-type]
    with use_language("en"), pytest.raises(Refused, match="the reference number of the letter"):
        objections.lodge(session, CODE, OFFICER, **given)  # type: ignore[arg-type]
    objections.lodge(session, CODE, OFFICER, document="同心函〔2019〕3号", **given)  # type: ignore[arg-type]

    (row,) = notices.objections_of(session, queries.project_by_code(session, CODE))
    assert (row.objection.recorded_by, row.objection.document_ref) == (
        OFFICER.name,
        "同心函〔2019〕3号",
    )
    session.commit()


def test_an_organization_that_did_not_bid_may_not_object(session: Session) -> None:
    awarded(session)

    with pytest.raises(Refused, match="未参与 SM-2019-001 的申报"):
        objections.lodge(
            session, CODE, organization_actor(RENHE), organization=RENHE, text="x",
            at=beijing(date(2019, 10, 8)),
        )  # fmt: skip


def test_an_organization_account_may_not_object_in_another_organizations_name(
    session: Session,
) -> None:
    awarded(session)

    with pytest.raises(Refused, match="没有覆盖 .* 的承接方授权"):
        objections.lodge(
            session, CODE, organization_actor(RENHE), organization=TONGXIN, text="x",
            at=beijing(date(2019, 10, 8)),
        )  # fmt: skip


def test_the_awarded_organization_may_not_object_to_its_own_award(session: Session) -> None:
    awarded(session)

    with pytest.raises(Refused, match="不能对自己的中选结果提出质疑"):
        objections.lodge(
            session, CODE, organization_actor(QIHANG), organization=QIHANG, text="x",
            at=beijing(date(2019, 10, 8)),
        )  # fmt: skip


def test_an_organization_objects_once_to_a_notice(session: Session) -> None:
    awarded(session)
    lodge_by_tongxin(session)

    with pytest.raises(Refused, match="已对本次中选结果公示提出过质疑"):
        lodge_by_tongxin(session, date(2019, 10, 10))
    with use_language("en"), pytest.raises(Refused, match="already objected"):
        lodge_by_tongxin(session, date(2019, 10, 10))


def test_signing_is_refused_while_an_objection_waits_for_its_answer(session: Session) -> None:
    awarded(session)
    lodge_by_tongxin(session)

    with pytest.raises(Refused) as refused:
        sign(session)
    with use_language("en"), pytest.raises(Refused) as in_english:
        sign(session)

    # the guard's reason, after the refusal's own opening (the lifecycle's)
    assert str(refused.value).endswith(
        "：厦门市思明区同心社会组织发展中心 于 2019-10-09 对中选结果提出质疑，尚未答复："
        "请先答复质疑，再签订合同"
    )
    assert str(in_english.value).endswith(
        ": 厦门市思明区同心社会组织发展中心 objected to the award on 2019-10-09 and has no "
        "answer yet: answer the objection before signing"
    )
    assert queries.project_by_code(session, CODE).state == "awarded"
    session.commit()


def test_a_rejected_objection_is_recorded_with_its_reason_and_the_contract_may_be_signed(
    session: Session,
) -> None:
    awarded(session)
    lodge_by_tongxin(session)

    result = objections.answer(
        session, CODE, OFFICER, organization=TONGXIN, outcome="rejected",
        reason="经复核，评分标准一致适用", at=beijing(date(2019, 10, 14)),
    )  # fmt: skip
    signed = sign(session)

    assert (result.from_state, result.to_state) == ("awarded", "awarded")
    (row,) = notices.objections_of(session, queries.project_by_code(session, CODE))
    assert row.answer is not None
    assert (row.answer.outcome, row.answer.reason) == ("rejected", "经复核，评分标准一致适用")
    assert row.answer.answered_on == date(2019, 10, 14)
    assert signed.to_state == "contracted"
    assert trail_differences(session) == []
    session.commit()


def test_an_upheld_objection_reopens_the_award_and_the_next_award_publishes_a_second_notice(
    session: Session,
) -> None:
    awarded(session)
    lodge_by_tongxin(session)

    result = objections.answer(
        session, CODE, OFFICER, organization=TONGXIN, outcome="upheld",
        reason="价格分计算有误，重新评审", at=beijing(date(2019, 10, 14)),
    )  # fmt: skip
    project = queries.project_by_code(session, CODE)
    assert (result.to_state, project.awarded_organization_id) == ("reviewing", None)

    lc.award(session, CODE, OFFICER, organization=TONGXIN, at=beijing(date(2019, 10, 21)))

    first, second = notices.notices_of(session, queries.project_by_code(session, CODE))
    assert (first.number, second.number) == (1, 2)
    assert second.published_on == date(2019, 10, 21)
    assert trail_differences(session) == []
    session.commit()


def test_an_answer_needs_an_unanswered_objection_and_a_reason(session: Session) -> None:
    awarded(session)

    with pytest.raises(Refused, match="对 SM-2019-001 没有待答复的质疑"):
        objections.answer(
            session, CODE, OFFICER, organization=TONGXIN, outcome="rejected", reason="无"
        )
    lodge_by_tongxin(session)
    with pytest.raises(Refused, match="须填写理由"):
        objections.answer(
            session, CODE, OFFICER, organization=TONGXIN, outcome="rejected", reason=""
        )


def test_an_edited_objection_answer_is_named_by_the_trail_check(session: Session) -> None:
    awarded(session)
    lodge_by_tongxin(session)
    objections.answer(
        session, CODE, OFFICER, organization=TONGXIN, outcome="rejected", reason="理由充分",
        at=beijing(date(2019, 10, 14)),
    )  # fmt: skip
    session.connection().execute(text("UPDATE objection_answer SET outcome = 'upheld'"))
    session.commit()

    (difference,) = trail_differences(session)

    assert str(difference) == (
        f"objection_answer {CODE} answer to {TONGXIN} on notice #1: outcome is rejected in the "
        "trail, upheld in the database"
    )


def test_an_award_whose_window_runs_into_a_year_without_known_holidays_waits_for_them(
    session: Session,
) -> None:
    project_at(session, "reviewed")

    # Every year from 2025 is counted, provisionally, from the law; 2200 is past that.
    with pytest.raises(Refused, match="录入该年的放假和调休上班日") as refused:
        lc.award(session, CODE, OFFICER, organization=QIHANG, at=datetime(2199, 12, 28, tzinfo=UTC))

    session.rollback()
    assert "工作日历尚不知道2200年的放假安排" in str(refused.value)
    assert queries.project_by_code(session, CODE).state == "reviewing"
    session.commit()
