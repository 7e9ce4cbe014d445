"""Corrections (更正): a mistaken fact is corrected by a new record that names it, with the
reason and who did it; money needs a second person; the trail explains every correction."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlmodel import Session

from procure.domain.errors import InvalidInput, Refused
from procure.domain.language import use_language
from procure.services.accounts import manage as accounts
from procure.services.corrections.correct import approve_correction, correct, corrections_of
from procure.services.lifecycle import fire as lc
from procure.services.trail.check import trail_differences
from procure.store import audit, queries
from procure.store.correction_models import APPLIED, PENDING
from tests.integration.builders import (
    ADMIN,
    ASSESSOR,
    LEADER,
    OFFICER,
    QIHANG,
    REVIEWERS,
    SUPERVISOR,
    organization_actor,
    project_at,
)

CODE = "SM-2019-001"


@pytest.fixture
def in_service(session: Session) -> Session:
    """A contract (868,000.00, 2019-03-01 to 12-31) with payment #1 of 400,000.00 and
    inspection #1 dated 2019-06-18."""
    project_at(session, "in_service")
    return session


def clean(session: Session) -> bool:
    session.commit()
    return audit.verify_chain(session).ok and trail_differences(session) == []


def test_an_inspection_dated_outside_the_service_period_is_corrected_by_its_supervisor(
    in_service: Session,
) -> None:
    lc.record_inspection(
        in_service, CODE, SUPERVISOR, inspected_on="2019-06-15", findings="台账齐全"
    )
    result = correct(
        in_service, CODE, "inspection", "2", {"inspected_on": "2019-09-15"},
        reason="日期录入错误，应为9月15日", by=SUPERVISOR.name,
    )  # fmt: skip

    assert (result.state, result.old, result.new) == (
        APPLIED, {"inspected_on": "2019-06-15"}, {"inspected_on": "2019-09-15"}
    )  # fmt: skip
    inspections = queries.inspections_of(in_service, queries.project_by_code(in_service, CODE))
    assert str(inspections[1].inspected_on) == "2019-09-15"
    assert clean(in_service)


def test_an_inspection_cannot_be_corrected_to_a_date_outside_the_service_period(
    in_service: Session,
) -> None:
    with pytest.raises(Refused, match="不在服务期 2019-03-01 至 2019-12-31 内"):
        correct(
            in_service, CODE, "inspection", "1", {"inspected_on": "2021-06-15"},
            reason="改日期", by=SUPERVISOR.name,
        )  # fmt: skip
    assert corrections_of(in_service, queries.project_by_code(in_service, CODE)) == []


def test_a_payment_amount_corrected_by_the_officer_counts_only_once_the_leader_approves(
    in_service: Session,
) -> None:
    result = correct(
        in_service, CODE, "payment", "1", {"amount": "40000.00"},
        reason="多录了一个零", by=OFFICER.name,
    )  # fmt: skip
    assert (result.state, result.needs_approval_by) == (PENDING, "leader")
    assert _paid(in_service) == Decimal("400000.00")
    assert clean(in_service)

    approved = approve_correction(in_service, CODE, result.number, by=LEADER.name)

    assert approved.state == APPLIED
    assert _paid(in_service) == Decimal("40000.00")
    assert clean(in_service)


def test_a_payment_note_is_corrected_without_a_second_person(in_service: Session) -> None:
    result = correct(
        in_service, CODE, "payment", "1", {"note": "首期款"}, reason="补说明", by=OFFICER.name
    )
    assert result.state == APPLIED
    assert clean(in_service)


def test_the_proposer_of_a_four_eyes_correction_may_not_approve_it(in_service: Session) -> None:
    accounts.grant(in_service, OFFICER.name, "leader", ADMIN)
    in_service.commit()
    result = correct(
        in_service, CODE, "payment", "1", {"amount": "40000.00"}, reason="错", by=OFFICER.name
    )
    with pytest.raises(Refused, match="双人复核"):
        approve_correction(in_service, CODE, result.number, by=OFFICER.name)
    assert _paid(in_service) == Decimal("400000.00")


