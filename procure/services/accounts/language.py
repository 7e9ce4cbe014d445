"""The language an account reads pages, e-mail and job summaries in (``zh_CN`` or ``en``).

An account chooses its own on any page (the switch); an administrator may set it for an
account they manage (``procure users language``). Either way the change writes an audit row
naming who made it, as every other change to an account does.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from procure.domain import language
from procure.domain.errors import InvalidInput, NotFound, Refused
from procure.domain.identity import normalize_login
from procure.domain.language import _
from procure.services.accounts.authorization import Scope, authorize, display_name
from procure.services.accounts.scope import check_manages
from procure.store import accounts as account_store
from procure.store import audit
from procure.store.trust_models import User
from procure.workflow.context import Actor

TRIGGER = "user_language"
"""The audit row of a change of language."""


def parse(value: str) -> language.Language:
    """The language ``value`` names (``zh_CN``, ``zh-CN``, ``en``, ``en_US.UTF-8``…).

    Raises:
        InvalidInput: it names neither of ours.
    """
    chosen = language.parse_language(value)
    if chosen is None:
        raise InvalidInput(
            _("%(value)s is not a language of procure: give zh_CN or en", value=repr(value))
        )
    return chosen


def own_language(session: Session, login: str, chosen: str, *, at: datetime) -> User:
    """The signed-in account ``login`` reads in ``chosen`` from now on; no commit."""
    user = _user(session, login)
    return _set(session, user, parse(chosen), actor=user.login, role="", name=user.name, at=at)


def set_language(session: Session, login: str, chosen: str, by: Actor, *, at: datetime) -> User:
    """An administrator sets the language account ``login`` reads in; no commit.

    Raises:
        Refused: ``by`` is no administrator of the account.
        NotFound: no such account.
        InvalidInput: ``chosen`` names no language of ours.
    """
    user = _user(session, login)
    if by.role != "admin":
        raise Refused(_("Setting an account's language needs the administrator role."))
    action = _("Setting the language of %(login)s", login=user.login)
    authorize(session, by, Scope(any_purchaser=True), action)
    check_manages(session, by, user, action)
    name = display_name(session, by)
    return _set(session, user, parse(chosen), actor=by.name, role=by.role, name=name, at=at)


def _user(session: Session, login: str) -> User:
    user = account_store.user_by_login(session, normalize_login(login))
    if user is None:
        raise NotFound(_("There is no account %(login)s.", login=repr(normalize_login(login))))
    return user


def _set(
    session: Session,
    user: User,
    chosen: language.Language,
    *,
    actor: str,
    role: str,
    name: str,
    at: datetime,
) -> User:
    user.language = chosen
    session.add(user)
    session.flush()
    data = {"login": user.login, "language": chosen}
    audit.append(
        session,
        audit.AuditEntry(
            actor=actor, role=role, trigger=TRIGGER, at=at, data=data, actor_name=name
        ),
    )
    return user
