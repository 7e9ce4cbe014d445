"""The matrix of issue 20, generated from workflows/visibility.yaml: every fact of the world
carries a marker; every surface is rendered as every viewer; each marker must appear exactly
where the policy lets that viewer see that fact, and nowhere else.

The expected answer is worked out here, from the policy and a plain statement of each
viewer's relation to each fact (not by the gate under test). A fact kind or a page of the app
that the matrix does not cover fails :func:`test_every_fact_kind_and_page_is_in_the_matrix`
until it is added (or listed, with the reason, as not probed).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import Engine

from procure.domain.visibility import (
    FACT_KINDS,
    Moments,
    VisibilityPolicy,
)
from procure.services.opendata.ocds import release_package
from procure.store.db import new_session
from tests.e2e.cli import procure
from tests.integration.visibility.conftest import Browsers
from tests.integration.visibility.world import (
    AMENDMENT_RATIONALE,
    CORRECTION_REASON,
    FINISHED,
    QIHANG,
    RECUSAL_REASON,
    RECUSED,
    RENHE,
    REVIEWING,
    TONGXIN,
)


@dataclass(frozen=True)
class Viewer:
    """One account of the demo and what it is to the world's projects."""

    login: str
    staff: str | None = None
    organization: str | None = None
    reviews: frozenset[str] = frozenset()  # projects it has scored (or recused) completely
    reaches: frozenset[str] = frozenset({REVIEWING, FINISHED})


VIEWERS = (
    Viewer("李秀梅", staff="officer"),
    Viewer("张志远", staff="leader"),
    Viewer("王丽华", staff="supervisor"),
    Viewer("厦门市社会组织评估中心·刘建国", staff="assessor"),
    Viewer("何静", staff="auditor"),
    Viewer("admin", staff="admin"),
    Viewer("陈建华", reviews=frozenset({REVIEWING, FINISHED})),
    Viewer("林晓燕"),
    Viewer(RECUSED),
    Viewer("qihang", organization=QIHANG, reaches=frozenset({REVIEWING})),
    Viewer("tongxin", organization=TONGXIN),
    Viewer("renhe", organization=RENHE, reaches=frozenset({FINISHED})),
)
AWARDED = {REVIEWING: None, FINISHED: TONGXIN}


@dataclass(frozen=True)
class Fact:
    """A marker in the world: the kinds of fact it shows (all must be visible), on which
    project, about which organization, written by which reviewer; ``needs``: kinds that
    must be visible too without the surface showing them (a correction needs the fact it
    corrects)."""

    name: str
    kinds: tuple[str, ...]
    project: str
    markers: tuple[str, ...]
    owner: str | None = None
    author: str | None = None
    needs: tuple[str, ...] = ()


FACTS = (
    Fact("rival price", ("proposal",), REVIEWING, ("296,000.00", "296000.00"), TONGXIN),
    Fact("own price", ("proposal",), REVIEWING, ("288,000.00", "288000.00"), QIHANG),
    Fact(
        "a reviewer's sheet and name",
        ("review_sheet", "reviewer_identity"),
        REVIEWING,
        ("黄志明",),
        QIHANG,
        "黄志明",
    ),
    Fact("a sheet's total", ("review_sheet",), REVIEWING, ("82.00",), QIHANG, "黄志明"),
    Fact("the panel score", ("panel_result",), REVIEWING, ("87.00",), QIHANG),
    Fact("a spread flag", ("spread_flags",), REVIEWING, ("分歧较大",), QIHANG),
    Fact("a recusal", ("recusal",), REVIEWING, (RECUSAL_REASON,), TONGXIN, RECUSED),
    Fact("the contract", ("contract",), FINISHED, ("思总工购〔2019〕2号",), TONGXIN),
    Fact("a payment", ("payment",), FINISHED, ("310,400.00", "310400.00"), TONGXIN),
    Fact("an inspection", ("inspection",), FINISHED, ("已建立社会组织联系台账",), TONGXIN),
    Fact("the narrative", ("assessment",), FINISHED, ("建议下一年度改进培训课程",), TONGXIN),
    Fact("the comment", ("organization_comment",), FINISHED, ("认可考核结论",), TONGXIN),
    Fact("an objection", ("objection",), FINISHED, ("我会报价最低",), RENHE),
    Fact("a process step", ("audit_row",), FINISHED, ("start_service", "开始履约")),
    Fact(
        "a correction of a recusal",
        ("correction",),
        REVIEWING,
        (CORRECTION_REASON,),
        TONGXIN,
        RECUSED,
        needs=("recusal", "reviewer_identity"),
    ),
    Fact("an amendment", ("amendment", "contract"), FINISHED, (AMENDMENT_RATIONALE,), TONGXIN),
    Fact("the winner's price", ("proposal",), FINISHED, ("776,000.00", "776000.00"), TONGXIN),
)
PUBLIC_FACTS = (
    # what the public pages could show of the finished project: (kinds, markers)
    Fact("a reviewer's name", ("reviewer_identity",), FINISHED, ("周海涛",), author="周海涛"),
    Fact("an objection", ("objection",), FINISHED, ("我会报价最低",), RENHE),
    Fact("the winner's price", ("proposal",), FINISHED, ("776,000.00",), TONGXIN),
    Fact("a payment", ("payment",), FINISHED, ("310,400.00",), TONGXIN),
    Fact("an inspection", ("inspection",), FINISHED, ("已建立社会组织联系台账",), TONGXIN),
    Fact("a recusal", ("recusal",), REVIEWING, (RECUSAL_REASON,), TONGXIN, RECUSED),
    Fact("a rival's price under review", ("proposal",), REVIEWING, ("296,000.00",), TONGXIN),
)

