"""Driving the web app in-process: sign in like a browser, read a page's form token."""

from __future__ import annotations

import functools
import re
from html import unescape
from typing import Any
from unittest.mock import patch

from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from procure.services.accounts import manage as accounts
from procure.services.accounts.authorization import SETUP_ACTOR
from procure.workflow.context import Actor

PASSWORD = "correct-horse-2019"
ADMIN_BY = Actor("admin", "admin")


def form_token(html: str, name: str = "csrf_token") -> str:
    """The form token ``name`` on a page (``signin_token`` on the sign-in form)."""
    found = re.search(rf'name="{name}" value="([^"]+)"', html)
    assert found is not None, f"the page carries no {name}"
    return found.group(1)


def set_passwords(session: object, *logins: str) -> None:
    """Give each login the test password (as the admin, through the service) and commit.

    The service stores the hash of :func:`password_hash`: the installed Argon2 parameters
    cost a quarter of a second per hash and per sign-in, in some 130 fixtures; the stored
    hash is still Argon2id, checked at sign-in by the same code (an Argon2 hash carries its
    parameters). How the app hashes a password is tested in tests/integration/test_accounts.py.
    """
    with patch.object(accounts, "hash_password", _hash):
        for login in logins:
            accounts.set_password(session, login, PASSWORD, ADMIN_BY)  # type: ignore[arg-type]
    session.commit()  # type: ignore[attr-defined]


@functools.cache
def password_hash() -> str:
    """An Argon2id hash of the test password at the lowest cost, made once per process."""
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)


_installed_hash = accounts.hash_password


def _hash(password: str) -> str:
    return password_hash() if password == PASSWORD else _installed_hash(password)


def sign_in(client: TestClient, login: str, password: str = PASSWORD) -> str:
    """Sign ``login`` in on ``client``; return the CSRF token of its session."""
    page = client.get("/signin")
    response = client.post(
        "/signin",
        data={
            "login": login,
            "password": password,
            "signin_token": form_token(page.text, "signin_token"),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_of(client)


def csrf_of(client: TestClient) -> str:
    """The CSRF token of the client's session (read from a page's sign-out form)."""
    return form_token(client.get("/account/password").text)


def confirm_form(html: str) -> dict[str, str]:
    """The hidden fields of a confirmation page's form (its values, CSRF and confirm tokens)."""
    found = re.search(r'<form[^>]*id="confirm-form"[^>]*>(.*?)</form>', html, re.S)
    assert found is not None, "the page is no confirmation page"
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', found.group(1))
    return {name: unescape(value) for name, value in fields}


def fire_confirmed(client: TestClient, path: str, data: dict[str, str]) -> tuple[str, Any]:
    """POST a step's form; if a confirmation page answers, confirm it as a person would.

    Returns:
        The confirmation page's text ("" when none was asked) and the final response.
    """
    first = client.post(path, data=data, follow_redirects=False)
    if first.status_code != 200 or 'id="confirm-form"' not in first.text:
        return "", first
    return first.text, client.post(path, data=confirm_form(first.text), follow_redirects=False)


__all__ = [
    "PASSWORD",
    "SETUP_ACTOR",
    "confirm_form",
    "csrf_of",
    "fire_confirmed",
    "form_token",
    "set_passwords",
    "sign_in",
]


def read_in(client: TestClient, language: str) -> None:
    """Have ``client`` read the next pages in ``language``, as the language switch does: its
    ``lang`` cookie replaces the one signing in set from the account's choice (the server's
    would otherwise be sent beside it and win)."""
    client.cookies.delete("lang")
    client.cookies.set("lang", language)
