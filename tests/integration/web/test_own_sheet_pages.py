"""A reviewer sees their own sheet on the sheet page and replaces it there until the panel is
closed for award; an assessor replaces theirs on the assessment page until finalization
(issue 21, items 2 and 3). Another account, a forged form or a late one changes nothing."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from procure.services.lifecycle import fire as lc
from procure.store import audit, queries
from tests.integration.builders import (
    ASSESSMENT_EXCELLENT,
    ASSESSOR,
    CODE,
    OFFICER,
    QIHANG,
    REVIEW_AT_PASS,
    REVIEW_GOOD,
    REVIEWERS,
    project_at,
    snapshot,
)
from tests.integration.web.support import set_passwords, sign_in
from tests.integration.web.test_assessment_pages import sheet_form

SHEET = f"/projects/{CODE}/panel/sheet"
ASSESSMENT = f"/projects/{CODE}/assessment"


def review_form(scores: Mapping[str, object], organization: str = QIHANG) -> dict[str, str]:
    """The sheet page's form for one proposal, as a browser posts it (without the token)."""
    return {"organization": organization, **{f"score-{c}": str(v) for c, v in scores.items()}}


def _totals(session: Session, uscc: str = QIHANG) -> dict[str, str]:
    session.expire_all()
    proposal = queries.proposal_of(session, queries.project_by_code(session, CODE), uscc)
    assert proposal is not None
    totals = {r.reviewer: str(r.total) for r in queries.reviews_of(session, proposal)}
    session.commit()  # a SQLite read holds the write lock until its transaction ends
    return totals


def _facts(session: Session) -> tuple[dict[str, str], int]:
    """The sheets' totals and the number of audit rows of the project."""
    totals = _totals(session)
    rows = len(audit.rows_for_project(session, CODE))
    session.commit()
    return totals, rows


def _reviewer(client: TestClient, session: Session, who: int = 0) -> str:
    set_passwords(session, REVIEWERS[who].name)
    return sign_in(client, REVIEWERS[who].name)


def test_a_reviewer_sees_their_own_sheet_and_not_the_others(
    client: TestClient, session: Session
) -> None:
    project_at(session, "reviewed")  # every reviewer scored REVIEW_GOOD: 85.00 for qihang
    low = {**REVIEW_AT_PASS, "needs_analysis": 1}
    lc.perform(
        session,
        CODE,
        "replace_review",
        REVIEWERS[1],
        params={"organization": QIHANG, "scores": low},
    )
    session.commit()
    _reviewer(client, session)

    page = client.get(SHEET).text

    own = page.split(f'id="own-{QIHANG}"')[1].split("</table>")[0]
    assert "需求分析" in own and "<td>9</td>" in own and "85.00" in page
    assert "56.00" not in page  # 周敏's total for the same proposal: the panel page's business
    assert 'value="18"' in page  # the replace form is filled with the own answers
    assert "替换评分表" in page


def test_a_reviewer_replaces_their_sheet_on_the_sheet_page(
    client: TestClient, session: Session
) -> None:
    project_at(session, "reviewed")
    csrf = _reviewer(client, session)

    done = client.post(
        f"{SHEET}/replace",
        data={"csrf_token": csrf, **review_form(REVIEW_AT_PASS)},
        follow_redirects=False,
    )

    assert done.status_code == 303, done.text[-800:]
    assert "已替换本人评分表" in client.get(done.headers["location"]).text
    totals = _totals(session)
    assert totals[REVIEWERS[0].name] == "60.00" and totals[REVIEWERS[1].name] == "85.00"
    assert audit.rows_for_project(session, CODE)[-1].trigger == "replace_review"


def test_a_bad_score_in_the_replacement_is_named_beside_its_field_and_changes_nothing(
    client: TestClient, session: Session, engine: Engine
) -> None:
    project_at(session, "reviewed")
    csrf = _reviewer(client, session)
    before = snapshot(session, engine)

    bad = client.post(
        f"{SHEET}/replace",
        data={"csrf_token": csrf, **review_form({**REVIEW_GOOD, "team": "99"})},
    )

    assert bad.status_code == 400
    assert "超过满分" in bad.text
    assert snapshot(session, engine) == before


