"""Advance a project through its lifecycle: the one path every trigger takes.

:func:`perform` fires a trigger inside the caller's transaction (guards, state
change, effect, audit row); :func:`advance` does the same in a transaction of
its own, committed on success and rolled back whole on any error. The named
functions (``submit``, ``approve``, ``award``…) are what a person does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from procure.domain.errors import InvalidInput
from procure.domain.identity import normalize_login
from procure.domain.language import _, pgettext
from procure.domain.text import check_typed_text
from procure.services.accounts.authorization import (
    SETUP_LOGIN,
    authorize,
    named_organization_scope,
    project_scope,
)
from procure.services.deadlines.calendar_state import calendar_for
from procure.services.lifecycle.clock import now_utc
from procure.services.lifecycle.effects import EFFECTS
from procure.services.lifecycle.params import parse_params
from procure.store import audit, conflicts, queries
from procure.workflow.context import ActionContext, Actor
from procure.workflow.notice_guards import WORKING_CALENDAR
from procure.workflow.roles import ROLES
from procure.workflow.rules import Rules, default_rules


@dataclass(frozen=True)
class TransitionResult:
    """What a fired trigger did."""

    project: str
    trigger: str
    from_state: str
    to_state: str
    seq: int


def check_actor(actor: Actor) -> Actor:
    """Return the actor with its login normalized; refuse an unnamed actor or unknown role."""
    if not actor.name.strip():
        raise InvalidInput(_("the person acting must be named (--by LOGIN)"))
    if actor.role not in ROLES:
        raise InvalidInput(
            _(
                "unknown role %(role)s (known: %(known)s)",
                role=repr(actor.role),
                known=", ".join(ROLES),
            )
        )
    if actor.name == SETUP_LOGIN:
        return actor
    return Actor(normalize_login(actor.name), actor.role)


def perform(
    session: Session,
    code: str,
    trigger: str,
    actor: Actor,
    *,
    params: Mapping[str, Any] | None = None,
    reason: str = "",
    at: datetime | None = None,
    batch_id: str | None = None,
    rules: Rules | None = None,
) -> TransitionResult:
    """Fire ``trigger`` on project ``code`` inside the caller's transaction (no commit).

    Raises:
        NotFound: unknown project.
        InvalidInput: a malformed fact or actor.
        Refused: the role, state, reason rule or a guard refuses.
    """
    rules = rules or default_rules()
    actor = check_actor(actor)
    check_typed_text(reason, pgettext("refusal", "the reason"))
    project = queries.lock_project(session, code)  # purchaser, then project; read afresh
    entry = rules.engine.entry_for(trigger, project.state, actor.role)
    scope = project_scope(session, project)
    if entry.named_organization and actor.role == "organization":
        scope = named_organization_scope(session, scope, entry, params or {})
    user = authorize(session, actor, scope, entry.label, allow_setup=False)
    assert user is not None, "the setup actor is refused by authorize"
    actor = Actor(actor.name, actor.role, user.name)
    ctx = ActionContext(
        session=session,
        rules=rules,
        project=project,
        actor=actor,
        trigger=trigger,
        params=parse_params(entry, params or {}),
        reason=reason.strip(),
        at=at or now_utc(),
        batch_id=batch_id,
        facts={WORKING_CALENDAR: lambda: calendar_for(session)},
    )
    before = project.state
    rules.engine.fire(ctx)
    effect = EFFECTS.get(trigger)
    if effect is not None:
        effect(ctx)
    project.version += 1
    session.add(project)
    row = audit.append(
        session,
        audit.AuditEntry(
            actor=actor.name,
            role=actor.role,
            trigger=trigger,
            at=ctx.at,
            project_code=project.code,
            from_state=before,
            to_state=project.state,
            reason=ctx.reason,
            data=ctx.audit_data,
            batch_id=batch_id,
            actor_name=actor.display,
        ),
    )
    for following in ctx.audit_after:  # e.g. the next year's project a renewal created
        audit.append(session, following)
    session.flush()
    return TransitionResult(project.code, trigger, before, project.state, row.seq)


def advance(
    session: Session, code: str, trigger: str, actor: Actor, **options: Any
) -> TransitionResult:
    """Fire ``trigger`` in a transaction of its own: all of it is stored, or nothing."""
    return conflicts.committed(
        session,
        lambda: perform(session, code, trigger, actor, **options),
        what=_("%(step)s on %(code)s", step=_step_label(trigger, options.get("rules")), code=code),
    )


def _step_label(trigger: str, rules: Rules | None) -> str:
    entries = (rules or default_rules()).definition.transitions_for(trigger)
    return entries[0].label if entries else trigger


def submit(session: Session, code: str, actor: Actor, **options: Any) -> TransitionResult:
    """Submit a drafted project for approval (立项申报)."""
    return advance(session, code, "submit", actor, **options)


def approve(session: Session, code: str, actor: Actor, **options: Any) -> TransitionResult:
    """Approve a proposed project (批准立项)."""
    return advance(session, code, "approve", actor, **options)


def reject(
    session: Session, code: str, actor: Actor, *, reason: str, **options: Any
) -> TransitionResult:
    """Reject a proposed project (不予立项); a reason is required."""
    return advance(session, code, "reject", actor, reason=reason, **options)


def open_call(session: Session, code: str, actor: Actor, **options: Any) -> TransitionResult:
    """Open the call for proposals."""
    return advance(session, code, "open_call", actor, **options)


def add_proposal(
    session: Session,
    code: str,
    actor: Actor,
    *,
    organization: str,
    price: Decimal | str,
    **options: Any,
) -> TransitionResult:
    """Register an organization's proposal and quoted price."""
    params = {"organization": organization, "price": price}
    return advance(session, code, "add_proposal", actor, params=params, **options)


