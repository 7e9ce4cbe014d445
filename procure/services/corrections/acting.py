"""Who is acting on a correction or amendment, and whether the project's stage still allows it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session

from procure.domain.errors import InvalidInput, Refused
from procure.domain.identity import normalize_login
from procure.domain.language import _, both
from procure.domain.text import check_typed_text
from procure.services.accounts.authorization import authorize, project_scope
from procure.services.accounts.scope import ROLE_ZH
from procure.services.lifecycle.clock import now_utc
from procure.store.models import Project
from procure.workflow.context import Actor
from procure.workflow.roles import role_label
from procure.workflow.rules import default_rules


def state_zh(code: str) -> str:
    """A lifecycle state's Chinese label."""
    return default_rules().definition.state(code).zh


def state_label(code: str) -> str:
    """A lifecycle state's label in the language in use."""
    return default_rules().definition.state(code).label


def role_said(role: str) -> str:
    """A role as the accounts name it in Chinese (财务干事), or by its English name."""
    return both(ROLE_ZH.get(role, role), role_label(role))


def acting_as(
    session: Session, login: str, roles: Sequence[str], project: Project, action: str
) -> Actor:
    """The account ``login`` acting in the first of ``roles`` it holds for ``project``.

    Raises:
        InvalidInput: no login given.
        Refused: the account holds none of the roles for the project (wrong role).
    """
    if not login.strip():
        raise InvalidInput(_("Name the person acting (--by LOGIN)"))
    login = normalize_login(login)
    scope = project_scope(session, project)
    refusal: Refused | None = None
    for role in roles:
        try:
            user = authorize(session, Actor(login, role), scope, action, allow_setup=False)
        except Refused as exc:
            refusal = refusal or exc
            continue
        assert user is not None
        return Actor(login, role, user.name)
    allowed = both("、", ", ").join(role_said(r) for r in roles)
    raise Refused(
        _(
            "%(action)s refused: only the %(roles)s may do this (%(refusal)s)",
            action=action,
            roles=allowed,
            refusal=refusal,
        )
    )


def check_stage(project: Project, stages: Sequence[str], action: str, what: str) -> None:
    """Refuse when ``project`` is past the stages in which ``what`` may still change."""
    if project.state not in stages:
        open_in = both("、", ", ").join(state_label(s) for s in stages)
        raise Refused(
            _(
                "%(action)s refused: the %(what)s may change only while the project is "
                "%(stages)s; %(code)s is %(state)s, past that stage",
                action=action,
                what=what,
                stages=open_in,
                code=project.code,
                state=state_label(project.state),
            )
        )


def check_reason(reason: str, what: str) -> str:
    """A required reason, stripped; refused when empty or holding control characters."""
    check_typed_text(reason, what)
    if not reason.strip():
        raise InvalidInput(_("The %(what)s is required: say why", what=what))
    return reason.strip()


def moment(at: datetime | None) -> datetime:
    """The moment of a change: ``at`` when given (fixtures, tests), else now."""
    return at or now_utc()
