"""What firing a trigger records, beyond the state change: proposals, sheets, contracts…

Each effect runs after the guards passed, inside the same transaction, and adds
what it recorded to ``ctx.audit_data`` so the log row carries the facts.
"""

from __future__ import annotations

from collections.abc import Callable

from procure.services.lifecycle import successor
from procure.services.public.notice_effects import NOTICE_EFFECTS, publish_award_notice
from procure.services.scoring.effects import SCORING_EFFECTS
from procure.store import queries
from procure.store.models import (
    Bar,
    Contract,
    Inspection,
    Organization,
    Payment,
    Proposal,
)
from procure.workflow import next_year
from procure.workflow.context import ActionContext
from procure.workflow.scoring_guards import china_day

Effect = Callable[[ActionContext], None]


def _organization(ctx: ActionContext) -> Organization:
    organization = queries.organization_by_uscc(ctx.session, ctx.params["organization"])
    assert organization is not None, "guarded by organization_registered / proposal_exists"
    return organization


def add_proposal(ctx: ActionContext) -> None:
    organization = _organization(ctx)
    assert organization.id is not None and ctx.project.id is not None
    ctx.session.add(
        Proposal(
            project_id=ctx.project.id,
            organization_id=organization.id,
            price=ctx.params["price"],
            submitted_at=ctx.at,
        )
    )
    ctx.audit_data.update(organization=organization.uscc, price=ctx.params["price"])


def withdraw_proposal(ctx: ActionContext) -> None:
    """Withdraw a proposal before the call closes: the proposal (and any recusal declared
    on it) leaves the tables; the audit row keeps what was withdrawn."""
    proposal = queries.proposal_of(ctx.session, ctx.project, ctx.params["organization"])
    assert proposal is not None and proposal.id is not None, "guarded by proposal_exists"
    recusals = queries.recusals_of(ctx.session, proposal)
    for recusal in recusals:
        ctx.session.delete(recusal)
    ctx.session.flush()
    ctx.session.delete(proposal)
    ctx.audit_data.update(
        organization=ctx.params["organization"],
        price=proposal.price,
        recusals=sorted(r.reviewer for r in recusals),
    )
    if ctx.params.get("document"):
        ctx.audit_data.update(document=ctx.params["document"])


def award(ctx: ActionContext) -> None:
    organization = _organization(ctx)
    ctx.project.awarded_organization_id = organization.id
    ctx.audit_data.update(organization=organization.uscc, name=organization.name)
    publish_award_notice(ctx, organization)


def sign_contract(ctx: ActionContext) -> None:
    """Sign with the awarded organization; a renewal's carried terms fill what is not given."""
    assert ctx.project.id is not None and ctx.project.awarded_organization_id is not None
    signed_on = ctx.params.get("signed_on") or china_day(ctx.at)
    terms = next_year.carried_terms(ctx.project, ctx.params)
    assert None not in terms.values(), "guarded by contract_terms_given"
    ctx.session.add(
        Contract(
            project_id=ctx.project.id,
            organization_id=ctx.project.awarded_organization_id,
            number=ctx.params["number"],
            amount=terms["amount"],
            start_on=terms["start"],
            end_on=terms["end"],
            signed_on=signed_on,
        )
    )
    ctx.audit_data.update(ctx.params, **terms, signed_on=signed_on)
    carried = [name for name in next_year.TERMS if name not in ctx.params]
    if carried:
        ctx.audit_data.update(carried_forward=carried)


def _successor(ctx: ActionContext) -> None:
    """Create (or link) the next year's project of a renewed contract; log it after this row."""
    code, created = successor.create_successor(
        ctx.session, ctx.project, ctx.trigger, ctx.actor, ctx.at, ctx.batch_id
    )
    ctx.audit_data.update(next_project=code)
    if created is not None:
        ctx.audit_after.append(created)


def _decided_on(ctx: ActionContext) -> None:
    """Record what the decision rested on: the final assessment's total, grade and veto."""
    final = queries.final_assessment(ctx.session, ctx.project)
    if final is None:
        return
    ctx.audit_data.update(total=final.total, grade=final.grade)
    if final.veto:
        ctx.audit_data.update(veto=list(final.veto))


def renew(ctx: ActionContext) -> None:
    """Renew: the next year's project, awarded to the same organization, terms carried."""
    _decided_on(ctx)
    _successor(ctx)


def require_rectification(ctx: ActionContext) -> None:
    """Send to rectification, recording the assessment the policy decided on."""
    _decided_on(ctx)


def accept_rectification(ctx: ActionContext) -> None:
    """An accepted rectification renews: the next year's project as for ``renew``."""
    _successor(ctx)


def record_payment(ctx: ActionContext) -> None:
    contract = queries.contract_of(ctx.session, ctx.project)
    assert contract is not None and contract.id is not None
    tranche = queries.payments_made(ctx.session, contract)[0] + 1
    ctx.session.add(
        Payment(
            contract_id=contract.id,
            tranche=tranche,
            amount=ctx.params["amount"],
            paid_on=ctx.params["paid_on"],
            note=ctx.params.get("note", ""),
        )
    )
    ctx.audit_data.update(ctx.params, tranche=tranche)


def record_inspection(ctx: ActionContext) -> None:
    assert ctx.project.id is not None
    required = bool(ctx.params.get("rectification_required", False))
    ctx.session.add(
        Inspection(
            project_id=ctx.project.id,
            inspector=ctx.actor.name,
            inspected_on=ctx.params["inspected_on"],
            findings=ctx.params["findings"],
            rectification_required=required,
        )
    )
    ctx.audit_data.update(ctx.params, inspector=ctx.actor.name, rectification_required=required)


def drop(ctx: ActionContext) -> None:
    _decided_on(ctx)
    contract = queries.contract_of(ctx.session, ctx.project)
    if contract is None or not ctx.rules.renewal.bars("drop"):
        return
    assert ctx.project.id is not None
    barred_year = ctx.project.year + 1
    existing = queries.bar_for(
        ctx.session, contract.organization_id, ctx.project.purchaser_id, barred_year
    )
    if existing is None:
        ctx.session.add(
            Bar(
                organization_id=contract.organization_id,
                purchaser_id=ctx.project.purchaser_id,
                year=barred_year,
                project_id=ctx.project.id,
                reason=f"dropped after {ctx.project.code}: {ctx.reason}",
            )
        )
    ctx.audit_data.update(barred_year=barred_year)


EFFECTS: dict[str, Effect] = {
    effect.__name__: effect
    for effect in (
        add_proposal,
        withdraw_proposal,
        award,
        sign_contract,
        renew,
        require_rectification,
        accept_rectification,
        record_payment,
        record_inspection,
        drop,
    )
}
EFFECTS.update(SCORING_EFFECTS)
EFFECTS.update(NOTICE_EFFECTS)
