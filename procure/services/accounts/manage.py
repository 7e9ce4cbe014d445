"""Accounts and grants: what an administrator does (add, grant, revoke, deactivate).

Every change writes an audit row naming the administrator. Passwords are hashed with
Argon2 (pwdlib) and never stored, printed or logged in clear. While a database has no
administrator, the setup actor may add the first accounts and grant the first admin.
"""

from __future__ import annotations

import functools
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from procure.domain.errors import InvalidInput, NotFound, Refused
from procure.domain.identity import (
    check_password_strength,
    normalize_display_name,
    normalize_login,
)
from procure.domain.language import N_, _
from procure.services.accounts.authorization import SETUP_LOGIN, Scope, authorize, display_name
from procure.services.accounts.scope import check_manages, grant_action, scope_named
from procure.store import accounts as account_store
from procure.store import audit, queries
from procure.store.trust_models import RoleGrant, User
from procure.workflow.context import Actor
from procure.workflow.roles import ROLES, role_label


def _now() -> datetime:
    from procure.services.lifecycle.clock import now_utc

    return now_utc()


@dataclass(frozen=True)
class GrantView:
    """One active grant as shown to people: role and scope."""

    role: str
    scope: str


@dataclass(frozen=True)
class UserView:
    """One account as listed: never its password hash, only whether it has one."""

    login: str
    name: str
    active: bool
    has_password: bool
    created_at: str
    grants: list[GrantView]


def _record(session: Session, by: Actor, trigger: str, data: dict[str, Any], at: datetime) -> None:
    audit.append(
        session,
        audit.AuditEntry(
            actor=by.name,
            role=by.role,
            trigger=trigger,
            at=at,
            data=data,
            actor_name=display_name(session, by),
        ),
    )


NEEDS_ADMIN = N_("%(action)s refused: managing accounts needs the admin role (--as admin)")


def _admin(session: Session, by: Actor, action: str, scope: Scope | None = None) -> None:
    if by.role != "admin":
        raise Refused(_(NEEDS_ADMIN, action=action))
    authorize(session, by, scope or Scope(any_purchaser=True), action)


def _user(session: Session, login: str) -> User:
    user = account_store.user_by_login(session, normalize_login(login))
    if user is None:
        raise NotFound(_("No account %(login)s", login=repr(normalize_login(login))))
    return user


def add_user(
    session: Session, login: str, name: str, by: Actor, *, at: datetime | None = None
) -> User:
    """Add an account (no grants yet, no password); no commit."""
    normalized = normalize_login(login)
    display = normalize_display_name(name)
    _admin(session, by, _("adding account %(login)s", login=normalized))
    if account_store.user_by_login(session, normalized) is not None:
        raise InvalidInput(_("The account %(login)s already exists", login=repr(normalized)))
    moment = at or _now()
    user = User(login=normalized, name=display, active=True, created_at=moment)
    session.add(user)
    try:
        session.flush()  # added by another administrator at the same moment: say so
    except IntegrityError as exc:
        raise InvalidInput(
            _("The account %(login)s already exists", login=repr(normalized))
        ) from exc
    _record(session, by, "user_add", {"login": normalized, "name": display}, moment)
    return user


def _grant_scope(
    session: Session, role: str, purchaser: str | None, organization: str | None
) -> tuple[int | None, int | None, Scope]:
    if role not in ROLES:
        raise InvalidInput(
            _("Unknown role %(role)s (known: %(known)s)", role=repr(role), known=", ".join(ROLES))
        )
    if purchaser and organization:
        raise InvalidInput(_("A grant names a purchaser or an organization, not both"))
    if role == "organization":
        if not organization:
            raise InvalidInput(
                _("A service organization grant names its organization (--organization USCC)")
            )
        found = queries.organization_by_uscc(session, organization.strip().upper())
        if found is None:
            raise NotFound(
                _("The organization %(uscc)s is not registered", uscc=repr(organization))
            )
        return None, found.id, Scope(organization=found)
    if organization:
        raise InvalidInput(
            _(
                "A grant of the %(role)s role names a purchaser (--purchaser CODE), not an"
                " organization",
                role=role_label(role),
            )
        )
    if purchaser:
        found_purchaser = queries.purchaser_by_code(session, purchaser.strip())
        return found_purchaser.id, None, Scope(purchaser=found_purchaser)
    return None, None, Scope()


