"""The matrix of issue 20, generated from workflows/visibility.yaml: every fact of the world
carries a marker; every surface is rendered as every viewer; each marker must appear exactly
where the policy lets that viewer see that fact, and nowhere else. A page, export or command
the viewer may not see at all answers exactly as for a project that does not exist.

The expected answer is worked out here, from the policy and a plain statement of each
viewer's relation to each fact (``matrix.py``), not by the gate under test. A fact kind or a
page of the app that the matrix does not cover fails
:func:`test_every_fact_kind_and_page_is_in_the_matrix` until it is added (or listed, with the
reason, as not probed). The public surfaces (notice pages, the purchaser's page, the Atom
feed, the open data) are read as the public.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import Engine

from procure.domain.visibility import FACT_KINDS, STAFF_RELATIONS, Moments, VisibilityPolicy
from procure.services.opendata.ocds import release_package
from procure.store import jobs as job_store
from procure.store import queries
from procure.store.db import new_session
from procure.store.models import Purchaser
from tests.integration.records import squeezed
from tests.integration.visibility.conftest import Browsers
from tests.integration.visibility.matrix import (
    AWARDED,
    FACTS,
    PUBLIC_FACTS,
    VIEWERS,
    Fact,
    Viewer,
    expected,
    public_expected,
)
from tests.integration.visibility.surfaces import (
    FILES,
    SHOWN,
    SURFACES,
    Answer,
    Surface,
    same_refusal,
    unknown_answer,
)
from tests.integration.visibility.world import (
    AWARD_RECUSAL,
    AWARDED_ONLY,
    CORRECTION_REASON,
    FINISHED,
    REVIEWING,
)

NOT_PROBED = {
    "award": "visible to every relation at every stage: nothing to refuse",
}
NOT_THROUGH_THE_GATE = {
    # pages that show no project's confidential facts
    "/",
    "/healthz",
    "/signin",
    "/account/password",
    "/due",
    "/renewal",
    "/audit/verify",
    "/admin",
    "/admin/registry",
    "/admin/calendar",
    "/admin/backups",
    "/admin/visibility",
    "/public/",
    "/projects/{code}/objection",
    "/projects/{code}/panel/sheet",
    "/projects/{code}/panel/template.xlsx",
    "/projects/{code}/assessment/template.xlsx",
}
GATED_ELSEWHERE = {  # through the gate, tested in the files named
    "/projects",  # the award and contract columns: test_listing (and its xlsx here)
    "/projects/{code}/assessment",  # test_three_leaks
    "/dashboard",  # test_three_leaks
    "/records",  # test_three_leaks
    "/jobs/{job_id}/download",  # tests/integration/jobs/test_job_visibility.py
    # attached files, each through the gate as its fact: tests/integration/documents/ and
    # tests/integration/web/test_document_pages.py
    "/attachments/{attachment_id}",
    "/attachments/{attachment_id}/download",
}
PROBED = {
    "/projects/{code}",
    "/projects/{code}/panel",
    "/projects/{code}/documents",
    "/projects/{code}/record",
    "/projects.xlsx",
    "/projects.csv",
    "/mine",
    "/jobs/{job_id}",
    "/audit",
    "/public/notices/{code}",
    "/public/purchasers/{code}",
    "/public/feed.atom",
}
PROBED_KINDS = {kind for fact in (*FACTS, *PUBLIC_FACTS) for kind in fact.kinds} | {
    "evaluation_record",  # the record refused whole (Surface.whole)
    "job_result",  # test_a_job_page_is_shown_exactly_when_the_policy_lets_its_owner_see_it
}


def _shown(fact: Fact, text: str) -> bool:
    return any(marker in text or squeezed(marker) in text for marker in fact.markers)


def _refused(policy: VisibilityPolicy, surface: Surface, viewer: Viewer, code: str) -> bool:
    """Whether the surface must answer ``viewer`` as for an unknown project ``code``."""
    if surface.listing:
        return False
    if surface.organizations_only:
        return viewer.organization is None
    if code not in viewer.reaches:
        return True
    if surface.whole is None:
        return False
    owner = Fact("the page", (surface.whole,), code, (), AWARDED[code])
    return not expected(policy, viewer, owner)


CASES = [
    pytest.param(surface, viewer, id=f"{surface.name}-{viewer.login}")
    for surface in SURFACES
    for viewer in VIEWERS
]


@pytest.mark.parametrize(("surface", "viewer"), CASES)
def test_each_marker_appears_exactly_where_the_policy_allows(
    surface: Surface, viewer: Viewer, browsers: Browsers, world: Engine, policy: VisibilityPolicy
) -> None:
    answers: dict[str, Answer] = {}
    for code in sorted(surface.exists_on):
        if (surface.listing or surface.organizations_only) and answers:
            answers[code] = next(iter(answers.values()))  # one page for every project
            continue
        answer = surface.read(browsers, world, viewer.login, code)
        if _refused(policy, surface, viewer, code):
            missing = unknown_answer(surface, browsers, world, viewer.login)
            assert same_refusal(answer, missing, code), (code, answer, missing)
        else:
            assert answer.status == SHOWN, (code, answer)
        answers[code] = answer
    wrong = []
    for fact in FACTS:
        if fact.project not in answers:
            continue
        if not set(fact.kinds) <= surface.shows:
            if set(fact.kinds) <= FILES and _shown(fact, answers[fact.project].text):
                wrong.append(f"{fact.name}: shown where no file is listed")
            continue
        if surface.only and fact.name not in surface.only:
            continue
        answer = answers[fact.project]
        shown = answer.status == SHOWN and _shown(fact, answer.text)
        allowed = expected(policy, viewer, fact) and not _refused(
            policy, surface, viewer, fact.project
        )
        if surface.organizations_only and viewer.organization != fact.owner:
            allowed = False
        if shown != allowed:
            wrong.append(f"{fact.name}: {'shown' if shown else 'missing'}")
    assert wrong == []


def test_awarded_not_contracted_the_bidders_see_the_notice_but_not_the_record(
    browsers: Browsers, policy: VisibilityPolicy
) -> None:
    # the stage the matrix needs SM-2020-011 for: cells of after_award are passed, of
    # after_contract not (tongxin's sheets, its spread flag and the recusal on it)
    assert policy.when("review_sheet", "own_organization") == "after_award"
    assert policy.when("review_sheet", "winner") == "after_contract"
    assert policy.when("spread_flags", "own_organization") == "after_contract"
    assert policy.when("recusal", "own_organization") == "after_contract"
    own = browsers.get("tongxin", f"/projects/{AWARDED_ONLY}/panel").text
    assert "70.25" in own  # 黄志明's sheet on tongxin
    assert "分歧较大" not in own
    assert AWARD_RECUSAL not in own
    winner = browsers.get("qihang", f"/projects/{AWARDED_ONLY}/panel").text
    assert "72.92" in winner
    assert "70.25" not in winner


@pytest.fixture(scope="module")
def officers_job(world: Engine) -> int:
    """A finished job the officer asked for."""
    with new_session(world) as session:
        job = job_store.new_job(
            session,
            kind="verify",
            key="verify:matrix",
            params={},
            requested_by="李秀梅",
            at=datetime(2024, 3, 1, tzinfo=UTC),
        )
        session.commit()
        assert job.id is not None
        return job.id


@pytest.mark.parametrize("viewer", VIEWERS, ids=lambda viewer: viewer.login)
def test_a_job_page_is_shown_exactly_when_the_policy_lets_its_owner_see_it(
    viewer: Viewer, officers_job: int, browsers: Browsers, policy: VisibilityPolicy
) -> None:
    page = browsers.get(viewer.login, f"/jobs/{officers_job}")
    missing = browsers.get(viewer.login, f"/jobs/{officers_job + 1000}")
    done = Moments(own_sheets_done=True, awarded=True, contracted=True)
    staff = {viewer.staff} if viewer.staff in STAFF_RELATIONS else set()
    allowed = viewer.login == "李秀梅" and policy.allows("job_result", staff, done)
    if allowed:
        assert page.status_code == SHOWN
    else:
        # the same page but for the number (said, and in the language switch's way back)
        hidden = page.text.replace(f"任务 #{officers_job} 不存在", "任务 #N 不存在")
        hidden = hidden.replace(f"/jobs/{officers_job}", "/jobs/N")
        unknown = missing.text.replace(f"任务 #{officers_job + 1000} 不存在", "任务 #N 不存在")
        unknown = unknown.replace(f"/jobs/{officers_job + 1000}", "/jobs/N")
        assert page.status_code == missing.status_code == 404
        assert hidden == unknown


def test_the_audit_trail_shows_a_row_exactly_when_the_policy_lets_the_auditor_see_its_fact(
    browsers: Browsers, policy: VisibilityPolicy
) -> None:
    page = browsers.get("何静", f"/audit?project={FINISHED}")
    assert page.status_code == 200
    after = Moments(awarded=True, contracted=True)
    for trigger, kind in (("record_inspection", "inspection"), ("record_payment", "payment")):
        assert (f'data-trigger="{trigger}"' in page.text) == policy.allows(kind, {"auditor"}, after)
    assert 'data-trigger="start_service"' in page.text
    reviewing = browsers.get("何静", f"/audit?project={REVIEWING}")
    assert reviewing.status_code == 200
    correction = ("correction", "recusal", "reviewer_identity")
    seen = all(policy.allows(kind, {"auditor"}, Moments()) for kind in correction)
    assert ('data-trigger="correct"' in reviewing.text) == seen
    assert (CORRECTION_REASON in reviewing.text) == seen
    assert 'data-trigger="record_recusal"' in reviewing.text


def _purchaser_page(browsers: Browsers, world: Engine, code: str) -> str:
    with new_session(world) as session:
        project = queries.project_by_code(session, code)
        purchaser = session.get(Purchaser, project.purchaser_id)
        assert purchaser is not None
        path = f"/public/purchasers/{purchaser.code}?year={project.year}"
    return str(browsers.get(None, path).text)


def _open_data(_browsers: Browsers, world: Engine, code: str) -> str:
    with new_session(world) as session:
        year = queries.project_by_code(session, code).year
        package = release_package(session, year)
    (release,) = [r for r in package["releases"] if r["ocid"].endswith(code)]
    return json.dumps(release, ensure_ascii=False, default=str)


PUBLIC_SURFACES: dict[str, tuple[frozenset[str], Callable[[Browsers, Engine, str], str]]] = {
    "notice page": (
        frozenset({"proposal", "reviewer_identity", "objection", "recusal"}),
        lambda browsers, _world, code: str(browsers.get(None, f"/public/notices/{code}").text),
    ),
    "purchaser page": (
        frozenset({"contract", "assessment_result", "assessment", "objection"}),
        _purchaser_page,
    ),
    "Atom feed": (
        frozenset(),
        lambda browsers, _world, _code: str(browsers.get(None, "/public/feed.atom").text),
    ),
    "open data (OCDS)": (
        frozenset(
            {"proposal", "reviewer_identity", "contract", "payment", "amendment", "objection"}
            | {"assessment_result"}
        ),
        _open_data,
    ),
}


@pytest.mark.parametrize("surface", list(PUBLIC_SURFACES))
def test_a_public_surface_shows_a_fact_exactly_when_the_policy_lets_the_public_see_it(
    surface: str, browsers: Browsers, world: Engine, policy: VisibilityPolicy
) -> None:
    shows, read = PUBLIC_SURFACES[surface]
    texts = {code: read(browsers, world, code) for code in AWARDED}
    wrong = []
    for fact in PUBLIC_FACTS:
        shown = _shown(fact, texts[fact.project])
        allowed = public_expected(policy, fact)
        if shown and not allowed or set(fact.kinds) <= shows and shown != allowed:
            wrong.append(f"{fact.name}: {'shown' if shown else 'missing'}")
    assert wrong == []


def test_every_fact_kind_and_page_is_in_the_matrix(app_routes: set[str]) -> None:
    assert PROBED_KINDS | set(NOT_PROBED) == set(FACT_KINDS)
    assert not PROBED_KINDS & set(NOT_PROBED)
    known = PROBED | GATED_ELSEWHERE | NOT_THROUGH_THE_GATE
    assert app_routes - known == set(), "a new page: put it in the matrix"
    assert known - app_routes == set(), "a page that is gone: take it out of the matrix"


@pytest.fixture(scope="module")
def app_routes(browsers: Browsers) -> set[str]:
    """Every page of the app (GET), its included routers' too."""
    found: set[str] = set()
    pending = list(browsers.client.app.routes)  # type: ignore[attr-defined]
    while pending:
        route = pending.pop()
        if isinstance(route, APIRoute):
            if "GET" in route.methods:
                found.add(route.path)
        elif hasattr(route, "original_router"):  # an included router
            pending.extend(route.original_router.routes)
    return found
