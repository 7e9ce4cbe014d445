"""Which accounts an administrator manages: the one rule for the CLI and the browser.

An administrator whose admin grant has no scope (every purchaser) manages every account.
An administrator whose admin grants name purchasers manages an account only when each of
the account's active grants lies within those purchasers:

- a grant for a purchaser lies within when that purchaser is one of the administrator's
  or below one of them;
- a grant for an organization lies within when every project the organization has bid
  for or been awarded belongs to the administrator's purchasers (an organization with no
  project anywhere yet is registered for all of them);
- a grant with no scope (every purchaser) never lies within: only an administrator of
  every purchaser manages such an account, admins above it included.

An account manages itself (its own password); the setup actor manages every account while
the database has no administrator. A refusal says in Chinese which grant lies outside.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from procure.domain.errors import Refused
from procure.domain.identity import normalize_login
from procure.domain.language import _, both, pgettext
from procure.services.accounts.authorization import SETUP_LOGIN, in_setup
from procure.store import accounts as account_store
from procure.store.models import Project, Proposal, Purchaser
from procure.store.trust_models import RoleGrant, User
from procure.workflow.context import Actor
from procure.workflow.roles import role_label

ROLE_ZH = {
    "admin": "管理员",
    "officer": "财务干事",
    "leader": "分管领导",
    "reviewer": "评审专家",
    "assessor": "考核人员",
    "supervisor": "监管人员",
    "auditor": "审计人员",
    "organization": "承接方",
}


def check_manages(session: Session, by: Actor, target: User, action: str) -> None:
    """Refuse unless ``by`` (an administrator) manages ``target`` (see the module's rule).

    Raises:
        Refused: naming, in Chinese, the grant of ``target`` that lies outside ``by``'s
            purchasers; nothing has changed.
    """
    if by.name == SETUP_LOGIN:
        if in_setup(session, by):
            return
        raise Refused(
            _(
                "%(action)s refused: name the administrator acting with --by",
                action=action,
            )
        )
    login = normalize_login(by.name)
    if login == target.login:
        return
    admin = account_store.user_by_login(session, login)
    if admin is None:
        raise Refused(_("%(action)s refused: no account %(login)s", action=action, login=login))
    purchasers = _admin_purchasers(session, admin)
    if purchasers is None:
        return  # an administrator of every purchaser
    for grant in account_store.active_grants(session, target):
        if not _within(session, grant, purchasers):
            scope = ", ".join(sorted(_codes(session, purchasers))) or pgettext("nothing", "none")
            raise Refused(
                _(
                    "%(action)s refused: the administrator %(admin)s (%(admin_name)s) manages"
                    " only accounts whose grants all lie within their purchasers (%(scope)s),"
                    " and %(login)s (%(name)s) holds a grant outside them: %(grant)s",
                    action=action,
                    admin=admin.login,
                    admin_name=admin.name,
                    scope=scope,
                    login=target.login,
                    name=target.name,
                    grant=_grant_named(session, grant),
                )
            )


def _admin_purchasers(session: Session, admin: User) -> set[int] | None:
    """The purchaser ids of ``admin``'s admin grants, or ``None`` for every purchaser."""
    ids: set[int] = set()
    for grant in account_store.active_grants(session, admin):
        if grant.role != "admin":
            continue
        if grant.purchaser_id is None and grant.organization_id is None:
            return None
        if grant.purchaser_id is not None:
            ids.add(grant.purchaser_id)
    return ids


def _within(session: Session, grant: RoleGrant, purchasers: set[int]) -> bool:
    if grant.purchaser_id is not None:
        return bool(purchasers & set(account_store.purchaser_chain(session, grant.purchaser_id)))
    if grant.organization_id is not None:
        return all(
            purchasers & set(account_store.purchaser_chain(session, purchaser_id))
            for purchaser_id in _organization_purchasers(session, grant.organization_id)
        )
    return False


def _organization_purchasers(session: Session, organization_id: int) -> set[int]:
    """The purchasers of every project the organization bid for or was awarded."""
    bid = select(Project.purchaser_id).join(Proposal, col(Proposal.project_id) == col(Project.id))
    awarded = select(Project.purchaser_id).where(Project.awarded_organization_id == organization_id)
    found = set(session.exec(bid.where(Proposal.organization_id == organization_id)).all())
    return found | set(session.exec(awarded).all())


def _codes(session: Session, ids: set[int]) -> list[str]:
    return [p.code for p in session.exec(select(Purchaser).where(col(Purchaser.id).in_(ids)))]


def _grant_named(session: Session, grant: RoleGrant) -> str:
    """A grant as the refusal names it: its role and its scope."""
    role = both(ROLE_ZH.get(grant.role, grant.role), role_label(grant.role))
    if grant.purchaser_id is None and grant.organization_id is None:
        return _("%(role)s (all purchasers)", role=role)
    return _("%(role)s (%(scope)s)", role=role, scope=account_store.scope_label(session, grant))


def scope_named(label: str) -> str:
    """A grant's scope as people read it (every purchaser said in the language in use)."""
    return _("all purchasers") if label == "all purchasers" else label


def grant_action(action: str, login: str, role: str) -> str:
    """Granting or revoking a role (``action`` starts "granting" or "revoking"), as a
    refusal names it."""
    if action.startswith("revoking"):
        return _("Revoking the %(role)s grant of %(login)s", role=role_label(role), login=login)
    return _("Granting %(login)s the %(role)s role", login=login, role=role_label(role))