def test_only_the_approving_role_may_approve(in_service: Session) -> None:
    result = correct(
        in_service, CODE, "payment", "1", {"amount": "40000.00"}, reason="错", by=OFFICER.name
    )
    with pytest.raises(Refused, match="只有分管领导可以办理"):
        approve_correction(in_service, CODE, result.number, by=SUPERVISOR.name)


def test_a_payment_is_corrected_only_by_the_officer(in_service: Session) -> None:
    with pytest.raises(Refused, match="只有财务干事可以办理"):
        correct(in_service, CODE, "payment", "1", {"note": "x"}, reason="r", by=SUPERVISOR.name)


def test_a_corrected_payment_may_not_exceed_the_contract(in_service: Session) -> None:
    with pytest.raises(Refused, match="超过合同金额"):
        correct(
            in_service, CODE, "payment", "1", {"amount": "900000.00"}, reason="r", by=OFFICER.name
        )


def test_a_corrections_refusals_read_in_english_when_english_is_in_use(
    in_service: Session,
) -> None:
    with use_language("en"):
        with pytest.raises(Refused, match="only the Project officer may do this"):
            correct(in_service, CODE, "payment", "1", {"note": "x"}, reason="r", by=SUPERVISOR.name)
        with pytest.raises(Refused, match="above the contract amount ¥868,000.00"):
            correct(
                in_service, CODE, "payment", "1", {"amount": "900000.00"}, reason="r",
                by=OFFICER.name,
            )  # fmt: skip
        with pytest.raises(InvalidInput, match="the new values are the ones recorded"):
            correct(
                in_service, CODE, "payment", "1", {"amount": "400000"}, reason="r",
                by=OFFICER.name,
            )  # fmt: skip
        with pytest.raises(Refused, match="only while the project is Soliciting proposals"):
            correct(
                in_service, CODE, "proposal", QIHANG, {"price": "1.00"}, reason="r",
                by=OFFICER.name,
            )  # fmt: skip


def test_a_correction_needs_a_reason_and_a_change(in_service: Session) -> None:
    with pytest.raises(InvalidInput, match="更正理由"):
        correct(in_service, CODE, "payment", "1", {"note": "x"}, reason=" ", by=OFFICER.name)
    with pytest.raises(InvalidInput, match="无需更正"):
        correct(in_service, CODE, "payment", "1", {"amount": "400000"}, reason="r", by=OFFICER.name)
    with pytest.raises(InvalidInput, match="未知事项"):
        correct(in_service, CODE, "payment", "1", {"tranche": "2"}, reason="r", by=OFFICER.name)
    with pytest.raises(InvalidInput, match="不是金额"):
        correct(in_service, CODE, "payment", "1", {"amount": "lots"}, reason="r", by=OFFICER.name)


def test_a_wrong_contract_number_is_corrected_and_explained_by_the_trail(
    in_service: Session,
) -> None:
    correct(
        in_service, CODE, "contract", "", {"number": "HT-2019-001", "signed_on": "2019-02-26"},
        reason="合同编号录错", by=OFFICER.name,
    )  # fmt: skip
    contract = queries.contract_of(in_service, queries.project_by_code(in_service, CODE))
    assert contract is not None and contract.number == "HT-2019-001"
    assert clean(in_service)


def test_a_contract_amount_corrected_over_the_budget_is_refused(in_service: Session) -> None:
    with pytest.raises(Refused, match="超过批准的预算"):
        correct(
            in_service, CODE, "contract", "", {"amount": "900000.01"}, reason="r", by=OFFICER.name
        )


def test_a_proposal_price_is_final_once_the_call_closed(in_service: Session) -> None:
    with pytest.raises(Refused, match="已过该阶段"):
        correct(
            in_service, CODE, "proposal", QIHANG, {"price": "1.00"}, reason="r", by=OFFICER.name
        )


