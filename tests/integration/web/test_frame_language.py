"""The page frame, sign-in, password, error and job pages in one language, and the switch."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from procure.domain.language import N_
from procure.jobs.printing import KIND as PRINT
from procure.jobs.printing import print_key
from procure.jobs.reasons import stored
from procure.services.accounts.language import own_language
from procure.services.lifecycle.clock import now_utc
from procure.store import jobs as job_store
from procure.store.accounts import user_by_login
from procure.store.models import TransitionLog
from procure.web.deps import LANGUAGE_COOKIE
from tests.integration.builders import OFFICER
from tests.integration.web.support import csrf_of, form_token, set_passwords, sign_in
from tests.language_purity import chinese_runs, english_words, page_text, world_text

SWITCH = {"English"}
"""The switch names the other language in its own words (as 中文 on an English page)."""


def _failed_job(session: Session) -> int:
    """A print job of 李秀梅's that failed (the reason said in each reader's language)."""
    job = job_store.new_job(
        session,
        kind=PRINT,
        key=print_key(2031, None),
        params={"year": 2031, "purchaser": None},
        requested_by=OFFICER.name,
        at=now_utc(),
        total=0,
    )
    assert job.id is not None
    reason = stored(N_("No project was contracted in %(year)s."), year=2031)  # as a worker keeps it
    job_store.fail(session, job.id, reason=reason, at=now_utc())
    session.commit()
    return job.id


def _frame_pages(client: TestClient, session: Session, spoken: str) -> dict[str, str]:
    """Each page of the frame, as it shows its forms, refusals and messages."""
    client.cookies.set(LANGUAGE_COOKIE, spoken)
    pages: dict[str, str] = {}
    page = client.get("/signin")
    pages["sign-in"] = page.text
    refused = client.post(
        "/signin",
        data={"login": OFFICER.name, "password": "wrong", "signin_token": "forged"},
    )
    assert refused.status_code == 403
    pages["sign-in refused"] = refused.text
    own_language(session, OFFICER.name, spoken, at=now_utc())  # signing in reads it
    session.commit()
    sign_in(client, OFFICER.name)
    token = csrf_of(client)
    differ = client.post(
        "/account/password",
        data={"csrf_token": token, "current": "x", "new": "abcdefghijk", "confirm": "other"},
    )
    assert differ.status_code == 400
    pages["password, refused"] = differ.text
    job_id = _failed_job(session)
    pages["job, failed"] = client.get(f"/jobs/{job_id}").text
    missing = client.get(f"/jobs/{job_id + 100}")
    assert missing.status_code == 404
    pages["error, not found"] = missing.text
    forged = client.post("/account/password", data={"current": "x"})
    assert forged.status_code == 403
    pages["error, forbidden"] = forged.text
    return pages


@pytest.mark.parametrize(
    ("spoken", "leftovers"),
    [
        ("zh_CN", lambda text, data: english_words(text, data, allowed=SWITCH)),
        ("en", chinese_runs),
    ],
    ids=["zh_CN", "en"],
)
def test_the_frame_sign_in_password_error_and_job_pages_speak_one_language(
    client: TestClient,
    registered: Session,
    spoken: str,
    leftovers: Callable[[str, set[str]], list[str]],
) -> None:
    set_passwords(registered, OFFICER.name)
    pages = _frame_pages(client, registered, spoken)
    data = world_text(registered)
    found = {name: leftovers(page_text(html), data) for name, html in pages.items()}
    assert {name: words for name, words in found.items() if words} == {}
    signed_out = pages["sign-in"]
    if spoken == "en":
        assert (
            "<h1>Sign in</h1>" in signed_out
            and "No project was contracted in 2031." in (pages["job, failed"])
        )
        assert "The two new passwords differ." in pages["password, refused"]
        assert "<h1>Not found</h1>" in pages["error, not found"]
        assert ">中文</button>" in signed_out
    else:
        assert "<h1>登录</h1>" in signed_out and "2031 年没有已签约的项目" in pages["job, failed"]
        assert "两次输入的新密码不一致" in pages["password, refused"]
        assert "<h1>未找到</h1>" in pages["error, not found"]
        assert ">English</button>" in signed_out


def test_before_sign_in_the_browser_s_accept_language_chooses(
    client: TestClient, registered: Session
) -> None:
    assert "<h1>登录</h1>" in client.get("/signin").text
    english = client.get("/signin", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert "<h1>Sign in</h1>" in english.text and 'lang="en"' in english.text
    chinese = client.get("/signin", headers={"Accept-Language": "zh-CN,en;q=0.5"})
    assert "<h1>登录</h1>" in chinese.text


def test_the_switch_before_sign_in_sets_only_the_browser_s_cookie(
    client: TestClient, registered: Session
) -> None:
    answer = client.post(
        "/language",
        data={"language": "en", "next": "/signin?next=/records"},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/signin?next=/records"
    assert client.cookies.get(LANGUAGE_COOKIE) == "en"
    assert "<h1>Sign in</h1>" in client.get("/signin").text
    registered.expire_all()
    assert _audited(registered) == []


def _audited(session: Session) -> list[TransitionLog]:
    session.expire_all()
    rows = session.exec(select(TransitionLog).where(TransitionLog.trigger == "user_language"))
    return list(rows)


def test_a_signed_in_switch_keeps_the_account_s_choice_audited_and_returns_to_the_page(
    client: TestClient, registered: Session
) -> None:
    set_passwords(registered, OFFICER.name)
    token = sign_in(client, OFFICER.name)
    assert client.cookies.get(LANGUAGE_COOKIE) == "zh_CN"  # the account's own choice
    answer = client.post(
        "/language",
        data={"csrf_token": token, "language": "en", "next": "/account/password"},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/account/password"
    assert "<h1>Change password</h1>" in client.get("/account/password").text
    registered.expire_all()
    user = user_by_login(registered, OFFICER.name)
    assert user is not None and user.language == "en"
    [row] = _audited(registered)
    assert row.actor == OFFICER.name and '"language":"en"' in row.data


def test_a_forged_switch_of_a_signed_in_account_is_refused(
    client: TestClient, registered: Session
) -> None:
    set_passwords(registered, OFFICER.name)
    sign_in(client, OFFICER.name)
    forged = client.post("/language", data={"language": "en", "next": "/"}, follow_redirects=False)
    assert forged.status_code == 403 and "表单已失效" in forged.text
    registered.expire_all()
    user = user_by_login(registered, OFFICER.name)
    assert user is not None and user.language == "zh_CN"
    assert _audited(registered) == []


@pytest.mark.parametrize(
    "hostile", ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:x"]
)
def test_the_switch_never_sends_the_browser_to_another_site(
    client: TestClient, registered: Session, hostile: str
) -> None:
    answer = client.post(
        "/language", data={"language": "en", "next": hostile}, follow_redirects=False
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/"


def test_the_account_s_choice_survives_sign_out_and_a_fresh_browser(
    client: TestClient, registered: Session
) -> None:
    set_passwords(registered, OFFICER.name)
    token = sign_in(client, OFFICER.name)
    client.post("/language", data={"csrf_token": token, "language": "en", "next": "/"})
    client.post("/signout", data={"csrf_token": csrf_of(client)})
    client.cookies.clear()  # a fresh browser: no cookie, and it asks for Chinese
    client.headers["Accept-Language"] = "zh-CN"
    assert "<h1>登录</h1>" in client.get("/signin").text
    sign_in(client, OFFICER.name)
    assert client.cookies.get(LANGUAGE_COOKIE) == "en"
    page = client.get("/account/password").text
    assert "<h1>Change password</h1>" in page
    assert form_token(page)  # still signed in