NOT_PROBED = {
    **dict.fromkeys(
        (
            "proposal_documents",
            "contract_documents",
            "inspection_documents",
            "assessment_documents",
            "comment_documents",
            "objection_documents",
        ),
        "attached files: listed and opened per relation in tests/integration/documents/",
    ),
    "award": "visible to every relation at every stage: nothing to refuse",
    "evaluation_record": "a whole PDF: refused as a whole (test_three_leaks), not marker by marker",
    "job_result": "a job's page is refused whole (tests/integration/jobs/test_job_visibility.py)",
}


@dataclass(frozen=True)
class Surface:
    """A page or command, the kinds of fact it shows at all, and how to read it as a viewer."""

    name: str
    shows: frozenset[str]
    read: Callable[[Browsers, Engine, str, str], str | None]  # None: refused as unknown
    organizations_only: bool = False  # the organization's own page: its own facts, all projects


def _page(suffix: str) -> Callable[[Browsers, Engine, str, str], str | None]:
    def read(browsers: Browsers, _world: Engine, login: str, code: str) -> str | None:
        response = browsers.get(login, f"/projects/{code}{suffix}")
        if response.status_code == 404:
            return None
        assert response.status_code == 200, (login, code, suffix, response.status_code)
        return str(response.text)

    return read


def _mine(browsers: Browsers, _world: Engine, login: str, _code: str) -> str | None:
    response = browsers.get(login, "/mine")
    if response.status_code == 403:
        return None
    assert response.status_code == 200, (login, response.status_code)
    return str(response.text)


def _command(name: str) -> Callable[[Browsers, Engine, str, str], str | None]:
    def read(_browsers: Browsers, world: Engine, login: str, code: str) -> str | None:
        db = world.url.render_as_string(hide_password=False)
        run = procure(name, code, "--by", login, "--json", db=db)
        if run.code != 0:
            assert "unknown project" in run.stderr, run
            return None
        return json.dumps(run.json(), ensure_ascii=False)

    return read


PANEL_FACTS = {"proposal", "review_sheet", "reviewer_identity", "panel_result", "spread_flags"}
DETAIL_FACTS = {"proposal", "review_sheet", "reviewer_identity", "panel_result", "contract"}
CONTRACT_LIFE = {"payment", "inspection", "assessment"}
CHANGES = {"correction", "amendment"}
SURFACES = (
    Surface(
        "project page",
        frozenset(DETAIL_FACTS | CONTRACT_LIFE | CHANGES | {"audit_row"}),
        _page(""),
    ),
    Surface("panel page", frozenset(PANEL_FACTS | {"recusal"}), _page("/panel")),
    Surface(
        "procure show --json",
        frozenset(DETAIL_FACTS | CONTRACT_LIFE | CHANGES),
        _command("show"),
    ),
    Surface(
        "procure history --json",
        frozenset(
            {"proposal", "review_sheet", "reviewer_identity", "recusal", "contract"}
            | CONTRACT_LIFE
            | CHANGES
            | {"organization_comment", "objection", "audit_row"}
        ),
        _command("history"),
    ),
    Surface(
        "我的项目 /mine",
        frozenset({"proposal", "contract", "payment", "inspection"}),
        _mine,
        organizations_only=True,
    ),
)
NOT_THROUGH_THE_GATE = {
    # pages that do not show a project's confidential facts, or whose gate is still to come
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
    "/public/purchasers/{code}",
    "/public/feed.atom",
    "/projects/{code}/objection",
    "/projects/{code}/panel/sheet",
    "/projects/{code}/panel/template.xlsx",
    "/projects/{code}/assessment/template.xlsx",
}
GATED_WHOLE = {  # through the gate, tested in test_three_leaks
    "/projects",  # the award and contract columns: test_listing
    "/projects.csv",
    "/projects.xlsx",
    "/projects/{code}/assessment",
    "/projects/{code}/record",
    "/dashboard",
    "/records",
    "/jobs/{job_id}",  # and tests/integration/jobs/test_job_visibility.py
    "/jobs/{job_id}/download",
}
PROBED = {
    "/projects/{code}",
    "/projects/{code}/panel",
    "/mine",
    "/public/notices/{code}",
    "/audit",
}