def test_a_required_rectification_is_corrected_by_the_supervisor(in_service: Session) -> None:
    correct(
        in_service, CODE, "rectification", "1", {"rectification_required": "true"},
        reason="漏勾需整改", by=SUPERVISOR.name,
    )  # fmt: skip
    inspection = queries.inspections_of(in_service, queries.project_by_code(in_service, CODE))[0]
    assert inspection.rectification_required is True
    assert clean(in_service)


def test_a_proposal_price_is_corrected_before_the_call_closes_with_the_leaders_approval(
    session: Session,
) -> None:
    project_at(session, "soliciting")
    result = correct(
        session, CODE, "proposal", QIHANG, {"price": "860000.00"}, reason="报价录错",
        by=OFFICER.name,
    )  # fmt: skip
    approve_correction(session, CODE, result.number, by=LEADER.name)
    proposal = queries.proposal_of(session, queries.project_by_code(session, CODE), QIHANG)
    assert proposal is not None and proposal.price == Decimal("860000.00")
    assert clean(session)


def test_a_reviewer_corrects_their_own_sheet_and_the_panel_uses_the_new_total(
    session: Session,
) -> None:
    project_at(session, "reviewed")
    reviewer = REVIEWERS[0]
    full_marks: dict[str, object] = {
        "needs_analysis": 10,
        "service_plan": 20,
        "outputs_outcomes": 10,
        "management_risk": 10,
        "team": Decimal("10"),
        "past_performance": 10,
        "budget_reasonableness": 10,
    }
    result = correct(
        session, CODE, "review", QIHANG, {"scores": full_marks}, reason="漏填", by=reviewer.name
    )
    assert result.state == APPLIED
    proposal = queries.proposal_of(session, queries.project_by_code(session, CODE), QIHANG)
    assert proposal is not None
    totals = {r.reviewer: r.total for r in queries.reviews_of(session, proposal)}
    assert totals[reviewer.name] == Decimal("100.00")
    assert clean(session)


def test_a_recusal_reason_is_corrected_by_the_officer(session: Session) -> None:
    project_at(session, "reviewing")
    lc.record_recusal(session, CODE, OFFICER, organization=QIHANG, reviewer="郑回避", reason="亲属")
    correct(
        session, CODE, "recusal", f"{QIHANG}/郑回避", {"reason": "曾在该机构任职"},
        reason="理由记错", by=OFFICER.name,
    )  # fmt: skip
    assert clean(session)


def test_an_assessment_sheet_and_a_comment_are_corrected_before_finalization(
    session: Session,
) -> None:
    project_at(session, "assessment_recorded")
    lc.record_comment(session, CODE, organization_actor(QIHANG), text="有异议")
    sheet = correct(
        session, CODE, "assessment", ASSESSOR.name, {"narrative": "总体良好。"},
        reason="补评语", by=ASSESSOR.name,
    )  # fmt: skip
    comment = correct(
        session, CODE, "comment", "1", {"text": "无异议"}, reason="转录错误", by=OFFICER.name
    )
    assert (sheet.state, comment.state) == (APPLIED, APPLIED)
    assert clean(session)


def test_a_correction_forged_in_the_tables_is_named_by_the_trail_check(
    in_service: Session,
) -> None:
    in_service.connection().execute(
        text(
            "INSERT INTO correction (project_id, number, kind, record_id, record_key, "
            "old_values, new_values, reason, proposed_by, proposed_role, proposed_at, state) "
            "SELECT id, 1, 'payment', 1, 'SM-2019-001 payment #1', '{}', '{}', 'x', "
            "'李秀梅', 'officer', '2019-06-01 00:00:00', 'applied' FROM project"
        )
    )
    in_service.connection().execute(text("UPDATE payment SET amount = 100"))
    in_service.commit()

    found = {(d.table, d.row) for d in trail_differences(in_service)}
    assert ("correction", "SM-2019-001 correction #1") in found
    assert ("payment", "SM-2019-001 payment #1") in found


