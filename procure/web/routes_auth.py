"""Sign in, sign out, change one's password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.exc import OperationalError

from procure.domain.errors import InvalidInput, Refused
from procure.services.accounts import signin
from procure.services.lifecycle.clock import now_utc
from procure.store.conflicts import busy, committed, is_busy
from procure.web import pages
from procure.web.deps import Account, CheckedForm, Writer, optional_account
from procure.web.security import (
    SESSION_COOKIE,
    SIGN_IN_COOKIE,
    clear_session_cookie,
    session_secret,
    set_session_cookie,
    sign_in_token,
    sign_in_token_matches,
)

router = APIRouter()


@router.get("/")
def home(request: Request) -> Response:
    """The dashboard when signed in, else the sign-in page."""
    if optional_account(request) is None:
        return RedirectResponse("/signin", status_code=303)
    return RedirectResponse("/dashboard", status_code=303)


@router.get("/signin")
def sign_in_page(request: Request, next: str = "/") -> Response:
    """The sign-in form."""
    return _sign_in_form(request, next_path=pages.safe_next(next))


def _sign_in_form(
    request: Request, *, next_path: str, login: str = "", error: str = "", status: int = 200
) -> HTMLResponse:
    token, cookie = sign_in_token(request)
    response = pages.render(
        request,
        "signin.html",
        {"signin_token": token, "next": next_path, "login": login, "error": error},
        status=status,
    )
    if cookie is not None:
        response.set_cookie(
            SIGN_IN_COOKIE,
            cookie,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
    return response


@router.post("/signin")
def sign_in(
    request: Request,
    session: Writer,
    login: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    signin_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the login and password; on success a new session (a new id) starts."""
    next_path = pages.safe_next(next)
    if not sign_in_token_matches(request, signin_token):
        return _sign_in_form(
            request,
            next_path=next_path,
            login=login,
            error="表单已失效，请重新登录 the form expired; sign in again",
            status=403,
        )
    at = now_utc()
    previous = _session_token(request)
    if previous is not None:  # a new id at every sign-in: the browser's old one ends
        signin.sign_out(session, previous, at=at)
    try:
        try:
            opened = signin.sign_in(
                session, login, password, at=at, user_agent=request.headers.get("user-agent", "")
            )
        except Refused as exc:
            session.commit()  # the failure and any lock are kept (and audited)
            return _sign_in_form(
                request, next_path=next_path, login=login, error=str(exc), status=401
            )
        session.commit()
    except OperationalError as exc:
        session.rollback()
        if is_busy(exc):
            raise busy("登录 sign in") from exc  # 503 "try again in a moment", never a 500
        raise
    response = RedirectResponse(next_path, status_code=303)
    set_session_cookie(request, response, opened.token)
    response.delete_cookie(SIGN_IN_COOKIE)
    return response


@router.post("/signout")
def sign_out(request: Request, session: Writer, _form: CheckedForm) -> Response:
    """End this browser's session."""
    token = _session_token(request)
    if token is not None:
        committed(session, lambda: signin.sign_out(session, token, at=now_utc()), what="sign out")
    response = RedirectResponse("/signin", status_code=303)
    clear_session_cookie(response)
    return response


def _session_token(request: Request) -> str | None:
    cookie = request.cookies.get(SESSION_COOKIE)
    return signin.unsign_token(session_secret(request.app), cookie) if cookie else None


@router.get("/account/password")
def password_page(request: Request, _account: Account) -> Response:
    """The form to change one's own password."""
    return pages.render(request, "password.html", {"errors": {}, "done": False})


@router.post("/account/password")
def change_password(
    request: Request, account: Account, session: Writer, form: CheckedForm
) -> Response:
    """Change one's password; the account's other sessions end."""
    current, new = form.get("current", ""), form.get("new", "")
    errors: dict[str, str] = {}
    if new != form.get("confirm", ""):
        errors["confirm"] = "两次输入的新密码不一致 the two new passwords differ"
    else:
        try:
            signin.change_password(session, account, current, new, at=now_utc())
            session.commit()
        except Refused as exc:
            session.commit()  # the failure and any lock are kept (and audited)
            errors["current"] = str(exc)
        except InvalidInput as exc:
            session.rollback()
            errors["new"] = f"新密码太弱 {exc}"
    status = 400 if errors else 200
    return pages.render(
        request, "password.html", {"errors": errors, "done": not errors}, status=status
    )