def grant(
    session: Session,
    login: str,
    role: str,
    by: Actor,
    *,
    purchaser: str | None = None,
    organization: str | None = None,
    at: datetime | None = None,
) -> RoleGrant:
    """Grant ``role`` to an account for a purchaser (and those below it), one organization,
    or every purchaser (neither given); no commit."""
    user, purchaser_id, organization_id, held = _checked_change(
        session, login, role, by, purchaser, organization, f"granting {role} to"
    )
    if held is not None:
        raise InvalidInput(
            _(
                "%(login)s already holds the %(role)s role for %(scope)s",
                login=user.login,
                role=role_label(role),
                scope=scope_named(account_store.scope_label(session, held)),
            )
        )
    moment = at or _now()
    assert user.id is not None
    row = RoleGrant(
        user_id=user.id,
        role=role,
        purchaser_id=purchaser_id,
        organization_id=organization_id,
        granted_by=by.name,
        granted_at=moment,
    )
    session.add(row)
    session.flush()
    _record(
        session,
        by,
        "user_grant",
        _grant_data(user, role, purchaser, organization, session, row),
        moment,
    )
    return row


def _checked_change(
    session: Session,
    login: str,
    role: str,
    by: Actor,
    purchaser: str | None,
    organization: str | None,
    action: str,
) -> tuple[User, int | None, int | None, RoleGrant | None]:
    """The account, the scope's ids and the same active grant if held, once ``by`` is
    checked as an administrator of that scope."""
    purchaser_id, organization_id, scope = _grant_scope(session, role, purchaser, organization)
    user = _user(session, login)
    admin_scope = (
        scope if scope.purchaser is not None else Scope(any_purchaser=role == "organization")
    )
    _admin(session, by, grant_action(action, user.login, role), admin_scope)
    check_manages(session, by, user, grant_action(action, user.login, role))
    for held in account_store.active_grants(session, user):
        if (held.role, held.purchaser_id, held.organization_id) == (
            role,
            purchaser_id,
            organization_id,
        ):
            return user, purchaser_id, organization_id, held
    return user, purchaser_id, organization_id, None


def _grant_data(
    user: User,
    role: str,
    purchaser: str | None,
    organization: str | None,
    session: Session,
    row: RoleGrant,
) -> dict[str, Any]:
    label = account_store.scope_label(session, row)
    return {
        "login": user.login,
        "role": role,
        "purchaser": label if row.purchaser_id is not None else None,
        "organization": label if row.organization_id is not None else None,
    }


def revoke(
    session: Session,
    login: str,
    role: str,
    by: Actor,
    *,
    purchaser: str | None = None,
    organization: str | None = None,
    at: datetime | None = None,
) -> RoleGrant:
    """Revoke an active grant (its row stays, marked revoked); no commit."""
    user, _purchaser_id, _organization_id, held = _checked_change(
        session, login, role, by, purchaser, organization, f"revoking {role} of"
    )
    if held is None:
        raise NotFound(
            _(
                "%(login)s holds no %(role)s grant for %(scope)s",
                login=user.login,
                role=role_label(role),
                scope=purchaser or organization or _("all purchasers"),
            )
        )
    moment = at or _now()
    held.revoked_at, held.revoked_by = moment, by.name
    session.add(held)
    session.flush()
    _record(
        session,
        by,
        "user_revoke",
        _grant_data(user, role, purchaser, organization, session, held),
        moment,
    )
    return held


