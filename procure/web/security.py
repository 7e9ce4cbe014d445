"""Headers every response carries, the session cookie, and the sign-in form's token.

Pages forbid inline script and framing (Content-Security-Policy, X-Frame-Options)
and are never stored by the browser or a proxy (``Cache-Control: no-store``):
nearly every page shows personal data. The public pages (``/public/``) set their own
short ``Cache-Control``: they show nothing of the reader and nothing private.
The cookie holds the session's token signed with the app's secret; it is HttpOnly,
SameSite=Lax, and Secure when the request came over https.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from starlette.middleware.base import BaseHTTPMiddleware

from procure.services.accounts import signin
from procure.store.db import new_session

SESSION_COOKIE = "procure_session"
SIGN_IN_COOKIE = "procure_signin"
"""Before sign-in there is no session: the sign-in form's token is a signed cookie pair."""

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class SecurityHeaders(BaseHTTPMiddleware):
    """Add the security headers to every response."""

    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        # a route may set a stricter policy of its own (an uploaded file's sandbox)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        path = request.url.path
        public = path.startswith("/public/") and "Cache-Control" in response.headers
        if not path.startswith("/static/") and not public:
            response.headers["Cache-Control"] = "no-store"
        return response


def session_secret(app: FastAPI) -> bytes:
    """The app's cookie-signing secret: generated on first start, kept in the database."""
    secret: bytes | None = getattr(app.state, "secret", None)
    if secret is None:
        from procure.services.lifecycle.clock import now_utc

        with new_session(app.state.writer) as session:
            secret = signin.app_secret(session, "session", at=now_utc())
            session.commit()
        app.state.secret = secret
    return secret


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    """Hand the browser its signed session token."""
    response.set_cookie(
        SESSION_COOKIE,
        signin.sign_token(session_secret(request.app), token),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    """Forget the session on this browser."""
    response.delete_cookie(SESSION_COOKIE, path="/")


def sign_in_token(request: Request) -> tuple[str, str | None]:
    """The sign-in form's token, and the cookie to set if the browser has none yet."""
    secret = session_secret(request.app)
    cookie = request.cookies.get(SIGN_IN_COOKIE)
    token = signin.unsign_token(secret, cookie) if cookie else None
    if token is not None:
        return token, None
    token = secrets.token_urlsafe(24)
    return token, signin.sign_token(secret, token)


def sign_in_token_matches(request: Request, posted: object) -> bool:
    """Whether the posted sign-in token is the one the browser's cookie signs."""
    cookie = request.cookies.get(SIGN_IN_COOKIE)
    token = signin.unsign_token(session_secret(request.app), cookie) if cookie else None
    return token is not None and isinstance(posted, str) and secrets.compare_digest(token, posted)
