"""Guessing a password through the browser: a refusal's cost does not tell whether a login
exists, and the password page locks like the sign-in page."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from procure.services.accounts import manage as accounts
from procure.services.accounts import signin
from procure.store.models import TransitionLog
from tests.integration.builders import OFFICER
from tests.integration.web.support import PASSWORD, form_token, set_passwords, sign_in


class _CountingHasher:
    """The real hasher, counting how often a password is verified."""

    def __init__(self, real: Any, calls: list[str]) -> None:
        self._real, self._calls = real, calls

    def verify(self, password: str, hashed: str) -> bool:
        self._calls.append(password)
        return bool(self._real.verify(password, hashed))

    def hash(self, password: str) -> str:
        return str(self._real.hash(password))


def _post_sign_in(client: TestClient, login: str, password: str) -> Any:
    token = form_token(client.get("/signin").text, "signin_token")
    return client.post(
        "/signin",
        data={"login": login, "password": password, "signin_token": token},
        follow_redirects=False,
    )


def test_an_unknown_login_costs_one_password_check_like_a_real_login(
    client: TestClient, registered: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_passwords(registered, OFFICER.name)
    real = accounts._hasher()
    calls: list[str] = []
    monkeypatch.setattr(accounts, "_hasher", lambda: _CountingHasher(real, calls))
    assert _post_sign_in(client, OFFICER.name, "wrong-guess-1").status_code == 401
    assert calls == ["wrong-guess-1"]
    assert _post_sign_in(client, "nobody-here", "wrong-guess-2").status_code == 401
    assert _post_sign_in(client, "bad login\u200b", "wrong-guess-3").status_code == 401
    assert calls == ["wrong-guess-1", "wrong-guess-2", "wrong-guess-3"]


def _change(client: TestClient, csrf: str, current: str) -> Any:
    new = "a-new-pass-2020"
    return client.post(
        "/account/password",
        data={"csrf_token": csrf, "current": current, "new": new, "confirm": new},
    )


def test_five_wrong_current_passwords_lock_the_login_even_for_the_right_one(
    client: TestClient, registered: Session
) -> None:
    set_passwords(registered, OFFICER.name)
    csrf = sign_in(client, OFFICER.name)
    for attempt in range(signin.MAX_FAILURES):
        refused = _change(client, csrf, f"guess-guess-{attempt}")
        assert refused.status_code == 400 and "当前密码不正确" in refused.text
    locked = _change(client, csrf, PASSWORD)
    assert locked.status_code == 400 and "登录已锁定" in locked.text
    registered.expire_all()
    trail = select(TransitionLog).order_by(col(TransitionLog.seq))
    triggers = [row.trigger for row in registered.exec(trail)]
    assert triggers.count("password_check_failed") == signin.MAX_FAILURES
    assert triggers.count("sign_in_locked") == 1
    assert "user_passwd" not in triggers[-3:]
    registered.rollback()  # end the read before the other browser writes
    other = TestClient(client.app)
    assert _post_sign_in(other, OFFICER.name, PASSWORD).status_code == 401  # locked there too
