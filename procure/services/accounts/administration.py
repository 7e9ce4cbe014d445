"""What an administrator does in the browser: accounts, grants, sessions, the registry.

Every change goes through the service that owns it (:mod:`procure.services.accounts.manage`,
:mod:`procure.services.accounts.signin`, :mod:`procure.services.lifecycle.registry`), which
checks the administrator's grant for the scope and writes the audit row. A form's values are
checked field by field first, so each bad value is named beside its own field (Chinese
first) and nothing changes; what only the service can judge (a scope the
administrator does not hold, a grant already held) comes back as its refusal.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from procure.domain.errors import NotFound, ProcureError
from procure.domain.identity import (
    check_password_strength,
    normalize_display_name,
    normalize_login,
)
from procure.domain.language import N_, _
from procure.domain.money import parse_money
from procure.domain.uscc import validate_uscc
from procure.services.accounts import manage as accounts
from procure.services.accounts import signin
from procure.services.accounts.authorization import Scope, authorize
from procure.services.accounts.scope import check_manages
from procure.services.lifecycle import registry
from procure.services.lifecycle.project_actions import FormInvalid
from procure.store import accounts as account_store
from procure.store import audit, queries
from procure.store.models import Organization, Purchaser
from procure.store.trust_models import User
from procure.workflow.context import Actor
from procure.workflow.roles import ROLES, role_label

ORGANIZATION_CHOICES = 500
"""At most this many organizations are listed on a page or offered in a grant form's list
(any USCC may still be typed)."""


def admin_actor(session: Session, user: User) -> Actor:
    """The administrator acting: ``Actor(login, "admin")``.

    Raises:
        Refused: the account holds no admin grant (or is deactivated).
    """
    actor = Actor(user.login, "admin")
    authorize(
        session,
        actor,
        Scope(any_purchaser=True),
        _("Managing accounts"),
        allow_setup=False,
    )
    return actor


@dataclass(frozen=True)
class OpenSession:
    """A signed-in browser, as an administrator sees it (never its token)."""

    login: str
    name: str
    started: str
    last_seen: str
    user_agent: str


def open_sessions(session: Session, *, at: datetime) -> list[OpenSession]:
    """Every session not ended and not idle too long, newest first."""
    return [
        OpenSession(
            user.login,
            user.name,
            audit.utc_stamp(row.created_at)[:19].replace("T", " "),
            audit.utc_stamp(row.last_seen_at)[:19].replace("T", " "),
            row.user_agent,
        )
        for user, row in signin.open_sessions(session, at=at)
    ]


@dataclass(frozen=True)
class PurchaserRow:
    """A purchaser as the registry page lists it."""

    code: str
    name: str
    parent: str | None
    annual_funds: Any


def purchasers(session: Session) -> list[PurchaserRow]:
    """Every purchaser, by code, with its parent's code."""
    rows = list(session.exec(select(Purchaser).order_by(col(Purchaser.code))))
    codes = {p.id: p.code for p in rows}
    return [PurchaserRow(p.code, p.name, codes.get(p.parent_id), p.annual_funds) for p in rows]


def organizations(session: Session, *, limit: int | None = None) -> list[Organization]:
    """Registered organizations by name (the first ``limit`` of them)."""
    statement = select(Organization).order_by(col(Organization.name), col(Organization.uscc))
    return list(session.exec(statement.limit(limit) if limit else statement))


def organization_count(session: Session) -> int:
    """How many organizations are registered."""
    return int(session.exec(select(func.count()).select_from(Organization)).one())


def _check(errors: dict[str, str], name: str, hint: str, check: Callable[[], Any]) -> Any:
    try:
        return check()
    except ProcureError as exc:
        errors[name] = _("%(problem)s: %(reason)s", problem=_(hint), reason=exc)
        return None


def _text(form: Mapping[str, str], name: str) -> str:
    return (form.get(name) or "").strip()


def add_account(session: Session, form: Mapping[str, str], by: Actor, *, at: datetime) -> User:
    """Add an account with its initial password (``login``, ``name``, ``password``); no commit.

    Raises:
        FormInvalid: bad values, each named beside its field; nothing changed.
    """
    errors: dict[str, str] = {}
    login = _check(
        errors, "login", N_("The login is wrong"), lambda: normalize_login(form.get("login", ""))
    )
    name = _check(
        errors,
        "name",
        N_("The display name is wrong"),
        lambda: normalize_display_name(form.get("name", "")),
    )
    password = form.get("password", "")
    _check(
        errors,
        "password",
        N_("The initial password is too weak"),
        lambda: check_password_strength(password),
    )
    if login and account_store.user_by_login(session, login) is not None:
        errors["login"] = _("The account %(login)s already exists", login=repr(login))
    if errors:
        raise FormInvalid(errors)
    user = accounts.add_user(session, login, name, by, at=at)
    accounts.set_password(session, login, password, by, at=at)
    return user


def grant_role(session: Session, form: Mapping[str, str], by: Actor, *, at: datetime) -> None:
    """Grant ``role`` to ``login`` for ``purchaser`` (empty: every one) or ``organization``.

    Raises:
        FormInvalid: bad values, each named beside its field; nothing changed.
        InvalidInput: the account already holds that grant.
        Refused: the administrator's grant does not cover the scope.
    """
    login, role, purchaser, organization = _grant_fields(session, form)
    accounts.grant(
        session,
        login,
        role,
        by,
        purchaser=purchaser or None,
        organization=organization or None,
        at=at,
    )


