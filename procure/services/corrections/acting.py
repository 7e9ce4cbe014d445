"""Who is acting on a correction or amendment, and whether the project's stage still allows it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session

from procure.domain.errors import InvalidInput, Refused
from procure.domain.identity import normalize_login
from procure.domain.text import check_typed_text
from procure.services.accounts.authorization import authorize, project_scope
from procure.services.accounts.scope import ROLE_ZH
from procure.services.lifecycle.clock import now_utc
from procure.store.models import Project
from procure.workflow.context import Actor
from procure.workflow.rules import default_rules


def state_zh(code: str) -> str:
    """A lifecycle state's Chinese label."""
    return default_rules().definition.state(code).zh


def acting_as(
    session: Session, login: str, roles: Sequence[str], project: Project, action: str
) -> Actor:
    """The account ``login`` acting in the first of ``roles`` it holds for ``project``.

    Raises:
        InvalidInput: no login given.
        Refused: the account holds none of the roles for the project (wrong role).
    """
    if not login.strip():
        raise InvalidInput("the person acting must be named (--by LOGIN)")
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
    allowed = "、".join(f"{ROLE_ZH.get(r, r)} {r}" for r in roles)
    raise Refused(f"{action} refused: only {allowed} may do this ({refusal})")


def check_stage(project: Project, stages: Sequence[str], action: str, what: str) -> None:
    """Refuse when ``project`` is past the stages in which ``what`` may still change."""
    if project.state not in stages:
        open_in = "、".join(state_zh(s) for s in stages)
        raise Refused(
            f"{action} refused: {what} may change only while the project is {open_in}; "
            f"{project.code} is {state_zh(project.state)} ({project.state}), past that stage"
        )


def check_reason(reason: str, what: str) -> str:
    """A required reason, stripped; refused when empty or holding control characters."""
    check_typed_text(reason, what)
    if not reason.strip():
        raise InvalidInput(f"{what} is required: say why")
    return reason.strip()


def moment(at: datetime | None) -> datetime:
    """The moment of a change: ``at`` when given (fixtures, tests), else now."""
    return at or now_utc()
