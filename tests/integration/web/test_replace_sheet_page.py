"""In the browser a reviewer replaces their own sheet from the project page while the panel
is open (issue 21, item 2)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from procure.store import queries
from tests.integration.builders import (
    CODE,
    QIHANG,
    REVIEW_AT_PASS,
    REVIEWERS,
    project_at,
)
from tests.integration.web.support import set_passwords, sign_in


def test_a_reviewer_replaces_their_sheet_from_the_project_page(
    client: TestClient, session: Session
) -> None:
    project_at(session, "reviewed")
    reviewer = REVIEWERS[0].name
    set_passwords(session, reviewer)
    csrf = sign_in(client, reviewer)
    sheet = "\n".join(f"{code}={score}" for code, score in REVIEW_AT_PASS.items())

    done = client.post(
        f"/projects/{CODE}/do/replace_review",
        data={"csrf_token": csrf, "organization": QIHANG, "scores": sheet},
        follow_redirects=False,
    )

    assert done.status_code == 303, done.text[-1500:]
    session.expire_all()
    proposal = queries.proposal_of(session, queries.project_by_code(session, CODE), QIHANG)
    assert proposal is not None
    mine = [r for r in queries.reviews_of(session, proposal) if r.reviewer == reviewer]
    assert [str(r.total) for r in mine] == ["60.00"]
    session.commit()
