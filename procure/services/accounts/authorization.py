"""Who may act: every step is taken by an active account holding the role for its scope.

A grant on a purchaser covers the purchasers below it; a grant with no scope covers
every purchaser; an ``organization`` grant covers one organization's own projects.
A refusal names what is missing, e.g. "approve refused: wangwu (王五) holds no leader
grant for SM-WC (grants: officer for SM-FED)".

While a database has no active admin at all it is being set up: the setup actor
(:data:`SETUP_ACTOR`) may then register the first accounts, purchasers and
organizations, and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from procure.domain.errors import InvalidInput, Refused
from procure.domain.identity import SETUP_LOGIN as SETUP_LOGIN  # the callers' name for it
from procure.domain.identity import normalize_login
from procure.domain.language import _, pgettext
from procure.services.lifecycle.params import parse_params
from procure.store import accounts as account_store
from procure.store.models import Organization, Project, Purchaser
from procure.store.trust_models import RoleGrant, User
from procure.workflow.context import Actor
from procure.workflow.definition import TransitionDef
from procure.workflow.roles import role_label

SETUP_ACTOR = Actor(SETUP_LOGIN, "admin")
"""The setup actor. Its rows record no display name: its login is its code, and a reader sees
its label in their own language (:func:`procure.domain.identity.actor_shown`)."""


class GrantMissing(Refused):
    """An active account that holds no grant of the role covering the scope."""


@dataclass(frozen=True)
class Scope:
    """Where an action applies: a purchaser, an organization, or both (a project)."""

    purchaser: Purchaser | None = None
    organization: Organization | None = None
    any_purchaser: bool = False  # a grant on any purchaser will do (the organization registry)

    def label(self, role: str) -> str:
        if role == "organization" and self.organization is not None:
            return f"{self.organization.uscc} ({self.organization.name})"
        if self.purchaser is not None:
            return self.purchaser.code
        return _("any purchaser") if self.any_purchaser else _("all purchasers")


def project_scope(session: Session, project: Project) -> Scope:
    """The scope of an action on ``project``: its purchaser and its awarded organization."""
    organization = (
        session.get(Organization, project.awarded_organization_id)
        if project.awarded_organization_id is not None
        else None
    )
    return Scope(session.get(Purchaser, project.purchaser_id), organization)


def named_organization_scope(
    session: Session, scope: Scope, entry: TransitionDef, params: Mapping[str, Any]
) -> Scope:
    """The scope of a trigger an organization fires for itself (``acts_for:
    named_organization``): the project's purchaser and the organization its facts name."""
    uscc = parse_params(entry, params)["organization"]
    named = session.exec(select(Organization).where(Organization.uscc == uscc)).first()
    if named is None:
        raise Refused(f"{entry.trigger} refused: organization {uscc} is not registered")
    return Scope(scope.purchaser, named)


def in_setup(session: Session, actor: Actor) -> bool:
    """Whether ``actor`` is the setup actor on a database that has no admin yet."""
    return actor.name == SETUP_LOGIN and not account_store.has_active_admin(session)


def authorize(
    session: Session, actor: Actor, scope: Scope, action: str, *, allow_setup: bool = True
) -> User | None:
    """Return the active account that may take ``action`` as ``actor.role`` in ``scope``.

    Returns:
        The account, or ``None`` for the setup actor while no admin exists.

    Raises:
        InvalidInput: a malformed login.
        Refused: no such account, a deactivated one, or no grant covering the scope.
    """
    if actor.name == SETUP_LOGIN:
        if allow_setup and actor.role == "admin" and in_setup(session, actor):
            return None
        raise Refused(
            _("%(action)s refused: name the account acting (--by LOGIN)", action=action)
            if allow_setup
            else _(
                "%(action)s refused: only registered accounts may do this (--by LOGIN)",
                action=action,
            )
        )
    login = normalize_login(actor.name)
    user = account_store.user_by_login(session, login)
    if user is None:
        raise Refused(
            _(
                "%(action)s refused: no account %(quoted)s (an administrator adds it:"
                " procure users add %(login)s --name NAME)",
                action=action,
                quoted=repr(login),
                login=login,
            )
        )
    if not user.active:
        raise Refused(
            _(
                "%(action)s refused: the account %(login)s (%(name)s) is deactivated",
                action=action,
                login=login,
                name=user.name,
            )
        )
    grants = account_store.active_grants(session, user)
    if not any(_covers(session, grant, actor.role, scope) for grant in grants):
        held = pgettext("list", ", ").join(_grant_label(session, g) for g in grants) or pgettext(
            "nothing", "none"
        )
        raise GrantMissing(
            _(
                "%(action)s refused: %(login)s (%(name)s) holds no %(role)s grant for"
                " %(scope)s (grants: %(held)s)",
                action=action,
                login=login,
                name=user.name,
                role=role_label(actor.role),
                scope=scope.label(actor.role),
                held=held,
            )
        )
    return user


def acting(session: Session, actor: Actor, scope: Scope, action: str) -> Actor:
    """Authorize ``actor`` (see :func:`authorize`) and return it with its display name."""
    user = authorize(session, actor, scope, action)
    return Actor(actor.name, actor.role, user.name if user is not None else "")


def display_name(session: Session, actor: Actor) -> str:
    """Return the display name of the account acting (the login itself if it has none), as
    its audit rows record it: none for the setup actor (see :data:`SETUP_ACTOR`)."""
    if actor.display:
        return actor.display
    if actor.name == SETUP_LOGIN:
        return ""
    try:
        user = account_store.user_by_login(session, normalize_login(actor.name))
    except InvalidInput:
        return actor.name
    return user.name if user is not None else actor.name


def _covers(session: Session, grant: RoleGrant, role: str, scope: Scope) -> bool:
    if grant.role != role:
        return False
    if role == "organization":
        return scope.organization is not None and grant.organization_id == scope.organization.id
    if grant.organization_id is not None:
        return False
    if grant.purchaser_id is None or scope.any_purchaser:
        return True  # every purchaser, or an action that any purchaser's grant allows
    if scope.purchaser is None or scope.purchaser.id is None:
        return False
    return grant.purchaser_id in account_store.purchaser_chain(session, scope.purchaser.id)


def _grant_label(session: Session, grant: RoleGrant) -> str:
    label = account_store.scope_label(session, grant)
    scope = _("all purchasers") if label == "all purchasers" else label
    return _("%(role)s for %(scope)s", role=role_label(grant.role), scope=scope)
