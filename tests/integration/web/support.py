"""Driving the web app in-process: sign in like a browser, read a page's form token."""

from __future__ import annotations

import re

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
    """Give each login the test password (as the admin) and commit."""
    for login in logins:
        accounts.set_password(session, login, PASSWORD, ADMIN_BY)  # type: ignore[arg-type]
    session.commit()  # type: ignore[attr-defined]


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


__all__ = ["PASSWORD", "SETUP_ACTOR", "csrf_of", "form_token", "set_passwords", "sign_in"]