def close_call(session: Session, code: str, actor: Actor, **options: Any) -> TransitionResult:
    """Close the call and start the expert review."""
    return advance(session, code, "close_call", actor, **options)


def record_review(
    session: Session,
    code: str,
    actor: Actor,
    *,
    organization: str,
    scores: Mapping[str, object],
    conflict: bool = False,
    **options: Any,
) -> TransitionResult:
    """Record one reviewer's sheet for one proposal (the price points are computed)."""
    params = {"organization": organization, "scores": dict(scores), "conflict": conflict}
    return advance(session, code, "record_review", actor, params=params, **options)


def award(
    session: Session, code: str, actor: Actor, *, organization: str, **options: Any
) -> TransitionResult:
    """Award the project to an organization whose proposal passed the review."""
    return advance(session, code, "award", actor, params={"organization": organization}, **options)


def sign_contract(
    session: Session,
    code: str,
    actor: Actor,
    *,
    number: str,
    amount: Decimal | str | None = None,
    start: date | str | None = None,
    end: date | str | None = None,
    signed_on: date | str | None = None,
    **options: Any,
) -> TransitionResult:
    """Sign the contract with the awarded organization.

    A renewed project's amount, start and end default to the terms its renewal
    carried forward; any other project needs all three.
    """
    params = {
        "number": number,
        "amount": amount,
        "start": start,
        "end": end,
        "signed_on": signed_on,
    }
    return advance(session, code, "sign_contract", actor, params=params, **options)


def start_service(session: Session, code: str, actor: Actor, **options: Any) -> TransitionResult:
    """Start the contracted service (履约)."""
    return advance(session, code, "start_service", actor, **options)


def record_payment(
    session: Session,
    code: str,
    actor: Actor,
    *,
    amount: Decimal | str,
    paid_on: date | str,
    note: str = "",
    **options: Any,
) -> TransitionResult:
    """Record one payment tranche (拨付) against the contract."""
    params = {"amount": amount, "paid_on": paid_on, "note": note}
    return advance(session, code, "record_payment", actor, params=params, **options)


