"""Sign in, sign out, change one's password, choose the language pages are read in."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool

from procure.domain import language
from procure.domain.errors import InvalidInput, Refused
from procure.domain.language import _
from procure.services.accounts import signin
from procure.services.accounts.language import own_language
from procure.services.lifecycle.clock import now_utc
from procure.store.conflicts import busy, committed, is_busy
from procure.web import pages
from procure.web.deps import (
    LANGUAGE_COOKIE,
    Account,
    CheckedForm,
    Writer,
    checked_form,
    optional_account,
)
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
            error=_("The form expired; sign in again."),
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
            raise busy(_("Signing in")) from exc  # 503 "try again in a moment", never a 500
        raise
    response = RedirectResponse(next_path, status_code=303)
    set_session_cookie(request, response, opened.token)
    response.delete_cookie(SIGN_IN_COOKIE)
    chosen = language.parse_language(opened.user.language) or language.DEFAULT
    set_language_cookie(request, response, chosen)
    return response


@router.post("/signout")
def sign_out(request: Request, session: Writer, _form: CheckedForm) -> Response:
    """End this browser's session."""
    token = _session_token(request)
    if token is not None:
        committed(
            session, lambda: signin.sign_out(session, token, at=now_utc()), what=_("Signing out")
        )
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
        errors["confirm"] = _("The two new passwords differ.")
    else:
        try:
            signin.change_password(session, account, current, new, at=now_utc())
            session.commit()
        except Refused as exc:
            session.commit()  # the failure and any lock are kept (and audited)
            errors["current"] = str(exc)
        except InvalidInput as exc:
            session.rollback()
            errors["new"] = _("The new password is too weak: %(reason)s", reason=str(exc))
    status = 400 if errors else 200
    return pages.render(
        request, "password.html", {"errors": errors, "done": not errors}, status=status
    )


LANGUAGE_COOKIE_DAYS = 365


def set_language_cookie(request: Request, response: Response, chosen: language.Language) -> None:
    """Tell the browser to read pages in ``chosen`` (the ``lang`` cookie, kept a year)."""
    response.set_cookie(
        LANGUAGE_COOKIE,
        chosen,
        max_age=LANGUAGE_COOKIE_DAYS * 24 * 3600,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


@router.post("/language")
async def choose_language(request: Request, session: Writer) -> Response:
    """Read pages in the language chosen, then go back to the page the switch was on.

    Signed in, the form must carry the session's token and the account keeps the choice
    (audited); not signed in, only this browser's cookie is set.
    """
    signed_in = optional_account(request)
    if signed_in is not None:
        form = await checked_form(request)
    else:
        posted = await request.form()
        form = {key: value for key, value in posted.items() if isinstance(value, str)}
    chosen = language.parse_language(form.get("language"))
    if chosen is None:
        raise InvalidInput(_("Choose Chinese (zh_CN) or English (en)."))
    if signed_in is not None:
        login = signed_in.user.login

        def keep() -> None:
            committed(
                session,
                lambda: own_language(session, login, chosen, at=now_utc()),
                what=_("Setting the language"),
            )

        await run_in_threadpool(keep)  # the database is written off the event loop
    response = RedirectResponse(pages.safe_next(form.get("next")), status_code=303)
    set_language_cookie(request, response, chosen)
    return response
