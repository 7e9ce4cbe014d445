"""Review and assessment scores are corrected in the browser as the CLI corrects them: the
sheet's form with a reason, a confirmation page restating each changed score, and the old
score struck through with the reason on the project page (issue 21, item 1)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from procure.store import queries
from tests.integration.builders import (
    ASSESSMENT_EXCELLENT,
    ASSESSOR,
    CODE,
    QIHANG,
    REVIEW_AT_PASS,
    REVIEWERS,
    project_at,
    snapshot,
)
from tests.integration.web.support import confirm_form, fire_confirmed, set_passwords, sign_in
from tests.integration.web.test_assessment_pages import sheet_form
from tests.integration.web.test_own_sheet_pages import review_form

CORRECT_REVIEW = f"/projects/{CODE}/panel/sheet/correct"
CORRECT_ASSESSMENT = f"/projects/{CODE}/assessment/correct"
REASON = "录入时把第一项看错了行"


def _review_total(session: Session, reviewer: str) -> str:
    session.expire_all()
    proposal = queries.proposal_of(session, queries.project_by_code(session, CODE), QIHANG)
    assert proposal is not None
    total = next(
        str(r.total) for r in queries.reviews_of(session, proposal) if r.reviewer == reviewer
    )
    session.commit()
    return total


def _signed_in(client: TestClient, session: Session, login: str) -> str:
    set_passwords(session, login)
    return sign_in(client, login)


def test_a_reviewer_corrects_their_sheet_through_a_confirmation_and_the_old_score_stays_visible(
    client: TestClient, session: Session
) -> None:
    project_at(session, "reviewed")  # each reviewer: 85.00 for qihang
    reviewer = REVIEWERS[0].name
    csrf = _signed_in(client, session, reviewer)
    form = {"csrf_token": csrf, **review_form(REVIEW_AT_PASS), "reason": REASON}

    asked, done = fire_confirmed(client, CORRECT_REVIEW, form)

    assert "各项评分·需求分析" in asked and "→ 5" in asked and REASON in asked
    assert 'id="irreversible"' in asked
    assert done.status_code == 303, done.text[-800:]
    assert _review_total(session, reviewer) == "60.00"
    changes = client.get(f"/projects/{CODE}").text.split('id="changes"')[1]
    assert "<del>9" in changes and "<ins>5</ins>" in changes and REASON in changes


def test_a_sheet_correction_without_a_reason_or_with_an_altered_value_changes_nothing(
    client: TestClient, session: Session, engine: Engine
) -> None:
    project_at(session, "reviewed")
    csrf = _signed_in(client, session, REVIEWERS[0].name)
    form = {"csrf_token": csrf, **review_form(REVIEW_AT_PASS)}
    before = snapshot(session, engine)

    no_reason = client.post(CORRECT_REVIEW, data=form)
    page = client.post(CORRECT_REVIEW, data={**form, "reason": REASON}).text
    altered = {**confirm_form(page), "score-team": "10"}  # changed after it was confirmed
    replayed = client.post(CORRECT_REVIEW, data=altered, follow_redirects=False)

    assert no_reason.status_code == 400 and "理由" in no_reason.text
    assert replayed.status_code == 200 and 'id="confirm-form"' in replayed.text
    assert snapshot(session, engine) == before


def test_a_reviewer_cannot_correct_another_reviewers_sheet_nor_after_the_award(
    client: TestClient, session: Session, engine: Engine
) -> None:
    project_at(session, "awarded")
    csrf = _signed_in(client, session, REVIEWERS[1].name)
    before = snapshot(session, engine)
    others = {**review_form(REVIEW_AT_PASS), "organization": f"{QIHANG}/{REVIEWERS[0].name}"}

    forged = client.post(CORRECT_REVIEW, data={"csrf_token": csrf, **others, "reason": REASON})
    page = client.get(f"/projects/{CODE}/panel/sheet").text

    assert forged.status_code == 403
    assert CORRECT_REVIEW not in page  # past the stage corrections.yaml gives review sheets
    assert snapshot(session, engine) == before


def test_an_assessor_corrects_their_scores_from_the_assessment_page(
    client: TestClient, session: Session
) -> None:
    project_at(session, "assessment_recorded")  # 刘建国: 85.00
    csrf = _signed_in(client, session, ASSESSOR.name)
    assert CORRECT_ASSESSMENT in client.get(f"/projects/{CODE}/assessment").text
    form = {"csrf_token": csrf, **sheet_form(ASSESSMENT_EXCELLENT), "reason": REASON}

    asked, done = fire_confirmed(client, CORRECT_ASSESSMENT, form)

    assert "各项评分·" in asked and REASON in asked
    assert done.status_code == 303, done.text[-800:]
    session.expire_all()
    sheets = queries.assessment_sheets(session, queries.project_by_code(session, CODE))
    assert [(s.assessor, str(s.total)) for s in sheets] == [(ASSESSOR.name, "93.00")]
    session.commit()
    changes = client.get(f"/projects/{CODE}").text.split('id="changes"')[1]
    assert "<del>" in changes and REASON in changes


def test_another_assessor_has_no_sheet_to_correct(
    client: TestClient, session: Session, engine: Engine
) -> None:
    project_at(session, "assessment_recorded")
    csrf = _signed_in(client, session, "陈敏")
    before = snapshot(session, engine)

    refused = client.post(
        CORRECT_ASSESSMENT,
        data={"csrf_token": csrf, **sheet_form(ASSESSMENT_EXCELLENT), "reason": REASON},
    )

    assert refused.status_code == 404 and "陈敏" in refused.text
    assert snapshot(session, engine) == before
