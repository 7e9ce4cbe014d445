"""The public pages (no sign-in): notices, panel results, objections, contracts, assessments
and the Atom feed. Nothing private appears, and every name is shown literally (escaped)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from xml.etree import ElementTree

from fastapi.testclient import TestClient
from sqlmodel import Session

from procure.services.lifecycle import fire as lc
from procure.services.public import objections
from tests.integration.builders import (
    CODE,
    NARRATIVES,
    OFFICER,
    ORGANIZATIONS,
    PURCHASER,
    QIHANG,
    REVIEWERS,
    TONGXIN,
    Plan,
    create_project,
    drive,
    organization_actor,
    project_at,
    setup_registry,
)
from tests.integration.web.support import set_passwords, sign_in

PAGE = f"/public/purchasers/{PURCHASER}"
NOTICE = f"/public/notices/{CODE}"
HOSTILE = "<script>alert(1)</script>{{ 7*7 }} & ]]> 😀"
ATOM = "{http://www.w3.org/2005/Atom}"
AWARDED_AT = datetime(2019, 9, 30, 2, 0, tzinfo=UTC)


def lodged_at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, tzinfo=UTC)


def awarded(session: Session) -> None:
    project_at(session, "reviewed")
    lc.award(session, CODE, OFFICER, organization=QIHANG, at=AWARDED_AT)


def object_by_tongxin(session: Session, text: str = "价格分计算有误") -> None:
    objections.lodge(
        session, CODE, organization_actor(TONGXIN), organization=TONGXIN, text=text,
        at=lodged_at(date(2019, 10, 9)),
    )  # fmt: skip


def test_anyone_reads_a_purchasers_year_without_signing_in(
    client: TestClient, session: Session
) -> None:
    project_at(session, "assessed")
    session.commit()

    page = client.get(PAGE)

    assert page.status_code == 200
    text = page.text
    assert "职工成长方程式" in text and "已考核" in text  # the approved project, its state
    assert "HT-SM-2019-001" in text and "868,000.00" in text and QIHANG in text  # the contract
    assert "2019年3月1日 至 2019年12月31日" in text
    assert "良好" in text  # the assessment's grade
    assert "中选结果公示" in text and ORGANIZATIONS[TONGXIN] in text  # every proposal's score


def test_a_public_page_may_be_cached_briefly_and_keeps_the_security_headers(
    client: TestClient, session: Session
) -> None:
    project_at(session, "awarded")
    session.commit()

    for path in ("/public/", PAGE, NOTICE, "/public/feed.atom"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "public, max-age=300", path
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        assert response.headers["x-content-type-options"] == "nosniff", path


def test_an_unknown_or_unpublished_project_has_no_public_notice(
    client: TestClient, session: Session
) -> None:
    project_at(session, "reviewed")
    session.commit()

    assert client.get(NOTICE).status_code == 404
    assert client.get("/public/notices/NO-SUCH").status_code == 404
    assert client.get("/public/purchasers/NO-SUCH").status_code == 404
    assert client.get(NOTICE).headers["cache-control"] == "no-store"


def test_a_drafted_project_is_not_public(client: TestClient, session: Session) -> None:
    setup_registry(session)
    create_project(session)

    assert client.get(PAGE).status_code == 404
    assert "职工成长方程式" not in client.get("/public/").text


def test_the_reviewers_are_named_only_after_the_award_and_no_sheet_or_recusal_shows(
    client: TestClient, session: Session
) -> None:
    awarded(session)
    session.commit()

    named = client.get(NOTICE).text

    assert all(reviewer.name in named for reviewer in REVIEWERS)
    for narrative in NARRATIVES.values():
        assert narrative not in named


def withdrawn_after_an_upheld_objection(session: Session) -> None:
    """Award, have 同心 object, and uphold it: the notice is withdrawn for a new review."""
    awarded(session)
    object_by_tongxin(session)
    objections.answer(
        session, CODE, OFFICER, organization=TONGXIN, outcome="upheld",
        reason="价格分计算有误，重新评审", at=lodged_at(date(2019, 10, 11)),
    )  # fmt: skip
    session.commit()


def test_an_upheld_objection_withdraws_the_notice_and_hides_the_reviewers_again(
    client: TestClient, session: Session
) -> None:
    withdrawn_after_an_upheld_objection(session)

    page = client.get(NOTICE).text

    assert "已撤回，重新评审" in page
    assert "质疑成立，重新评审" in page and "价格分计算有误，重新评审" in page
    assert not any(reviewer.name in page for reviewer in REVIEWERS)
    assert "评审专家名单在中选后公布" in page


def test_an_english_reader_reads_the_withdrawn_notice_in_english(
    client: TestClient, session: Session
) -> None:
    withdrawn_after_an_upheld_objection(session)

    page = client.get(NOTICE, headers={"Accept-Language": "en-US,en;q=0.9"})

    assert page.headers["content-language"] == "en"
    assert "Withdrawn, review reopened" in page.text and "已撤回" not in page.text
    answer = "<strong>Objection upheld, review reopened</strong>: 价格分计算有误，重新评审"
    assert answer in page.text
    assert "The review experts are named once the project is awarded." in page.text
    assert "Objections until</dt><dd>15 Oct 2019</dd>" in page.text  # dates the English way


def test_a_rejected_objection_is_public_with_its_reason(
    client: TestClient, session: Session
) -> None:
    awarded(session)
    object_by_tongxin(session)
    objections.answer(
        session, CODE, OFFICER, organization=TONGXIN, outcome="rejected",
        reason="经复核，评分标准一致适用", at=lodged_at(date(2019, 10, 11)),
    )  # fmt: skip
    session.commit()

    page = client.get(PAGE).text

    assert "价格分计算有误" in page
    assert "质疑不成立，予以驳回" in page and "经复核，评分标准一致适用" in page
    assert "2019年10月9日" in page


def test_nothing_of_the_signed_in_reader_or_the_private_facts_appears(
    client: TestClient, session: Session
) -> None:
    project_at(session, "assessed")
    set_passwords(session, OFFICER.name)
    session.commit()
    sign_in(client, OFFICER.name)

    page = client.get(PAGE).text

    assert "退出" not in page and "csrf_token" not in page
    assert "台账齐全" not in page  # the inspection's findings and the sheets' narratives
    for narrative in NARRATIVES.values():
        assert narrative not in page
    assert organization_actor(QIHANG).name not in page.replace(QIHANG, "")  # no login


def test_hostile_names_are_shown_literally_in_the_pages_and_the_feed(
    client: TestClient, session: Session
) -> None:
    setup_registry(session, organizations={**ORGANIZATIONS, QIHANG: HOSTILE})
    plan = create_project(session, Plan(), title=HOSTILE)
    drive(session, plan, "awarded")
    session.commit()

    for path in (PAGE, NOTICE, "/public/"):
        page = client.get(path).text
        assert "<script>alert(1)</script>" not in page, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }} &amp; ]]&gt; 😀" in page, path
    feed = client.get("/public/feed.atom")
    root = ElementTree.fromstring(feed.content)
    (entry,) = root.findall(f"{ATOM}entry")
    assert HOSTILE in (entry.findtext(f"{ATOM}title") or "")
    assert HOSTILE in (entry.findtext(f"{ATOM}summary") or "")


def test_the_feed_is_atom_with_one_entry_per_notice_newest_first(
    client: TestClient, session: Session
) -> None:
    awarded(session)
    object_by_tongxin(session)
    objections.answer(
        session, CODE, OFFICER, organization=TONGXIN, outcome="upheld", reason="重新评审",
        at=lodged_at(date(2019, 10, 11)),
    )  # fmt: skip
    lc.award(session, CODE, OFFICER, organization=TONGXIN, at=lodged_at(date(2019, 10, 21)))
    session.commit()

    feed = client.get("/public/feed.atom")

    assert feed.headers["content-type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(feed.content)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}updated") for e in entries] == [
        "2019-10-21T00:00:00Z",
        "2019-09-30T00:00:00Z",
    ]
    assert "已撤回" in (entries[1].findtext(f"{ATOM}title") or "")
    assert root.findtext(f"{ATOM}updated") == "2019-10-21T00:00:00Z"
