"""Signing in and out: sessions in the database, a signed cookie, a lock after five failures."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from procure.services.accounts import signin
from procure.store.models import TransitionLog
from procure.store.web_models import AppSecret, WebSession
from procure.web.security import SESSION_COOKIE
from tests.integration.builders import OFFICER
from tests.integration.web.support import PASSWORD, form_token, set_passwords, sign_in


def _post_sign_in(client: TestClient, login: str, password: str) -> object:
    token = form_token(client.get("/signin").text, "signin_token")
    return client.post(
        "/signin",
        data={"login": login, "password": password, "signin_token": token},
        follow_redirects=False,
    )


def _replace_cookie(client: TestClient, value: str) -> None:
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, value)


def _audited(session: Session, trigger: str) -> list[TransitionLog]:
    session.expire_all()
    return list(session.exec(select(TransitionLog).where(TransitionLog.trigger == trigger)))


def test_a_page_asks_for_sign_in_first(client: TestClient, registered: Session) -> None:
    response = client.get("/projects/SM-2019-001", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=%2Fprojects%2FSM-2019-001"


def test_a_wrong_password_is_refused_and_audited(client: TestClient, registered: Session) -> None:
    set_passwords(registered, OFFICER.name)
    response = _post_sign_in(client, OFFICER.name, "not-the-password")
    assert response.status_code == 401  # type: ignore[attr-defined]
    assert "登录名或密码不正确" in response.text  # type: ignore[attr-defined]
    assert SESSION_COOKIE not in client.cookies
    assert [row.actor for row in _audited(registered, "sign_in_failed")] == [OFFICER.name]


def test_an_unknown_login_gets_the_same_refusal_as_a_wrong_password(
    client: TestClient, registered: Session
) -> None:
    response = _post_sign_in(client, "nobody", PASSWORD)
    assert response.status_code == 401  # type: ignore[attr-defined]
    assert "登录名或密码不正确" in response.text  # type: ignore[attr-defined]
    client.cookies.set("lang", "en")
    response = _post_sign_in(client, "nobody", PASSWORD)
    assert "Wrong login or password" in response.text  # type: ignore[attr-defined]


def test_five_failures_lock_the_login_for_fifteen_minutes_even_for_the_right_password(
    client: TestClient, registered: Session
) -> None:
    set_passwords(registered, OFFICER.name)
    for _ in range(signin.MAX_FAILURES):
        _post_sign_in(client, OFFICER.name, "guess-guess-guess")
    response = _post_sign_in(client, OFFICER.name, PASSWORD)
    assert response.status_code == 401  # type: ignore[attr-defined]
    assert "登录已锁定" in response.text  # type: ignore[attr-defined]
    assert len(_audited(registered, "sign_in_locked")) == 1
    assert len(_audited(registered, "sign_in_failed")) == signin.MAX_FAILURES


def test_the_right_password_signs_in_with_a_signed_http_only_cookie(
    client: TestClient, registered: Session
) -> None:
    set_passwords(registered, OFFICER.name)
    response = _post_sign_in(client, OFFICER.name, PASSWORD)
    assert response.status_code == 303  # type: ignore[attr-defined]
    cookie = response.headers["set-cookie"]  # type: ignore[attr-defined]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    token, _, mac = client.cookies[SESSION_COOKIE].rpartition(".")
    registered.expire_all()
    stored = registered.exec(select(WebSession)).one()
    assert stored.token_hash != token and len(mac) == 64  # the table keeps only a digest
    assert client.get("/account/password").status_code == 200


def test_over_https_the_cookie_is_secure(https_client: TestClient, registered: Session) -> None:
    set_passwords(registered, OFFICER.name)
    response = _post_sign_in(https_client, OFFICER.name, PASSWORD)
    assert "Secure" in response.headers["set-cookie"]  # type: ignore[attr-defined]


def test_a_forged_cookie_signature_signs_nobody_in(client: TestClient, registered: Session) -> None:
    set_passwords(registered, OFFICER.name)
    sign_in(client, OFFICER.name)
    token = client.cookies[SESSION_COOKIE].rpartition(".")[0]
    _replace_cookie(client, f"{token}.{'0' * 64}")
    assert client.get("/account/password", follow_redirects=False).status_code == 303


def test_signing_in_again_rotates_the_session_and_ends_the_old_one(
    client: TestClient, registered: Session
) -> None:
    set_passwords(registered, OFFICER.name)
    sign_in(client, OFFICER.name)
    first = client.cookies[SESSION_COOKIE]
    sign_in(client, OFFICER.name)
    assert client.cookies[SESSION_COOKIE] != first
    _replace_cookie(client, first)
    assert client.get("/account/password", follow_redirects=False).status_code == 303


def test_signing_out_ends_the_session(client: TestClient, registered: Session) -> None:
    set_passwords(registered, OFFICER.name)
    csrf = sign_in(client, OFFICER.name)
    cookie = client.cookies[SESSION_COOKIE]
    assert (
        client.post("/signout", data={"csrf_token": csrf}, follow_redirects=False).status_code
        == 303
    )
    _replace_cookie(client, cookie)
    assert client.get("/account/password", follow_redirects=False).status_code == 303


def test_sign_out_without_the_form_token_is_refused(
    client: TestClient, registered: Session
) -> None:
    set_passwords(registered, OFFICER.name)
    sign_in(client, OFFICER.name)
    assert client.post("/signout", data={}, follow_redirects=False).status_code == 403
    assert client.get("/account/password").status_code == 200


def test_a_session_idle_too_long_ends(client: TestClient, registered: Session) -> None:
    set_passwords(registered, OFFICER.name)
    sign_in(client, OFFICER.name)
    registered.expire_all()
    stored = registered.exec(select(WebSession)).one()
    stored.last_seen_at -= timedelta(minutes=signin.IDLE_MINUTES + 1)
    registered.add(stored)
    registered.commit()
    assert client.get("/account/password", follow_redirects=False).status_code == 303


def test_an_administrator_can_end_every_session_of_an_account(
    client: TestClient, registered: Session
) -> None:
    set_passwords(registered, OFFICER.name)
    sign_in(client, OFFICER.name)
    admin = signin.account_store.user_by_login(registered, "admin")
    assert admin is not None
    assert signin.revoke_sessions(registered, OFFICER.name, by=admin, at=signin_now()) == 1
    registered.commit()
    assert client.get("/account/password", follow_redirects=False).status_code == 303
    assert len(_audited(registered, "sessions_revoke")) == 1


def signin_now() -> object:
    from procure.services.lifecycle.clock import now_utc

    return now_utc()


def test_changing_the_password_needs_the_current_one_and_a_strong_new_one(
    client: TestClient, registered: Session
) -> None:
    set_passwords(registered, OFFICER.name)
    csrf = sign_in(client, OFFICER.name)
    wrong = client.post(
        "/account/password",
        data={
            "csrf_token": csrf,
            "current": "nope-nope-nope",
            "new": "a-new-pass-2020",
            "confirm": "a-new-pass-2020",
        },
    )
    assert wrong.status_code == 400 and "当前密码不正确" in wrong.text
    weak = client.post(
        "/account/password",
        data={"csrf_token": csrf, "current": PASSWORD, "new": "short", "confirm": "short"},
    )
    assert weak.status_code == 400 and "新密码太弱" in weak.text
    done = client.post(
        "/account/password",
        data={
            "csrf_token": csrf,
            "current": PASSWORD,
            "new": "a-new-pass-2020",
            "confirm": "a-new-pass-2020",
        },
    )
    assert done.status_code == 200 and "密码已修改" in done.text
    other = TestClient(client.app)
    sign_in(other, OFFICER.name, "a-new-pass-2020")


def test_the_session_secret_is_generated_on_first_start_and_kept_in_the_database(
    client: TestClient, registered: Session
) -> None:
    client.get("/signin")
    registered.expire_all()
    secret = registered.exec(select(AppSecret)).one()
    assert secret.name == "session" and len(bytes.fromhex(secret.value)) == 32


def test_every_page_carries_the_security_headers(client: TestClient, registered: Session) -> None:
    response = client.get("/signin")
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    scripts = re.findall(r"<script[^>]*>", response.text)
    assert scripts == ['<script src="/static/enhance.js" defer>']  # none inline


def test_a_sign_in_without_its_form_token_is_refused(
    client: TestClient, registered: Session
) -> None:
    set_passwords(registered, OFFICER.name)
    response = client.post(
        "/signin", data={"login": OFFICER.name, "password": PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 403
    assert SESSION_COOKIE not in client.cookies


def test_after_sign_in_only_a_local_page_is_followed(
    client: TestClient, registered: Session
) -> None:
    set_passwords(registered, OFFICER.name)
    token = form_token(client.get("/signin").text, "signin_token")
    response = client.post(
        "/signin",
        data={
            "login": OFFICER.name,
            "password": PASSWORD,
            "signin_token": token,
            "next": "//evil.example/",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"
