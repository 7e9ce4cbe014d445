"""A reviewer replaces their own sheet until the panel is closed for award, an assessor
until the assessment is finalized (issue 21, item 2): the table holds the new sheet, the
trail keeps the old one in its row and its replay ends with the new one (the trail check
passes, and catches a forged sheet); afterwards the state rule refuses it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import Session

from procure.domain.errors import Refused
from procure.services.lifecycle import fire as lc
from procure.services.trail.check import trail_differences
from procure.store import audit, queries
from tests.integration.builders import (
    ASSESSMENT_GOOD,
    ASSESSMENT_PASS,
    ASSESSOR,
    CODE,
    NARRATIVES,
    OFFICER,
    QIHANG,
    REVIEW_AT_PASS,
    REVIEW_GOOD,
    REVIEWERS,
    Plan,
    project_at,
)

REVIEWER = REVIEWERS[0]


def _replace(session: Session, scores: dict[str, str | int]) -> lc.TransitionResult:
    params = {"organization": QIHANG, "scores": scores}
    return lc.advance(session, CODE, "replace_review", REVIEWER, params=params)


def _sheet(session: Session) -> Decimal:
    proposal = queries.proposal_of(session, queries.project_by_code(session, CODE), QIHANG)
    assert proposal is not None
    (review,) = [r for r in queries.reviews_of(session, proposal) if r.reviewer == REVIEWER.name]
    return review.total


def test_a_reviewer_replaces_their_own_sheet_while_the_panel_is_open(session: Session) -> None:
    project_at(session, "reviewed")
    assert _sheet(session) == Decimal("85.00")

    result = _replace(session, dict(REVIEW_AT_PASS))

    assert (result.from_state, result.to_state) == ("reviewing", "reviewing")
    assert _sheet(session) == Decimal("60.00")
    row = audit.rows_for_project(session, CODE)[-1]
    assert row.trigger == "replace_review" and row.actor == REVIEWER.name
    assert '"replaced_total":"85.00"' in row.data and '"total":"60.00"' in row.data
    assert trail_differences(session) == []  # the replay ends with the new sheet
    session.commit()


def test_a_forged_sheet_after_a_replacement_is_caught_by_the_trail_check(
    session: Session,
) -> None:
    project_at(session, "reviewed")
    _replace(session, dict(REVIEW_AT_PASS))
    proposal = queries.proposal_of(session, queries.project_by_code(session, CODE), QIHANG)
    assert proposal is not None

    (review,) = [r for r in queries.reviews_of(session, proposal) if r.reviewer == REVIEWER.name]
    review.total = Decimal("85.00")  # edited behind procure's back
    session.add(review)
    session.flush()

    found = trail_differences(session)
    assert any("review" in str(difference) for difference in found), found
    session.rollback()


def test_a_reviewer_without_a_sheet_has_nothing_to_replace(session: Session) -> None:
    project_at(session, "reviewing")

    with pytest.raises(Refused, match="尚未为该方案提交评分表"):
        _replace(session, dict(REVIEW_GOOD))


def test_after_the_award_a_sheet_is_not_replaced_and_stays_as_it_was(session: Session) -> None:
    project_at(session, "awarded", Plan())

    with pytest.raises(Refused, match="^不能办理「替换本人评分表」：项目当前为「已中选」状态"):
        _replace(session, dict(REVIEW_AT_PASS))
    assert _sheet(session) == Decimal("85.00")


def test_a_reviewer_replaces_only_their_own_sheet(session: Session) -> None:
    project_at(session, "reviewed")

    with pytest.raises(Refused, match="项目干事无权办理"):
        params = {"organization": QIHANG, "scores": dict(REVIEW_AT_PASS)}
        lc.advance(session, CODE, "replace_review", OFFICER, params=params)
    assert _sheet(session) == Decimal("85.00")


def _reassess(session: Session, scores: dict[str, object]) -> lc.TransitionResult:
    params = {"scores": scores, "narratives": NARRATIVES}
    return lc.advance(session, CODE, "replace_assessment", ASSESSOR, params=params)


def _assessed_total(session: Session) -> Decimal:
    project = queries.project_by_code(session, CODE)
    (sheet,) = queries.assessment_sheets(session, project)
    return sheet.total


def test_an_assessor_replaces_their_own_sheet_until_finalization(session: Session) -> None:
    project_at(session, "assessment_recorded")
    assert _assessed_total(session) == Decimal("85.00")

    result = _reassess(session, dict(ASSESSMENT_PASS))

    assert result.to_state == "assessing"
    assert _assessed_total(session) == Decimal("70.00")
    row = audit.rows_for_project(session, CODE)[-1]
    assert row.trigger == "replace_assessment" and '"replaced_total":"85.00"' in row.data
    assert trail_differences(session) == []
    session.commit()


def test_a_forged_assessment_sheet_after_a_replacement_is_caught(session: Session) -> None:
    project_at(session, "assessment_recorded")
    _reassess(session, dict(ASSESSMENT_PASS))

    (sheet,) = queries.assessment_sheets(session, queries.project_by_code(session, CODE))
    sheet.total = Decimal("85.00")  # edited behind procure's back
    session.add(sheet)
    session.flush()

    assert any("assessment" in str(found) for found in trail_differences(session))
    session.rollback()


def test_a_finalized_assessment_is_not_replaced(session: Session) -> None:
    project_at(session, "assessed")

    with pytest.raises(Refused, match="^不能办理「替换本人考核评分表」：项目当前为"):
        _reassess(session, dict(ASSESSMENT_PASS))
    assert _assessed_total(session) == Decimal("85.00")


def test_an_assessor_without_a_sheet_has_nothing_to_replace(session: Session) -> None:
    project_at(session, "assessing")

    with pytest.raises(Refused, match="无可替换"):
        _reassess(session, dict(ASSESSMENT_GOOD))