def record_inspection(
    session: Session,
    code: str,
    actor: Actor,
    *,
    inspected_on: date | str,
    findings: str,
    rectification_required: bool = False,
    **options: Any,
) -> TransitionResult:
    """Record a supervision visit and whether it requires rectification."""
    params = {
        "inspected_on": inspected_on,
        "findings": findings,
        "rectification_required": rectification_required,
    }
    return advance(session, code, "record_inspection", actor, params=params, **options)


def begin_assessment(session: Session, code: str, actor: Actor, **options: Any) -> TransitionResult:
    """Begin the annual assessment (考核)."""
    return advance(session, code, "begin_assessment", actor, **options)


def record_assessment(
    session: Session,
    code: str,
    actor: Actor,
    *,
    scores: Mapping[str, object],
    narratives: Mapping[str, str] | None = None,
    narrative: str = "",
    veto: list[str] | None = None,
    **options: Any,
) -> TransitionResult:
    """Record an assessor's sheet: indicator answers, a narrative per dimension, veto items."""
    params = {
        "scores": dict(scores),
        "narratives": dict(narratives or {}),
        "narrative": narrative,
        "veto": veto or [],
    }
    return advance(session, code, "record_assessment", actor, params=params, **options)


def record_recusal(
    session: Session,
    code: str,
    actor: Actor,
    *,
    organization: str,
    reviewer: str,
    reason: str,
    **options: Any,
) -> TransitionResult:
    """Record a reviewer's conflict of interest with a proposal (their sheet will not count)."""
    params = {"organization": organization, "reviewer": reviewer, "reason": reason}
    return advance(session, code, "record_recusal", actor, params=params, **options)


def record_comment(
    session: Session,
    code: str,
    actor: Actor,
    *,
    text: str,
    acknowledged: bool = False,
    **options: Any,
) -> TransitionResult:
    """Record the organization's comment on its assessment (and whether it acknowledged)."""
    params = {"text": text, "acknowledged": acknowledged}
    return advance(session, code, "record_comment", actor, params=params, **options)


def finalize_assessment(
    session: Session, code: str, actor: Actor, **options: Any
) -> TransitionResult:
    """Finalize the assessment once the comment window closed or was waived."""
    return advance(session, code, "finalize_assessment", actor, **options)


def renew(session: Session, code: str, actor: Actor, **options: Any) -> TransitionResult:
    """Renew the contract (续约) as the renewal policy says."""
    return advance(session, code, "renew", actor, **options)


def require_rectification(
    session: Session, code: str, actor: Actor, **options: Any
) -> TransitionResult:
    """Send the contract to rectification (整改) as the renewal policy says."""
    return advance(session, code, "require_rectification", actor, **options)


def accept_rectification(
    session: Session, code: str, actor: Actor, **options: Any
) -> TransitionResult:
    """Accept the rectification; the policy then renews."""
    return advance(session, code, "accept_rectification", actor, **options)


def drop(
    session: Session, code: str, actor: Actor, *, reason: str, **options: Any
) -> TransitionResult:
    """Stop cooperating (不再合作); the organization is barred from the next year."""
    return advance(session, code, "drop", actor, reason=reason, **options)


def cancel(
    session: Session, code: str, actor: Actor, *, reason: str, **options: Any
) -> TransitionResult:
    """Cancel a project before its contract is signed."""
    return advance(session, code, "cancel", actor, reason=reason, **options)


def decide(session: Session, code: str, actor: Actor, **options: Any) -> TransitionResult:
    """Apply the renewal policy's decision to an assessed project (renew, rectify or drop)."""
    rules = options.get("rules") or default_rules()
    project = queries.project_by_code(session, code)
    assessment = queries.final_assessment(session, project)
    if assessment is None:
        raise InvalidInput(_("%(code)s has no final assessment to decide on", code=code))
    grade = rules.assessment.grade(assessment.total)
    decision = rules.renewal.decide(grade, assessment.total, assessment.veto)
    trigger = {"renew": "renew", "rectify": "require_rectification", "drop": "drop"}[
        decision.action
    ]
    options.setdefault("reason", decision.reason)
    return advance(session, code, trigger, actor, **options)
