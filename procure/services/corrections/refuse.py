"""Refuse a pending correction or amendment (驳回), or withdraw one's own (撤回).

Before it counts, the approving role may refuse it, or its proposer withdraw it, with a
reason; it then never counts (a new one may be proposed). Audit rows
``refuse_correction`` and ``refuse_amendment``. Both go through :func:`_refuse`: they
differ only in the table, the roles that may act and the result they return.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlmodel import Session

from procure.domain.errors import Refused
from procure.domain.identity import normalize_login
from procure.domain.language import N_, _
from procure.services.corrections.acting import acting_as, check_reason, moment
from procure.services.corrections.amend import (
    AmendmentResult,
    amendment_of,
    amendment_result,
    contract_to_amend,
)
from procure.services.corrections.correct import (
    CorrectionResult,
    correction_of,
    correction_result,
    log_change,
)
from procure.store import conflicts, queries
from procure.store.correction_models import PENDING, REFUSED, ContractAmendment, Correction
from procure.store.models import Project
from procure.workflow.rules import default_corrections

REFUSE_CORRECTION, REFUSE_AMENDMENT = "refuse_correction", "refuse_amendment"

Result = TypeVar("Result")


@dataclass(frozen=True)
class _Refusal(Generic[Result]):
    """What differs between refusing a correction and an amendment."""

    action: str
    """The step, as a refusal names it (``%(number)s`` and ``%(code)s`` filled in)."""
    trigger: str
    find: Callable[[Session, Project, int], Any]
    """The pending record ``number`` of the project (NotFound when there is none)."""
    awaits: Callable[[Any], bool]
    """Whether the record is still awaiting approval."""
    roles: Callable[[Any, bool], Sequence[str]]
    """The roles that may refuse it; the flag: ``by`` proposed it (a withdrawal)."""
    result: Callable[[Project, Any, int], Result]


def _correction_roles(correction: Correction, own: bool) -> Sequence[str]:
    assert correction.approval_role is not None, "awaits() checked it"
    rule = default_corrections().kinds[correction.kind]
    return rule.roles if own else (correction.approval_role,)


def _amendment_roles(_amendment: ContractAmendment, own: bool) -> Sequence[str]:
    rule = default_corrections().amendments
    return rule.roles if own or rule.approval is None else (rule.approval,)


_CORRECTION = _Refusal[CorrectionResult](
    N_("Refusal of correction #%(number)s of %(code)s"),
    REFUSE_CORRECTION,
    correction_of,
    lambda c: c.state == PENDING and c.approval_role is not None,
    _correction_roles,
    correction_result,
)
_AMENDMENT = _Refusal[AmendmentResult](
    N_("Refusal of amendment #%(number)s of %(code)s"),
    REFUSE_AMENDMENT,
    lambda session, project, number: amendment_of(
        session, contract_to_amend(session, project), number
    ),
    lambda a: a.state == PENDING,
    _amendment_roles,
    amendment_result,
)


def refuse_correction(
    session: Session,
    code: str,
    number: int,
    *,
    by: str,
    reason: str,
    at: datetime | None = None,
    rehearse: bool = False,
) -> CorrectionResult:
    """Refuse (or, by its proposer, withdraw) project ``code``'s pending correction ``number``.

    With ``rehearse``, check it and say what it would do, storing nothing.

    Raises:
        Refused: it is not pending, or ``by`` neither proposed it nor holds the approving role.
    """
    return _refuse(_CORRECTION, session, code, number, by, reason, at, rehearse)


def refuse_amendment(
    session: Session,
    code: str,
    number: int,
    *,
    by: str,
    reason: str,
    at: datetime | None = None,
    rehearse: bool = False,
) -> AmendmentResult:
    """Refuse (or, by its proposer, withdraw) amendment ``number`` of ``code``'s contract.

    With ``rehearse``, check it and say what it would do, storing nothing.

    Raises:
        Refused: it is not pending, or ``by`` neither proposed it nor holds the approving role.
    """
    return _refuse(_AMENDMENT, session, code, number, by, reason, at, rehearse)


def _refuse(
    kind: _Refusal[Result],
    session: Session,
    code: str,
    number: int,
    by: str,
    reason: str,
    at: datetime | None,
    rehearse: bool,
) -> Result:
    action = _(kind.action, number=number, code=code)

    def refuse() -> Result:
        reason_given = check_reason(reason, _("Reason for refusing"))
        project = queries.lock_project(session, code)
        pending = kind.find(session, project, number)
        if not kind.awaits(pending):
            raise Refused(_("%(action)s refused: it is not awaiting approval", action=action))
        own = normalize_login(by) == pending.proposed_by
        actor = acting_as(session, by, kind.roles(pending, own), project, action)
        at_ = moment(at)
        pending.decided_by, pending.decided_at = actor.name, at_
        pending.refusal, pending.state = reason_given, REFUSED
        session.add(pending)
        data = {"number": number, "withdrawn": own}
        row = log_change(session, actor, kind.trigger, project, at_, reason_given, data)
        return kind.result(project, pending, row.seq)

    return conflicts.carried_out(session, refuse, what=action, rehearse=rehearse)
