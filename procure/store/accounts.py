"""Queries for accounts and grants: who a login is, and which roles it holds where."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlmodel import Session, col, select

from procure.store.models import Organization, Purchaser
from procure.store.reads import remember, remembered, remembering
from procure.store.trust_models import RoleGrant, User


def user_by_login(session: Session, login: str) -> User | None:
    """Return the account with this (already normalized) login, if any."""

    def load() -> User | None:
        return session.exec(select(User).where(User.login == login)).first()

    return remembered(session, ("user", login), load)


def active_grants(session: Session, user: User) -> list[RoleGrant]:
    """Return the user's grants that are not revoked, oldest first."""

    def load() -> tuple[RoleGrant, ...]:
        statement = (
            select(RoleGrant)
            .where(RoleGrant.user_id == user.id, col(RoleGrant.revoked_at).is_(None))
            .order_by(col(RoleGrant.id))
        )
        return tuple(session.exec(statement))

    return list(remembered(session, ("grants", user.id), load))


def role_holders(session: Session, role: str, purchaser_id: int) -> list[User]:
    """The active accounts holding ``role`` for the purchaser (by a grant on it, on a purchaser
    above it, or on every purchaser), by name."""
    chain = purchaser_chain(session, purchaser_id)
    statement = (
        select(User)
        .join(RoleGrant, col(RoleGrant.user_id) == col(User.id))
        .where(
            RoleGrant.role == role,
            col(RoleGrant.revoked_at).is_(None),
            col(RoleGrant.organization_id).is_(None),
            col(User.active).is_(True),
        )
        .where(col(RoleGrant.purchaser_id).in_(chain) | col(RoleGrant.purchaser_id).is_(None))
        .distinct()
    )
    return sorted(session.exec(statement), key=lambda user: (user.name, user.login))


def remember_account(session: Session, user: User, grants: Sequence[RoleGrant]) -> None:
    """Take ``user`` and its active ``grants`` (read when the request's account was found)
    as what :func:`user_by_login` and :func:`active_grants` answer in ``session``'s current
    read-only transaction (see :mod:`procure.store.reads`)."""
    remember(session, ("user", user.login), user)
    remember(session, ("grants", user.id), tuple(grants))


def purchaser_chain(session: Session, purchaser_id: int) -> list[int]:
    """Return the purchaser's id and the ids of every purchaser above it, nearest first
    (in a read-only transaction, from :func:`purchaser_parents`; else row by row)."""
    parents = purchaser_parents(session) if remembering(session) else None
    chain: list[int] = []
    current: int | None = purchaser_id
    while current is not None and current not in chain:
        chain.append(current)
        if parents is not None:
            current = parents.get(current)
        else:
            parent = session.get(Purchaser, current)
            current = parent.parent_id if parent is not None else None
    return chain


def purchaser_parents(session: Session) -> Mapping[int, int | None]:
    """Every purchaser's parent by its id (one query; once per read-only transaction)."""

    def load() -> Mapping[int, int | None]:
        statement = select(col(Purchaser.id), col(Purchaser.parent_id))
        return {row[0]: row[1] for row in session.exec(statement) if row[0] is not None}

    return remembered(session, "purchaser_parents", load)


def has_active_admin(session: Session) -> bool:
    """Whether any active account holds an admin grant (else the database is being set up)."""
    statement = (
        select(RoleGrant.id)
        .join(User, col(User.id) == col(RoleGrant.user_id))
        .where(
            RoleGrant.role == "admin",
            col(RoleGrant.revoked_at).is_(None),
            col(User.active).is_(True),
        )
        .limit(1)
    )
    return session.exec(statement).first() is not None


def scope_label(session: Session, grant: RoleGrant) -> str:
    """Return how a grant's scope reads: a purchaser code, an organization's USCC, or 'all'."""
    if grant.purchaser_id is not None:
        purchaser = session.get(Purchaser, grant.purchaser_id)
        return purchaser.code if purchaser is not None else f"purchaser #{grant.purchaser_id}"
    if grant.organization_id is not None:
        organization = session.get(Organization, grant.organization_id)
        return organization.uscc if organization is not None else f"#{grant.organization_id}"
    return "all purchasers"


def all_users(session: Session) -> list[User]:
    """Return every account, by login."""
    return list(session.exec(select(User).order_by(col(User.login))))


def organization_account(session: Session, uscc: str) -> str | None:
    """Return the login of the first active account holding ``uscc``'s organization grant."""
    statement = (
        select(User.login)
        .join(RoleGrant, col(RoleGrant.user_id) == col(User.id))
        .join(Organization, col(Organization.id) == col(RoleGrant.organization_id))
        .where(
            Organization.uscc == uscc,
            RoleGrant.role == "organization",
            col(RoleGrant.revoked_at).is_(None),
            col(User.active).is_(True),
        )
        .order_by(col(User.id))
        .limit(1)
    )
    return session.exec(statement).first()