def test_replacing_is_refused_without_an_own_sheet_by_another_account_or_a_forged_form(
    client: TestClient, session: Session
) -> None:
    project_at(session, "reviewing")  # nobody has scored yet
    lc.perform(
        session,
        CODE,
        "record_review",
        REVIEWERS[1],
        params={"organization": QIHANG, "scores": REVIEW_GOOD},
    )
    session.commit()
    set_passwords(session, OFFICER.name)
    csrf = _reviewer(client, session)
    before = _facts(session)

    no_sheet = client.post(
        f"{SHEET}/replace", data={"csrf_token": csrf, **review_form(REVIEW_AT_PASS)}
    )
    no_token = client.post(f"{SHEET}/replace", data=review_form(REVIEW_AT_PASS))
    officer = sign_in(client, OFFICER.name)
    not_a_reviewer = client.post(
        f"{SHEET}/replace", data={"csrf_token": officer, **review_form(REVIEW_AT_PASS)}
    )

    assert no_sheet.status_code == 403 and "无可替换" in no_sheet.text
    assert no_token.status_code in (400, 403)
    assert not_a_reviewer.status_code == 403
    assert _facts(session) == before


def test_after_the_award_the_own_sheet_is_shown_and_replacing_it_is_refused_with_the_rule(
    client: TestClient, session: Session, engine: Engine
) -> None:
    project_at(session, "awarded")
    csrf = _reviewer(client, session)
    before = snapshot(session, engine)

    page = client.get(SHEET).text
    late = client.post(f"{SHEET}/replace", data={"csrf_token": csrf, **review_form(REVIEW_AT_PASS)})

    assert f'id="own-{QIHANG}"' in page and "85.00" in page
    assert "不能再替换" in page and f"{SHEET}/replace" not in page
    assert late.status_code == 403 and "不能办理「替换本人评分表」" in late.text
    assert snapshot(session, engine) == before


def _assessor(client: TestClient, session: Session, login: str = ASSESSOR.name) -> str:
    set_passwords(session, login)
    return sign_in(client, login)


def _assessed_totals(session: Session) -> list[tuple[str, str]]:
    session.expire_all()
    project = queries.project_by_code(session, CODE)
    rows = [(s.assessor, str(s.total)) for s in queries.assessment_sheets(session, project)]
    session.commit()
    return rows


def test_the_assessor_replaces_their_sheet_on_the_assessment_page(
    client: TestClient, session: Session
) -> None:
    project_at(session, "assessment_recorded")  # 刘建国 scored ASSESSMENT_GOOD: 85.00
    csrf = _assessor(client, session)

    page = client.get(ASSESSMENT).text
    done = client.post(
        f"{ASSESSMENT}/replace",
        data={"csrf_token": csrf, **sheet_form(ASSESSMENT_EXCELLENT)},
        follow_redirects=False,
    )

    assert "替换评分表" in page and 'name="c.project_management.score" value="17"' in page
    assert done.status_code == 303, done.text[-800:]
    assert _assessed_totals(session)[-1] == (ASSESSOR.name, "93.00")
    assert audit.rows_for_project(session, CODE)[-1].trigger == "replace_assessment"


def test_another_assessor_or_a_finalized_assessment_refuses_the_replacement(
    client: TestClient, session: Session, engine: Engine
) -> None:
    project_at(session, "assessment_recorded")
    other = _assessor(client, session, "陈敏")  # an assessor with no sheet of their own here
    before = snapshot(session, engine)
    refused = client.post(
        f"{ASSESSMENT}/replace", data={"csrf_token": other, **sheet_form(ASSESSMENT_EXCELLENT)}
    )
    assert refused.status_code == 403 and "无可替换" in refused.text
    assert snapshot(session, engine) == before


def test_after_finalization_the_assessor_cannot_replace_their_sheet(
    client: TestClient, session: Session, engine: Engine
) -> None:
    project_at(session, "assessed")
    csrf = _assessor(client, session)
    before = snapshot(session, engine)

    page = client.get(ASSESSMENT).text
    late = client.post(
        f"{ASSESSMENT}/replace", data={"csrf_token": csrf, **sheet_form(ASSESSMENT_EXCELLENT)}
    )

    assert f"{ASSESSMENT}/replace" not in page and "替换评分表" not in page
    assert late.status_code == 403 and "不能办理「替换本人考核评分表」" in late.text
    assert snapshot(session, engine) == before
