"""Refuse a pending correction or amendment (驳回), or withdraw one's own (撤回).

Before it counts, the approving role may refuse it, or its proposer withdraw it, with a
reason; it then never counts (a new one may be proposed). Audit rows
``refuse_correction`` and ``refuse_amendment``.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from procure.domain.errors import Refused
from procure.domain.identity import normalize_login
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
from procure.store.correction_models import PENDING, REFUSED
from procure.workflow.rules import default_corrections

REFUSE_CORRECTION, REFUSE_AMENDMENT = "refuse_correction", "refuse_amendment"


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

    def refuse() -> CorrectionResult:
        action = f"refuse correction #{number} of {code}"
        reason_given = check_reason(reason, "驳回理由 reason")
        project = queries.lock_project(session, code)
        correction = correction_of(session, project, number)
        if correction.state != PENDING or correction.approval_role is None:
            raise Refused(f"{action} refused: it is not awaiting approval")
        rule = default_corrections().kinds[correction.kind]
        own = normalize_login(by) == correction.proposed_by
        roles = rule.roles if own else (correction.approval_role,)
        actor = acting_as(session, by, roles, project, action)
        at_ = moment(at)
        correction.decided_by, correction.decided_at = actor.name, at_
        correction.refusal, correction.state = reason_given, REFUSED
        session.add(correction)
        data = {"number": number, "withdrawn": own}
        row = log_change(session, actor, REFUSE_CORRECTION, project, at_, reason_given, data)
        return correction_result(project, correction, row.seq)

    what = f"refuse correction #{number} of {code}"
    return conflicts.carried_out(session, refuse, what=what, rehearse=rehearse)


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

    def refuse() -> AmendmentResult:
        action = f"refuse amendment #{number} of {code}"
        reason_given = check_reason(reason, "驳回理由 reason")
        project = queries.lock_project(session, code)
        amendment = amendment_of(session, contract_to_amend(session, project), number)
        if amendment.state != PENDING:
            raise Refused(f"{action} refused: it is not awaiting approval")
        rule = default_corrections().amendments
        own = normalize_login(by) == amendment.proposed_by
        roles = rule.roles if own or rule.approval is None else (rule.approval,)
        actor = acting_as(session, by, roles, project, action)
        at_ = moment(at)
        amendment.decided_by, amendment.decided_at = actor.name, at_
        amendment.refusal, amendment.state = reason_given, REFUSED
        session.add(amendment)
        data = {"number": number, "withdrawn": own}
        row = log_change(session, actor, REFUSE_AMENDMENT, project, at_, reason_given, data)
        return amendment_result(project, amendment, row.seq)

    what = f"refuse amendment #{number} of {code}"
    return conflicts.carried_out(session, refuse, what=what, rehearse=rehearse)
