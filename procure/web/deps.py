"""What a route depends on: a database session, the signed-in account, a checked form.

Pages read through the reader engine (on SQLite they never wait for a writer);
changes go through the writer engine inside one transaction. Every POST carries
the session's CSRF token, compared in constant time; a POST without it is refused
before anything is read or written.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from procure.domain.language import N_, _
from procure.services.accounts import signin
from procure.services.lifecycle.clock import now_utc
from procure.store.accounts import remember_account
from procure.store.db import finish_reading, new_session
from procure.store.reads import remember_reads
from procure.web.security import SESSION_COOKIE, session_secret

SIGN_IN_PATH = "/signin"
FORM_EXPIRED = N_("The form has expired (its security token is missing or wrong): reload the page.")
LANGUAGE_COOKIE = "lang"
"""The cookie naming the language a browser reads pages in (``zh_CN`` or ``en``)."""


class SignInRequired(Exception):
    """The request needs a signed-in account and has none."""


class Forbidden(Exception):
    """The request is refused before it reaches a service (403), e.g. a missing CSRF token."""


def reader(request: Request) -> Iterator[Session]:
    """A session that only reads (a repeated lookup is answered once a transaction); the
    signed-in account, when found already, and its grants are not read again."""
    session = remember_reads(new_session(request.app.state.reader), keep_loaded=True)
    signed_in: signin.SignedIn | None = getattr(request.state, "signed_in", None)
    if signed_in is not None:
        remember_account(session, signed_in.user, signed_in.grants)
    try:
        yield session
    finally:
        finish_reading(session)
        session.close()


def writer(request: Request) -> Iterator[Session]:
    """A session that writes; the route commits what it changes."""
    session = new_session(request.app.state.writer)
    try:
        yield session
    finally:
        session.rollback()
        session.close()


Reader = Annotated[Session, Depends(reader)]
Writer = Annotated[Session, Depends(writer)]


def optional_account(request: Request, session: Session | None = None) -> signin.SignedIn | None:
    """The account signed in on this browser, or ``None``: looked up in ``session`` (the
    page's reading session, whose transaction it then opens) or else a session of its own."""
    if hasattr(request.state, "signed_in"):
        cached: signin.SignedIn | None = request.state.signed_in
        return cached
    found = _resolve(request, session)
    request.state.signed_in = found
    if found is not None and session is not None:
        remember_account(session, found.user, found.grants)
    return found


def _resolve(request: Request, reading: Session | None) -> signin.SignedIn | None:
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    token = signin.unsign_token(session_secret(request.app), cookie)
    if token is None:
        return None
    at = now_utc()
    idle = request.app.state.settings.idle_minutes
    if reading is not None:
        found = signin.resolve(reading, token, at=at, idle_minutes=idle)
    else:
        with new_session(request.app.state.reader) as session:
            found = signin.resolve(session, token, at=at, idle_minutes=idle)
    if found is not None and signin.needs_touch(found, at=at):
        assert found.session.id is not None
        with new_session(request.app.state.writer) as session:
            signin.touch(session, found.session.id, at=at)
            session.commit()
    return found


def account(request: Request, session: Reader) -> signin.SignedIn:
    """The signed-in account; a request without one is sent to sign in. It is read in the
    request's reading session: one transaction, one snapshot, for the account and the page."""
    found = optional_account(request, session)
    if found is None:
        raise SignInRequired()
    return found


Account = Annotated[signin.SignedIn, Depends(account)]


async def checked_form(request: Request) -> dict[str, str]:
    """The POSTed form of a signed-in account, once its CSRF token is found right."""
    signed_in = optional_account(request)
    if signed_in is None:
        raise Forbidden(_("Sign in first."))
    form = await request.form()
    token = form.get("csrf_token")
    if not isinstance(token, str) or not hmac.compare_digest(token, signed_in.session.csrf_token):
        raise Forbidden(_(FORM_EXPIRED))
    return {key: value for key, value in form.items() if isinstance(value, str)}


CheckedForm = Annotated[dict[str, str], Depends(checked_form)]


class Upload:
    """A POSTed multipart form whose CSRF token was found right: its text fields and files."""

    def __init__(self, fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> None:
        self.fields = fields
        self.files = files  # field name -> (file name as sent, content)


async def checked_upload(request: Request) -> Upload:
    """Like :func:`checked_form`, for a form with files: the token is checked before any
    file is read; each file is read whole up to ``UPLOAD_LIMIT`` bytes (and one past, so
    that the service can refuse a larger one by name)."""
    signed_in = optional_account(request)
    if signed_in is None:
        raise Forbidden(_("Sign in first."))
    form = await request.form()
    token = form.get("csrf_token")
    if not isinstance(token, str) or not hmac.compare_digest(token, signed_in.session.csrf_token):
        await form.close()  # the spooled files, unread
        raise Forbidden(_(FORM_EXPIRED))
    fields: dict[str, str] = {}
    files: dict[str, tuple[str, bytes]] = {}
    for key, value in form.items():
        if isinstance(value, str):
            fields[key] = value
        else:
            try:
                files[key] = (value.filename or "", await value.read(UPLOAD_LIMIT + 1))
            finally:
                await value.close()
    return Upload(fields, files)


UPLOAD_LIMIT = 20 * 2**20
"""The most of one uploaded file a route reads; services set their own, smaller limits."""

CheckedUpload = Annotated[Upload, Depends(checked_upload)]