def deactivate(session: Session, login: str, by: Actor, *, at: datetime | None = None) -> User:
    """Deactivate an account: it can no longer act (its past steps keep naming it)."""
    user = _user(session, login)
    _admin(session, by, _("deactivating %(login)s", login=user.login))
    check_manages(session, by, user, _("Deactivating the account %(login)s", login=user.login))
    if not user.active:
        raise InvalidInput(_("The account %(login)s is already deactivated", login=user.login))
    if by.name == user.login:
        raise Refused(
            _(
                "Deactivating %(login)s refused: an administrator cannot deactivate themselves",
                login=user.login,
            )
        )
    user.active = False
    session.add(user)
    session.flush()
    _record(session, by, "user_deactivate", {"login": user.login}, at or _now())
    return user


_EMAIL = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+")


def set_email(
    session: Session, login: str, email: str | None, by: Actor, *, at: datetime | None = None
) -> User:
    """Set (or, with ``None``, remove) the address an account's reminders are sent to."""
    user = _user(session, login)
    _admin(session, by, _("setting the e-mail address of %(login)s", login=user.login))
    check_manages(session, by, user, _("Setting the e-mail address of %(login)s", login=user.login))
    address = None if email is None else email.strip()
    if address is not None and (len(address) > 254 or not _EMAIL.fullmatch(address)):
        raise InvalidInput(
            _(
                "%(address)s is not an e-mail address such as name@example.org",
                address=repr(address),
            )
        )
    user.email = address
    session.add(user)
    session.flush()
    _record(session, by, "user_email", {"login": user.login, "email": address}, at or _now())
    return user


def set_password(
    session: Session, login: str, password: str, by: Actor, *, at: datetime | None = None
) -> None:
    """Set an account's password (Argon2 hash only); the account itself or an admin may."""
    set_shared_password(session, [login], password, by, at=at)


def set_shared_password(
    session: Session, logins: list[str], password: str, by: Actor, *, at: datetime | None = None
) -> None:
    """Give every login the same password, hashed once (a documented shared password,
    such as the demo's: the accounts' hashes are equal, so only for such a password)."""
    users = [_user(session, login) for login in logins]
    for user in users:
        if by.name == SETUP_LOGIN or normalize_login(by.name) != user.login:
            _admin(session, by, _("setting the password of %(login)s", login=user.login))
            check_manages(
                session, by, user, _("Setting the password of %(login)s", login=user.login)
            )
    check_password_strength(password)
    hashed = hash_password(password)
    for user in users:
        user.password_hash = hashed
        session.add(user)
        session.flush()
        _record(session, by, "user_passwd", {"login": user.login}, at or _now())


def hash_password(password: str) -> str:
    """The Argon2 hash stored for ``password`` (the password itself is never stored)."""
    return str(_hasher().hash(password))


def check_password(session: Session, login: str, password: str) -> bool:
    """Whether ``password`` is the account's (False for unknown, inactive or password-less).

    An unknown, inactive or password-less login is checked against a dummy hash all the
    same, so the answer takes as long as for a real login: the time of a refusal does not
    tell whether a login exists.
    """
    try:
        user = account_store.user_by_login(session, normalize_login(login))
    except InvalidInput:
        user = None
    if user is None or not user.active or not user.password_hash:
        _hasher().verify(password, _dummy_hash())
        return False
    return bool(_hasher().verify(password, user.password_hash))


def list_users(session: Session) -> list[UserView]:
    """Every account with its active grants."""
    return [
        UserView(
            login=user.login,
            name=user.name,
            active=user.active,
            has_password=bool(user.password_hash),
            created_at=audit.utc_stamp(user.created_at),
            grants=[
                GrantView(g.role, account_store.scope_label(session, g))
                for g in account_store.active_grants(session, user)
            ],
        )
        for user in account_store.all_users(session)
    ]


def _hasher() -> Any:
    from pwdlib import PasswordHash

    return PasswordHash.recommended()


@functools.cache
def _dummy_hash() -> str:
    """A hash of a random password, made once per process: what an unknown login is checked
    against, with the same Argon2 parameters as a real one."""
    return hash_password(secrets.token_urlsafe(32))
