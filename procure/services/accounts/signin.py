"""Signing in through the browser: sessions, the sign-in lock, password changes.

A sign-in creates a session row and returns its random token once; the database
keeps only the token's SHA-256. The browser's cookie carries the token signed with
the app's secret (:func:`app_secret`, generated on first start and kept in the
database). A session ends when signed out, revoked by an administrator, or idle
longer than the idle limit. Five failed sign-ins of one login lock it for fifteen
minutes; failures and locks are written to the audit trail (no project).

Nothing here commits: the caller owns the transaction.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from procure.domain.errors import InvalidInput, Refused
from procure.domain.identity import check_password_strength, normalize_login
from procure.domain.language import N_, _
from procure.services.accounts.manage import check_password, hash_password
from procure.store import accounts as account_store
from procure.store import audit
from procure.store.trust_models import RoleGrant, User
from procure.store.web_models import AppSecret, SignInThrottle, WebSession

MAX_FAILURES = 5
LOCK_MINUTES = 15
IDLE_MINUTES = 30
TOUCH_SECONDS = 60
"""A session's last use is written at most once a minute: reads stay reads."""

SIGN_IN_REFUSED = N_("Wrong login or password")
"""The one refusal of a sign-in, whatever was wrong (translated where it is raised)."""


@dataclass(frozen=True)
class NewSession:
    """What a sign-in hands to the browser: the token (once) and the form token."""

    token: str
    csrf_token: str
    user: User


@dataclass(frozen=True)
class SignedIn:
    """The account behind a request and its session."""

    user: User
    session: WebSession
    roles: frozenset[str] = frozenset()  # the roles of its active grants, for any scope
    grants: tuple[RoleGrant, ...] = ()  # its active grants, oldest first


def app_secret(session: Session, name: str, *, at: datetime) -> bytes:
    """Return the secret ``name``, generating and storing it the first time it is asked for."""
    stored = session.get(AppSecret, name)
    if stored is None:
        try:
            with session.begin_nested():
                session.add(AppSecret(name=name, value=secrets.token_hex(32), created_at=at))
        except IntegrityError:  # another worker generated it first: take theirs
            pass
        stored = session.get(AppSecret, name, populate_existing=True)
        assert stored is not None
    return bytes.fromhex(stored.value)


def sign_token(secret: bytes, token: str) -> str:
    """The cookie value: the token and its HMAC under the app's secret."""
    mac = hmac.new(secret, token.encode(), hashlib.sha256).hexdigest()
    return f"{token}.{mac}"


def unsign_token(secret: bytes, cookie: str) -> str | None:
    """The token of a cookie value whose signature holds, else ``None``."""
    token, _, mac = cookie.rpartition(".")
    expected = hmac.new(secret, token.encode(), hashlib.sha256).hexdigest()
    return token if token and hmac.compare_digest(mac, expected) else None


def sign_in(
    session: Session, login: str, password: str, *, at: datetime, user_agent: str = ""
) -> NewSession:
    """Check a login and password and open a session.

    Raises:
        Refused: a wrong login or password (one message for both), a deactivated
            account, or a login locked after too many failures.
    """
    try:
        login = normalize_login(login)
    except InvalidInput as exc:
        check_password(session, login, password)  # the same cost as for a real login
        raise Refused(_(SIGN_IN_REFUSED)) from exc
    throttle = session.get(SignInThrottle, login, with_for_update=True)
    if throttle is not None and throttle.locked_until is not None and throttle.locked_until > at:
        raise Refused(_locked_message(throttle.locked_until))
    user = account_store.user_by_login(session, login)
    matches = check_password(session, login, password)  # checked for unknown logins too
    if user is None or not user.active or not matches:
        _record_failure(session, login, throttle, at)
        raise Refused(_(SIGN_IN_REFUSED))
    if throttle is not None:
        session.delete(throttle)
    token = secrets.token_urlsafe(32)
    row = WebSession(
        token_hash=_digest(token),
        user_id=_id(user),
        csrf_token=secrets.token_urlsafe(32),
        created_at=at,
        last_seen_at=at,
        user_agent=user_agent[:200],
    )
    session.add(row)
    session.flush()
    return NewSession(token, row.csrf_token, user)


def _locked_message(until: datetime) -> str:
    return _(
        "This login is locked after %(failures)s failed sign-ins until %(until)s UTC; try"
        " again later or ask an administrator",
        failures=MAX_FAILURES,
        until=format(until, "%H:%M"),
    )


def _record_failure(
    session: Session,
    login: str,
    throttle: SignInThrottle | None,
    at: datetime,
    trigger: str = "sign_in_failed",
) -> None:
    if throttle is None:
        throttle = SignInThrottle(login=login, failures=0)
    throttle.failures += 1
    locked = throttle.failures >= MAX_FAILURES
    if locked:
        throttle.locked_until = at + timedelta(minutes=LOCK_MINUTES)
        throttle.failures = 0
    session.add(throttle)
    _audit(session, login, trigger, at, {"login": login})
    if locked:
        _audit(session, login, "sign_in_locked", at, {"login": login, "minutes": LOCK_MINUTES})
    session.flush()