def relations(viewer: Viewer, fact: Fact) -> set[str]:
    """The viewer's relations to the fact, stated plainly (the rule the gate must follow)."""
    found = {"public"}
    if viewer.staff:
        found.add(viewer.staff)
    elif viewer.organization:
        if viewer.organization == fact.owner:
            found.add("own_organization")
        elif AWARDED[fact.project] == viewer.organization:
            found.add("winner")
        else:
            found.add("other_bidder")
    else:
        found.add("author" if viewer.login == fact.author else "panel")
    return found


def expected(policy: VisibilityPolicy, viewer: Viewer, fact: Fact) -> bool:
    if fact.project not in viewer.reaches:
        return False
    moments = Moments(
        own_sheets_done=fact.project in viewer.reviews,
        awarded=AWARDED[fact.project] is not None,
        contracted=fact.project == FINISHED,
    )
    kinds = (*fact.kinds, *fact.needs)
    return all(policy.allows(kind, relations(viewer, fact), moments) for kind in kinds)


CASES = [
    pytest.param(surface, viewer, id=f"{surface.name}-{viewer.login}")
    for surface in SURFACES
    for viewer in VIEWERS
]


@pytest.mark.parametrize(("surface", "viewer"), CASES)
def test_each_marker_appears_exactly_where_the_policy_allows(
    surface: Surface, viewer: Viewer, browsers: Browsers, world: Engine, policy: VisibilityPolicy
) -> None:
    texts = {code: surface.read(browsers, world, viewer.login, code) for code in AWARDED}
    for code, text in texts.items():
        if surface.organizations_only:
            assert (text is None) == (viewer.organization is None), "only organizations"
        else:
            assert (text is None) == (code not in viewer.reaches), (code, "reach")
    wrong = []
    for fact in FACTS:
        if not set(fact.kinds) <= surface.shows:
            continue
        text = texts[fact.project] or ""
        shown = any(marker in text for marker in fact.markers)
        allowed = expected(policy, viewer, fact)
        if surface.organizations_only and viewer.organization != fact.owner:
            allowed = False
        if shown != allowed:
            wrong.append(f"{fact.name}: {'shown' if shown else 'missing'}")
    assert wrong == []


def test_the_audit_trail_shows_a_row_exactly_when_the_policy_lets_the_auditor_see_its_fact(
    browsers: Browsers, policy: VisibilityPolicy
) -> None:
    page = browsers.get("何静", f"/audit?project={FINISHED}")
    assert page.status_code == 200
    after = Moments(awarded=True, contracted=True)
    for trigger, kind in (("record_inspection", "inspection"), ("record_payment", "payment")):
        assert (f"<code>{trigger}</code>" in page.text) == policy.allows(kind, {"auditor"}, after)
    assert "<code>start_service</code>" in page.text
    reviewing = browsers.get("何静", f"/audit?project={REVIEWING}")
    assert reviewing.status_code == 200
    correction = ("correction", "recusal", "reviewer_identity")
    seen = all(policy.allows(kind, {"auditor"}, Moments()) for kind in correction)
    assert ("<code>correct</code>" in reviewing.text) == seen
    assert (CORRECTION_REASON in reviewing.text) == seen
    assert "<code>record_recusal</code>" in reviewing.text


@pytest.mark.parametrize("fact", PUBLIC_FACTS, ids=lambda fact: fact.name)
def test_the_public_notice_shows_a_fact_exactly_when_the_policy_lets_the_public_see_it(
    fact: Fact, browsers: Browsers, policy: VisibilityPolicy
) -> None:
    page = browsers.get(None, f"/public/notices/{fact.project}")
    text = page.text if page.status_code == 200 else ""
    assert page.status_code in (200, 404)
    moments = Moments(awarded=fact.project == FINISHED, contracted=fact.project == FINISHED)
    allowed = all(policy.allows(kind, {"public"}, moments) for kind in fact.kinds)
    assert any(marker in text for marker in fact.markers) == allowed


def test_the_open_data_publishes_an_amendment_exactly_when_the_policy_lets_the_public_see_it(
    world: Engine, policy: VisibilityPolicy
) -> None:
    with new_session(world) as session:
        package = release_package(session, 2019)
    (release,) = [r for r in package["releases"] if r["ocid"].endswith(FINISHED)]
    amendments = [a for c in release.get("contracts", []) for a in c.get("amendments", [])]
    after = Moments(awarded=True, contracted=True)
    published = policy.allows("amendment", {"public"}, after)
    assert [a["rationale"] for a in amendments] == ([AMENDMENT_RATIONALE] if published else [])


def test_every_fact_kind_and_page_is_in_the_matrix(app_routes: set[str]) -> None:
    probed = {kind for fact in FACTS for kind in fact.kinds}
    assert probed | set(NOT_PROBED) == set(FACT_KINDS)
    assert not probed & set(NOT_PROBED)
    known = PROBED | GATED_WHOLE | NOT_THROUGH_THE_GATE
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
