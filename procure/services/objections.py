"""Objections (质疑) to an award notice: lodge one, answer one.

Both are triggers of the project's lifecycle (``lodge_objection``, ``uphold_objection``,
``reject_objection`` in ``workflows/service_project.yaml``), so they are authorized by
grants, guarded, and audited like every other step.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from procure.domain.errors import InvalidInput
from procure.domain.notices import OUTCOMES
from procure.services.lifecycle import TransitionResult, advance
from procure.workflow.context import Actor

ANSWER_TRIGGERS = {"upheld": "uphold_objection", "rejected": "reject_objection"}


def lodge(
    session: Session,
    code: str,
    actor: Actor,
    *,
    organization: str,
    text: str,
    lodged_on: date | str | None = None,
    document: str | None = None,
    **options: Any,
) -> TransitionResult:
    """Lodge an organization's objection to the project's award notice.

    The organization's own account lodges it for itself; an officer records it citing the
    reference of the document it came in (``document``).
    """
    params: dict[str, Any] = {"organization": organization, "text": text}
    if lodged_on is not None:
        params["lodged_on"] = lodged_on
    if document is not None:
        params["document"] = document
    return advance(session, code, "lodge_objection", actor, params=params, **options)


def answer(
    session: Session,
    code: str,
    actor: Actor,
    *,
    organization: str,
    outcome: str,
    reason: str,
    **options: Any,
) -> TransitionResult:
    """Answer the organization's oldest unanswered objection: ``upheld`` reopens the award
    for review, ``rejected`` keeps it; either way the reason is recorded and published."""
    trigger = ANSWER_TRIGGERS.get(outcome)
    if trigger is None:
        raise InvalidInput(f"an objection is answered {' or '.join(OUTCOMES)}, not {outcome!r}")
    params = {"organization": organization}
    return advance(session, code, trigger, actor, params=params, reason=reason, **options)