def _audit(
    session: Session, login: str, trigger: str, at: datetime, data: dict[str, object]
) -> None:
    audit.append(
        session,
        audit.AuditEntry(actor=login, role="", trigger=trigger, at=at, data=data),
    )


def resolve(
    session: Session, token: str, *, at: datetime, idle_minutes: int = IDLE_MINUTES
) -> SignedIn | None:
    """The signed-in account of ``token``, or ``None`` if it is unknown, ended or idle too long."""
    statement = (  # one query: the session, its account and the account's active grants
        select(WebSession, User, RoleGrant)
        .join(User, col(User.id) == col(WebSession.user_id))
        .outerjoin(
            RoleGrant,
            and_(col(RoleGrant.user_id) == col(User.id), col(RoleGrant.revoked_at).is_(None)),
        )
        .where(WebSession.token_hash == _digest(token))
        .order_by(col(RoleGrant.id))
    )
    found = session.exec(statement).all()
    if not found:
        return None
    row, user, _ = found[0]
    if row.revoked_at is not None:
        return None
    if at - row.last_seen_at > timedelta(minutes=idle_minutes):
        return None
    if not user.active:
        return None
    grants = tuple(grant for _, _, grant in found if grant is not None)
    return SignedIn(user, row, frozenset(grant.role for grant in grants), grants)


def needs_touch(signed_in: SignedIn, *, at: datetime) -> bool:
    """Whether the session's last use is old enough to be written again."""
    return at - signed_in.session.last_seen_at > timedelta(seconds=TOUCH_SECONDS)


def touch(session: Session, session_id: int, *, at: datetime) -> None:
    """Record that the session was used at ``at`` (keeps it from going idle)."""
    row = session.get(WebSession, session_id)
    if row is not None and row.revoked_at is None:
        row.last_seen_at = at
        session.add(row)


def sign_out(session: Session, token: str, *, at: datetime) -> None:
    """End the session of ``token`` (nothing happens if it already ended)."""
    row = session.exec(select(WebSession).where(WebSession.token_hash == _digest(token))).first()
    if row is not None and row.revoked_at is None:
        row.revoked_at = at
        row.revoked_by = "(signed out)"
        session.add(row)


def change_password(
    session: Session, signed_in: SignedIn, current: str, new: str, *, at: datetime
) -> None:
    """Change the signed-in user's password; every other session of the user ends.

    A wrong current password counts as a failed sign-in of the login (audited as
    ``password_check_failed``): after :data:`MAX_FAILURES` the login is locked for
    :data:`LOCK_MINUTES`, here and at sign-in, so a borrowed session cannot guess it.

    Raises:
        Refused: the login is locked, or the current password is wrong; the caller commits
            then, so the failure and any lock are kept.
        InvalidInput: the new password is too weak.
    """
    user = session.get(User, _id(signed_in.user))
    assert user is not None
    throttle = session.get(SignInThrottle, user.login, with_for_update=True)
    if throttle is not None and throttle.locked_until is not None and throttle.locked_until > at:
        raise Refused(_locked_message(throttle.locked_until))
    if not check_password(session, user.login, current):
        _record_failure(session, user.login, throttle, at, "password_check_failed")
        raise Refused(_("The current password is wrong"))
    if throttle is not None:
        session.delete(throttle)
    check_password_strength(new)
    user.password_hash = hash_password(new)
    session.add(user)
    _end_sessions(session, user, at=at, by=user.login, keep=signed_in.session)
    audit.append(
        session,
        audit.AuditEntry(
            actor=user.login,
            role="",
            trigger="user_passwd",
            at=at,
            data={"login": user.login, "by": "web"},
            actor_name=user.name,
        ),
    )


def revoke_sessions(session: Session, login: str, *, by: User, at: datetime) -> int:
    """End every session of ``login`` (an administrator's act, audited); return how many."""
    user = account_store.user_by_login(session, normalize_login(login))
    if user is None:
        raise Refused(f"no account {login!r}")
    ended = _end_sessions(session, user, at=at, by=by.login)
    audit.append(
        session,
        audit.AuditEntry(
            actor=by.login,
            role="admin",
            trigger="sessions_revoke",
            at=at,
            data={"login": user.login, "sessions": ended},
            actor_name=by.name,
        ),
    )
    return ended


def open_sessions(session: Session, *, at: datetime) -> list[tuple[User, WebSession]]:
    """Every session not ended and not idle too long, newest first."""
    since = at - timedelta(minutes=IDLE_MINUTES)
    rows = session.exec(
        select(User, WebSession)
        .join(WebSession, col(WebSession.user_id) == col(User.id))
        .where(col(WebSession.revoked_at).is_(None), col(WebSession.last_seen_at) >= since)
        .order_by(col(WebSession.last_seen_at).desc())
    )
    return list(rows)


def _end_sessions(
    session: Session, user: User, *, at: datetime, by: str, keep: WebSession | None = None
) -> int:
    rows = session.exec(
        select(WebSession).where(
            WebSession.user_id == _id(user), col(WebSession.revoked_at).is_(None)
        )
    ).all()
    ended = 0
    for row in rows:
        if keep is not None and row.id == keep.id:
            continue
        row.revoked_at = at
        row.revoked_by = by
        session.add(row)
        ended += 1
    return ended


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _id(user: User) -> int:
    assert user.id is not None
    return user.id
