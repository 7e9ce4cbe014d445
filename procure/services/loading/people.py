"""The accounts a fixture's steps are taken by: declared in ``users:``, or registered as met.

A fixture with a ``users:`` section declares every account and its grants; a step by
anyone else is refused like any other step by an unknown account. A fixture without
one still loads: each name its steps meet becomes an account (login and display name
both the name as written) holding the role the step needs for the project's purchaser
(an organization's comment: the organization's own account, login its USCC), and the
load summary says how many accounts were created.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlmodel import Session

from procure.domain.datafile import known_keys
from procure.domain.errors import InvalidInput
from procure.domain.identity import normalize_login
from procure.domain.language import _
from procure.services.accounts import manage as accounts
from procure.store import accounts as account_store
from procure.store import queries
from procure.store.models import Organization, Project, Purchaser
from procure.workflow.context import Actor

USER_KEYS = {"login", "name", "grants"}
GRANT_KEYS = {"role", "purchaser", "organization"}


class FixturePeople:
    """Registers a fixture's accounts, declared or met, as the loading administrator."""

    def __init__(self, session: Session, admin: Actor, *, declared: bool, at: datetime) -> None:
        self.session, self.admin, self.declared = session, admin, declared
        self.at = at  # the fixture's registration moment: the same data loads the same trail
        self.created = 0

    def declare(self, users: object) -> None:
        """Add the ``users:`` section's accounts and grants (admin grants last, so a database
        being set up stays in setup until every account is in)."""
        if not isinstance(users, list):
            raise InvalidInput(
                _("users: must be a list of %(shape)s", shape="{login, name, grants}")
            )
        admin_grants: list[tuple[str, Mapping[str, Any]]] = []
        for index, raw in enumerate(users):
            entry = known_keys(raw, USER_KEYS, f"users[{index}]")
            try:
                login = normalize_login(str(entry.get("login") or ""))
                name = str(entry.get("name") or "")
                accounts.add_user(self.session, login, name, self.admin, at=self.at)
                self.created += 1
                grants = entry.get("grants") or []
                if not isinstance(grants, list):
                    raise InvalidInput(
                        _(
                            "grants: must be a list of %(shape)s",
                            shape="{role, purchaser|organization}",
                        )
                    )
                for number, grant_raw in enumerate(grants):
                    grant = known_keys(grant_raw, GRANT_KEYS, f"grants[{number}]")
                    if grant.get("role") == "admin":
                        admin_grants.append((login, grant))
                    else:
                        self._grant(login, grant)
            except InvalidInput as error:
                where = f"users[{index}] ({entry.get('login')})"
                raise InvalidInput(
                    _(
                        "%(where)s: %(problem)s",
                        where=where,
                        problem=error,
                    )
                ) from error
        for login, grant in admin_grants:
            self._grant(login, grant)

    def _grant(self, login: str, grant: Mapping[str, Any]) -> None:
        accounts.grant(
            self.session,
            login,
            str(grant.get("role") or ""),
            self.admin,
            purchaser=_optional(grant.get("purchaser")),
            organization=_optional(grant.get("organization")),
            at=self.at,
        )

    def ensure(self, actor: Actor, project_code: str, at: datetime) -> None:
        """Without a ``users:`` section, register ``actor`` with the grant its step needs,
        at the moment of that step."""
        if self.declared:
            return
        project = queries.project_by_code(self.session, project_code)
        self._ensure(actor, self.session.get(Purchaser, project.purchaser_id), at)

    def ensure_officer(self, actor: Actor, purchaser_code: str, at: datetime) -> None:
        """Without a ``users:`` section, register the officer who drafts a project."""
        if not self.declared:
            self._ensure(actor, queries.purchaser_by_code(self.session, purchaser_code), at)

    def _ensure(self, actor: Actor, purchaser: Purchaser | None, at: datetime) -> None:
        login = normalize_login(actor.name)
        user = account_store.user_by_login(self.session, login)
        if user is None:
            accounts.add_user(self.session, login, actor.name, self.admin, at=at)
            self.created += 1
            user = account_store.user_by_login(self.session, login)
        assert user is not None and purchaser is not None
        for held in account_store.active_grants(self.session, user):
            if held.role == actor.role and held.purchaser_id in (None, purchaser.id):
                return
        accounts.grant(self.session, login, actor.role, self.admin, purchaser=purchaser.code, at=at)

    def organization_account(self, project_code: str, at: datetime) -> Actor:
        """The awarded organization's own account: declared, or registered (login: USCC)."""
        project: Project = queries.project_by_code(self.session, project_code)
        uscc = _awarded_uscc(self.session, project)
        found = account_store.organization_account(self.session, uscc)
        if found is not None:
            return Actor(found, "organization")
        if self.declared:
            raise InvalidInput(
                _(
                    "no account holds the organization grant of %(uscc)s; declare one in users: "
                    "or give the comment a document: reference (recorded by the officer)",
                    uscc=uscc,
                )
            )
        login = normalize_login(uscc)
        organization = queries.organization_by_uscc(self.session, uscc)
        assert organization is not None
        accounts.add_user(self.session, login, organization.name, self.admin, at=at)
        accounts.grant(self.session, login, "organization", self.admin, organization=uscc, at=at)
        self.created += 1
        return Actor(login, "organization")


def _awarded_uscc(session: Session, project: Project) -> str:
    organization = (
        session.get(Organization, project.awarded_organization_id)
        if project.awarded_organization_id is not None
        else None
    )
    if organization is None:
        raise InvalidInput(_("%(code)s has no awarded organization to comment", code=project.code))
    return organization.uscc


def _optional(value: object) -> str | None:
    return None if value is None else str(value)
