"""A refused action leaves the database exactly as it was, whichever step refused it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from procure.domain.errors import InvalidInput, ProcureError, Refused
from procure.services.lifecycle import fire as lc
from procure.store import queries
from tests.integration.builders import (
    ASSESSMENT_GOOD,
    ASSESSOR,
    OFFICER,
    QIHANG,
    REVIEW_GOOD,
    REVIEWERS,
    TONGXIN,
    Plan,
    project_at,
    snapshot,
)

Action = Callable[[Session, str], object]
REVIEWER = REVIEWERS[0]
ONE_PROPOSAL = {QIHANG: "868000.00"}

REFUSALS: list[tuple[str, str, Action, type[ProcureError], str]] = [
    (
        "a guard",
        "in_service",
        lambda s, c: lc.record_payment(s, c, OFFICER, amount="900000.00", paid_on="2019-09-01"),
        Refused,
        "将超过合同金额",
    ),
    (
        "a guard on a state change",
        "reviewed",
        lambda s, c: lc.award(s, c, OFFICER, organization=TONGXIN),
        Refused,
        "未就 SM-2019-001 提交申报方案",
    ),
    (
        "the price criterion given by a reviewer",
        "reviewing",
        lambda s, c: lc.record_review(
            s, c, REVIEWER, organization=QIHANG, scores={**REVIEW_GOOD, "price": 20}
        ),
        InvalidInput,
        "报价按报价自动计算，不由评审专家打分",
    ),
    (
        "a score above its maximum",
        "reviewing",
        lambda s, c: lc.record_review(
            s, c, REVIEWER, organization=QIHANG, scores={**REVIEW_GOOD, "team": 11}
        ),
        InvalidInput,
        "团队配置的得分 11 超过满分 10",
    ),
    (
        "a criterion left unscored",
        "reviewing",
        lambda s, c: lc.record_review(
            s, c, REVIEWER, organization=QIHANG, scores={"needs_analysis": 9}
        ),
        InvalidInput,
        "以下评分项未评分：",
    ),
    (
        "an unknown veto item",
        "assessing",
        lambda s, c: lc.record_assessment(
            s, c, ASSESSOR, scores=ASSESSMENT_GOOD, narrative="好", veto=["bribery"]
        ),
        InvalidInput,
        "unknown veto item bribery",
    ),
    (
        "an assessment score above its maximum",
        "assessing",
        lambda s, c: lc.record_assessment(
            s, c, ASSESSOR, scores={**ASSESSMENT_GOOD, "impact_capacity": "5.01"}, narrative="好"
        ),
        InvalidInput,
        "社会影响与能力建设的得分 5.01 超过满分 5",
    ),
    (
        "a malformed date",
        "in_service",
        lambda s, c: lc.record_payment(s, c, OFFICER, amount="1.00", paid_on="2019-13-01"),
        InvalidInput,
        "拨付日期",
    ),
    (
        "a missing reason",
        "assessed",
        lambda s, c: lc.drop(s, c, OFFICER, reason=""),
        Refused,
        "须填写理由",
    ),
]


@pytest.mark.parametrize(
    ("stage", "action", "error", "message"),
    [pytest.param(*case[1:], id=case[0]) for case in REFUSALS],
)
def test_a_refused_action_leaves_the_database_exactly_as_it_was(
    session: Session,
    engine: Engine,
    stage: str,
    action: Action,
    error: type[ProcureError],
    message: str,
) -> None:
    plan = project_at(session, stage, Plan(proposals=ONE_PROPOSAL))
    before = snapshot(session, engine)

    with pytest.raises(error) as refused:
        action(session, plan.code)

    assert message in str(refused.value)
    assert snapshot(session, engine) == before


def test_a_reviewer_refused_inside_the_effect_may_then_record_a_correct_sheet(
    session: Session,
) -> None:
    plan = project_at(session, "reviewing", Plan(proposals=ONE_PROPOSAL))
    with pytest.raises(InvalidInput):
        lc.record_review(
            session, plan.code, REVIEWER, organization=QIHANG, scores={**REVIEW_GOOD, "team": 11}
        )

    result = lc.record_review(session, plan.code, REVIEWER, organization=QIHANG, scores=REVIEW_GOOD)

    assert result.to_state == "reviewing"
    project = queries.project_by_code(session, plan.code)
    proposal = queries.proposal_of(session, project, QIHANG)
    assert proposal is not None
    assert [(r.reviewer, str(r.total)) for r in queries.reviews_of(session, proposal)] == [
        (REVIEWER.name, "85.00")
    ]


def test_a_refused_transition_keeps_the_project_in_its_state_and_version(session: Session) -> None:
    plan = project_at(session, "awarded")
    project = queries.project_by_code(session, plan.code)
    version = project.version

    with pytest.raises(Refused):
        lc.sign_contract(
            session,
            plan.code,
            OFFICER,
            number="HT-1",
            amount="900000.01",
            start="2019-03-01",
            end="2019-12-31",
        )

    session.expire_all()
    project = queries.project_by_code(session, plan.code)
    assert (project.state, project.version) == ("awarded", version)


def test_an_over_long_contract_number_is_refused_in_plain_words(
    session: Session, engine: Engine
) -> None:
    plan = project_at(session, "awarded")
    before = snapshot(session, engine)

    with pytest.raises(InvalidInput, match="合同编号长 65 个字符，最多允许 64 个"):
        lc.sign_contract(
            session,
            plan.code,
            OFFICER,
            number="HT-" + "9" * 62,  # the column holds 64 characters
            amount="868000.00",
            start="2019-03-01",
            end="2019-12-31",
        )

    assert snapshot(session, engine) == before