def revoke_role(session: Session, form: Mapping[str, str], by: Actor, *, at: datetime) -> None:
    """Revoke an active grant named like :func:`grant_role`'s (the row stays, marked revoked)."""
    login, role, purchaser, organization = _grant_fields(session, form)
    accounts.revoke(
        session,
        login,
        role,
        by,
        purchaser=purchaser or None,
        organization=organization or None,
        at=at,
    )


def _grant_fields(session: Session, form: Mapping[str, str]) -> tuple[str, str, str, str]:
    errors: dict[str, str] = {}
    login = _check(
        errors, "login", N_("The account is wrong"), lambda: normalize_login(form.get("login", ""))
    )
    if login and account_store.user_by_login(session, login) is None:
        errors["login"] = _("No account %(login)s", login=repr(login))
    role = _text(form, "role")
    purchaser, organization = _text(form, "purchaser"), _text(form, "organization").upper()
    if role not in ROLES:
        errors["role"] = _("Choose a role")
    elif role == "organization":
        if purchaser:
            errors["purchaser"] = _("A service organization grant names no purchaser")
        if not organization:
            errors["organization"] = _("Choose the service organization of the grant")
        elif queries.organization_by_uscc(session, organization) is None:
            errors["organization"] = _(
                "The organization %(uscc)s is not registered", uscc=organization
            )
    else:
        if organization:
            errors["organization"] = _(
                "A grant of the %(role)s role names a purchaser, not an organization",
                role=role_label(role),
            )
        if purchaser:
            _check(
                errors,
                "purchaser",
                N_("The purchaser is wrong"),
                lambda: queries.purchaser_by_code(session, purchaser),
            )
    if errors:
        raise FormInvalid(errors)
    return login, role, purchaser, organization


def end_sessions(session: Session, login: str, by: Actor, *, at: datetime) -> int:
    """End every session of ``login`` (audited); return how many were open; no commit.

    Raises:
        Refused: ``by`` is not an administrator.
        NotFound: no such account.
    """
    admin = authorize(
        session,
        by,
        Scope(any_purchaser=True),
        _("Ending the sessions of %(login)s", login=login),
        allow_setup=False,
    )
    assert admin is not None, "the setup actor is refused by authorize"
    user = account_store.user_by_login(session, normalize_login(login))
    if user is None:
        raise NotFound(_("No account %(login)s", login=repr(login)))
    check_manages(session, by, user, _("Ending the sessions of %(login)s", login=user.login))
    return signin.revoke_sessions(session, user.login, by=admin, at=at)


def add_purchaser(session: Session, form: Mapping[str, str], by: Actor, *, at: datetime) -> None:
    """Register a purchaser (``code``, ``name``, ``parent``, ``annual_funds``); no commit.

    Raises:
        FormInvalid: bad values, each named beside its field; nothing changed.
        Refused: the administrator's grant does not cover the parent.
    """
    errors: dict[str, str] = {}
    code, parent = _text(form, "code"), _text(form, "parent")
    if not registry.PURCHASER_CODE.match(code):
        errors["code"] = _(
            "A purchaser's code starts with a capital letter and holds only capital letters,"
            " digits and '-' (2 to 32 characters), e.g. SM-WC"
        )
    elif session.exec(select(Purchaser.id).where(Purchaser.code == code)).first() is not None:
        errors["code"] = _("The purchaser %(code)s already exists", code=code)
    name = form.get("name", "")
    _check(errors, "name", N_("The name is wrong"), lambda: registry.checked_name(name, "the name"))
    if parent:
        _check(
            errors,
            "parent",
            N_("The parent is wrong"),
            lambda: queries.purchaser_by_code(session, parent),
        )
    funds = form.get("annual_funds", "")
    _check(
        errors,
        "annual_funds",
        N_("Give an amount in yuan, e.g. 3600000.00"),
        lambda: parse_money(funds, field="annual funds"),
    )
    if errors:
        raise FormInvalid(errors)
    registry.add_purchaser(
        session, registry.PurchaserCreate(code, name, funds, parent or None), by, at=at
    )


def register_organization(
    session: Session, form: Mapping[str, str], by: Actor, *, at: datetime
) -> None:
    """Register a social organization (``uscc``, ``name``); no commit.

    Raises:
        FormInvalid: a bad USCC (its check character is checked) or name; nothing changed.
    """
    errors: dict[str, str] = {}
    raw = form.get("uscc", "")
    uscc = _check(
        errors, "uscc", N_("The unified social credit code is wrong"), lambda: validate_uscc(raw)
    )
    if uscc and queries.organization_by_uscc(session, uscc) is not None:
        errors["uscc"] = _("The organization %(uscc)s is already registered", uscc=uscc)
    name = form.get("name", "")
    _check(errors, "name", N_("The name is wrong"), lambda: registry.checked_name(name, "the name"))
    if errors:
        raise FormInvalid(errors)
    registry.register_organization(session, registry.OrganizationCreate(uscc, name), by, at=at)