def _paid(session: Session) -> Decimal:
    contract = queries.contract_of(session, queries.project_by_code(session, CODE))
    assert contract is not None
    return sum((p.amount for p in queries.payments_of(session, contract)), Decimal("0"))


def test_an_objection_answers_reason_is_corrected_with_the_leaders_approval(
    session: Session,
) -> None:
    from datetime import UTC, datetime

    from procure.services.public import objections
    from tests.integration.builders import TONGXIN

    project_at(session, "reviewed")
    at = datetime(2019, 9, 30, 2, 0, tzinfo=UTC)
    lc.award(session, CODE, OFFICER, organization=QIHANG, at=at)
    objections.lodge(
        session, CODE, organization_actor(TONGXIN), organization=TONGXIN, text="评分不公",
        at=datetime(2019, 10, 9, 2, tzinfo=UTC),
    )  # fmt: skip
    objections.answer(
        session, CODE, OFFICER, organization=TONGXIN, outcome="rejected", reason="评分无误",
        at=datetime(2019, 10, 10, 2, tzinfo=UTC),
    )  # fmt: skip
    result = correct(
        session, CODE, "objection_answer", TONGXIN, {"reason": "经复核，评分标准统一适用"},
        reason="答复理由表述不全", by=OFFICER.name,
    )  # fmt: skip
    assert result.state == PENDING
    approve_correction(session, CODE, result.number, by=LEADER.name)
    assert clean(session)


def test_a_pending_correction_is_refused_by_the_approver_and_never_counts(
    in_service: Session,
) -> None:
    from procure.services.corrections.refuse import refuse_correction

    result = correct(
        in_service, CODE, "payment", "1", {"amount": "40000"}, reason="错", by=OFFICER.name
    )
    refused = refuse_correction(in_service, CODE, result.number, by=LEADER.name, reason="凭证无误")
    assert refused.state == "refused"
    with pytest.raises(Refused, match="不在待审批状态"):
        approve_correction(in_service, CODE, result.number, by=LEADER.name)
    assert _paid(in_service) == Decimal("400000.00")
    assert clean(in_service)


def test_only_its_proposer_or_the_approving_role_may_refuse_a_correction(
    in_service: Session,
) -> None:
    from procure.services.corrections.refuse import refuse_correction

    result = correct(
        in_service, CODE, "payment", "1", {"amount": "40000"}, reason="错", by=OFFICER.name
    )
    with pytest.raises(Refused, match="只有分管领导可以办理"):
        refuse_correction(in_service, CODE, result.number, by=SUPERVISOR.name, reason="x")
    withdrawn = refuse_correction(in_service, CODE, result.number, by=OFFICER.name, reason="撤回")
    assert withdrawn.state == "refused"
    assert clean(in_service)


def test_a_corrected_assessment_sheet_gives_the_grade_and_the_decision(session: Session) -> None:
    from tests.integration.builders import ASSESSMENT_EXCELLENT, ASSESSMENT_PASS, Plan, drive

    plan = project_at(session, "assessment_recorded", Plan(assessment=dict(ASSESSMENT_PASS)))
    correct(
        session, CODE, "assessment", ASSESSOR.name,
        {"scores": ASSESSMENT_EXCELLENT}, reason="满意度问卷录入错误", by=ASSESSOR.name,
    )  # fmt: skip
    drive(session, plan, "assessed", start="assessment_recorded")

    final = queries.final_assessment(session, queries.project_by_code(session, CODE))
    assert final is not None and (final.total, final.grade) == (Decimal("93.00"), "excellent")
    assert lc.decide(session, CODE, OFFICER).trigger == "renew"  # not rectification
    assert clean(session)


def test_a_reviewer_may_not_correct_another_reviewers_sheet(session: Session) -> None:
    project_at(session, "reviewed")
    other = REVIEWERS[1].name
    with pytest.raises(Refused, match="只能更正自己的评分表"):
        correct(
            session, CODE, "review", f"{QIHANG}/{other}", {"scores": {"team": 10}},
            reason="r", by=REVIEWERS[0].name,
        )  # fmt: skip
