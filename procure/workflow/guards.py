"""The guard registry: each guard returns ``None`` when its rule holds, else the reason.

Guards are side-effect free (``procure actions`` runs them to explain what is
blocked). Each reason is a sentence a finance officer can act on.
"""

from __future__ import annotations

from decimal import Decimal

from procure.domain.language import gettext as _
from procure.domain.money import format_yuan
from procure.store import queries
from procure.store.models import Purchaser
from procure.workflow import next_year
from procure.workflow.context import ActionContext
from procure.workflow.date_guards import DATE_FACT_GUARDS, DATE_GUARDS
from procure.workflow.engine import Guard
from procure.workflow.notice_guards import NOTICE_FACT_GUARDS, NOTICE_GUARDS
from procure.workflow.scoring_guards import SCORING_FACT_GUARDS, SCORING_GUARDS


def budget_positive(ctx: ActionContext) -> str | None:
    """The project's budget is above zero."""
    if ctx.project.budget <= 0:
        return f"budget {format_yuan(ctx.project.budget)} must be positive"
    return None


def budget_within_purchaser_funds(ctx: ActionContext) -> str | None:
    """The budget fits in what is left of the purchaser's annual funds."""
    project = ctx.project
    purchaser = ctx.session.get(Purchaser, project.purchaser_id)
    assert purchaser is not None and project.id is not None
    committed = queries.committed_budget(
        ctx.session, project.purchaser_id, project.year, excluding=project.id
    )
    remaining = purchaser.annual_funds - committed
    if project.budget > remaining:
        return (
            f"budget {format_yuan(project.budget)} exceeds what remains of "
            f"{purchaser.name}'s {project.year} funds, {format_yuan(remaining)}"
        )
    return None


def _organization_name(ctx: ActionContext) -> str:
    organization = queries.organization_by_uscc(ctx.session, ctx.params["organization"])
    return organization.name if organization else ctx.params["organization"]


def organization_registered(ctx: ActionContext) -> str | None:
    """The organization named by USCC is registered."""
    if queries.organization_by_uscc(ctx.session, ctx.params.get("organization", "")) is None:
        return f"organization {ctx.params.get('organization')} is not registered"
    return None


def proposal_not_duplicate(ctx: ActionContext) -> str | None:
    """An organization makes at most one proposal per project."""
    if queries.proposal_of(ctx.session, ctx.project, ctx.params.get("organization", "")):
        return f"{_organization_name(ctx)} already has a proposal for {ctx.project.code}"
    return None


def price_within_budget(ctx: ActionContext) -> str | None:
    """A quoted price does not exceed the project's budget."""
    price: Decimal | None = ctx.params.get("price")
    if price is not None and price > ctx.project.budget:
        return (
            f"quoted price {format_yuan(price)} exceeds the budget "
            f"{format_yuan(ctx.project.budget)}"
        )
    if price is not None and price <= 0:
        return "quoted price must be positive"
    return None


def withdrawal_documented(ctx: ActionContext) -> str | None:
    """An officer records a withdrawal only citing the letter it came in."""
    if ctx.actor.role == "officer" and not ctx.params.get("document"):
        return (
            "干事代为撤回须填写撤回函文号 an officer may withdraw a proposal only with the "
            "reference of the organization's letter (document=来函文号)"
        )
    return None


def has_proposals(ctx: ActionContext) -> str | None:
    """There is at least one proposal to review."""
    if not queries.proposals_of(ctx.session, ctx.project):
        return _("%(code)s has no proposal to review", code=ctx.project.code)
    return None


def proposal_exists(ctx: ActionContext) -> str | None:
    """The organization named made a proposal for this project."""
    if queries.proposal_of(ctx.session, ctx.project, ctx.params.get("organization", "")) is None:
        return f"{_organization_name(ctx)} made no proposal for {ctx.project.code}"
    return None


def reviewer_not_duplicate(ctx: ActionContext) -> str | None:
    """A reviewer scores a proposal once; a correction is a new project-level record."""
    proposal = queries.proposal_of(ctx.session, ctx.project, ctx.params.get("organization", ""))
    if proposal and any(
        r.reviewer == ctx.actor.name for r in queries.reviews_of(ctx.session, proposal)
    ):
        return f"{ctx.actor.name} already scored the proposal by {_organization_name(ctx)}"
    return None


def organization_not_barred(ctx: ActionContext) -> str | None:
    """The organization is not barred from this purchaser's awards this year."""
    organization = queries.organization_by_uscc(ctx.session, ctx.params.get("organization", ""))
    if organization is None or organization.id is None:
        return None
    bar = queries.bar_for(ctx.session, organization.id, ctx.project.purchaser_id, ctx.project.year)
    if bar is not None:
        return (
            f"{organization.name} is barred from this purchaser's {bar.year} awards: {bar.reason}"
        )
    return None


def contract_terms_given(ctx: ActionContext) -> str | None:
    """Amount, start and end are given, or were carried forward by a renewal."""
    terms = next_year.carried_terms(ctx.project, ctx.params)
    missing = [name for name in next_year.TERMS if terms[name] is None]
    if not missing:
        return None
    entry = ctx.rules.definition.transition_from(ctx.trigger, ctx.project.state)
    labels = {param.name: param.zh for param in entry.params} if entry else {}
    named = [f"{name} ({labels.get(name, name)})" for name in missing]
    listed = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"
    flags = " ".join(f"--set {name}=..." for name in missing)
    return (
        f"needs {listed}: give {'it' if len(missing) == 1 else 'them'} with {flags} "
        f"({ctx.project.code} has no contract terms carried forward from a renewal)"
    )


def contract_number_unused(ctx: ActionContext) -> str | None:
    """Contract numbers are unique."""
    number = ctx.params.get("number", "")
    if queries.contract_by_number(ctx.session, number) is not None:
        return f"contract number {number} is already used"
    return None


def amount_within_budget(ctx: ActionContext) -> str | None:
    """The contract amount is positive and does not exceed the approved budget."""
    amount: Decimal | None = next_year.carried_terms(ctx.project, ctx.params)["amount"]
    if amount is None:
        return None  # contract_terms_given says what is missing
    if amount <= 0:
        return "contract amount must be positive"
    if amount > ctx.project.budget:
        return (
            f"contract amount {format_yuan(amount)} exceeds the approved budget "
            f"{format_yuan(ctx.project.budget)}"
        )
    return None


def service_period_valid(ctx: ActionContext) -> str | None:
    """The service period is set, ends after it starts and sits in the funding year as
    ``workflows/contract_dates.yaml`` says (by default: overlaps it)."""
    terms = next_year.carried_terms(ctx.project, ctx.params)
    start, end = terms["start"], terms["end"]
    if start is None or end is None:
        return None  # contract_terms_given says what is missing
    if end < start:
        return f"service period ends ({end}) before it starts ({start})"
    return ctx.rules.contract_dates.period_problem(start, end, ctx.project.year)


def payment_within_contract(ctx: ActionContext) -> str | None:
    """Payments never add up to more than the contract amount, and are dated between the
    signing and the end of the service period plus the grace of contract_dates.yaml."""
    contract = queries.contract_of(ctx.session, ctx.project)
    if contract is None:
        return f"{ctx.project.code} has no contract to pay against"
    amount: Decimal = ctx.params["amount"]
    if amount <= 0:
        return "payment amount must be positive"
    paid_on = ctx.params.get("paid_on")
    if paid_on is not None:
        dated = ctx.rules.contract_dates.payment_problem(
            paid_on, signed_on=contract.signed_on, start=contract.start_on, end=contract.end_on
        )
        if dated is not None:
            return dated
    _count, paid = queries.payments_made(ctx.session, contract)
    if paid + amount > contract.amount:
        return (
            f"payment of {format_yuan(amount)} would bring the total paid to "
            f"{format_yuan(paid + amount)}, above the contract amount "
            f"{format_yuan(contract.amount)}"
        )
    return None


def _policy_action(ctx: ActionContext) -> tuple[str, str] | str:
    if "final_assessment" in ctx.facts:  # loaded in bulk by the year-end run
        assessment = ctx.facts["final_assessment"]
    else:
        assessment = queries.final_assessment(ctx.session, ctx.project)
    if assessment is None:
        return f"{ctx.project.code} has no final assessment"
    grade = ctx.rules.assessment.grade(assessment.total)
    decision = ctx.rules.renewal.decide(grade, assessment.total, assessment.veto)
    return decision.action, decision.reason


def _policy_says(action: str, ctx: ActionContext) -> str | None:
    outcome = _policy_action(ctx)
    if isinstance(outcome, str):
        return outcome
    decided, reason = outcome
    if decided != action:
        return f"the renewal policy says {decided}, not {action}: {reason}"
    return None


def policy_renews(ctx: ActionContext) -> str | None:
    """The renewal policy renews this grade."""
    return _policy_says("renew", ctx)


def policy_rectifies(ctx: ActionContext) -> str | None:
    """The renewal policy sends this grade to rectification."""
    return _policy_says("rectify", ctx)


def policy_drops(ctx: ActionContext) -> str | None:
    """The policy drops this grade; from rectification, dropping means it was rejected; a
    renewal the policy wants but a bar on next year forbids may be dropped ("not renewed")."""
    if ctx.project.state == "rectifying":
        decision = ctx.rules.renewal.after_rectification(False)
        if decision.action != "drop":
            return f"the renewal policy says {decision.action} after a rejected rectification"
        return None
    refusal = _policy_says("drop", ctx)
    if refusal is not None and _policy_says("renew", ctx) is None:
        if _bar_refusal(ctx) is not None:
            return None  # the only way out of a renewal that can never happen
    return refusal


def organization_not_barred_next_year(ctx: ActionContext) -> str | None:
    """A renewal's organization is not barred from the purchaser's next-year awards."""
    if ctx.facts.get(next_year.BARS_CHECKED):  # the year-end run judges each contract's bars
        return None
    return _bar_refusal(ctx)


def _bar_refusal(ctx: ActionContext) -> str | None:
    if ctx.project.id in ctx.facts.get(next_year.UNBARRED, ()):  # read in bulk (waiting lists)
        return None
    return next_year.bar_refusal(ctx.session, ctx.project)


def rectification_accepted_by_policy(ctx: ActionContext) -> str | None:
    """The policy renews a contract whose rectification was accepted."""
    decision = ctx.rules.renewal.after_rectification(True)
    if decision.action != "renew":
        return f"the renewal policy says {decision.action} after an accepted rectification"
    return None


FACT_GUARDS: frozenset[str] = frozenset(
    {
        "organization_registered",
        "proposal_not_duplicate",
        "price_within_budget",
        "withdrawal_documented",
        "proposal_exists",
        "reviewer_not_duplicate",
        "proposal_passes",
        "organization_not_barred",
        "contract_terms_given",
        "contract_number_unused",
        "amount_within_budget",
        "service_period_valid",
        "payment_within_contract",
    }
)
"""Guards that judge the facts given with a trigger; ``procure actions`` checks them only then."""

GUARDS: dict[str, Guard] = {
    guard.__name__: guard
    for guard in (
        budget_positive,
        budget_within_purchaser_funds,
        organization_registered,
        proposal_not_duplicate,
        price_within_budget,
        withdrawal_documented,
        has_proposals,
        proposal_exists,
        reviewer_not_duplicate,
        organization_not_barred,
        contract_terms_given,
        contract_number_unused,
        amount_within_budget,
        service_period_valid,
        payment_within_contract,
        policy_renews,
        policy_rectifies,
        policy_drops,
        rectification_accepted_by_policy,
        organization_not_barred_next_year,
    )
}
GUARDS.update(SCORING_GUARDS)
GUARDS.update(NOTICE_GUARDS)
GUARDS.update(DATE_GUARDS)
FACT_GUARDS = FACT_GUARDS | SCORING_FACT_GUARDS | NOTICE_FACT_GUARDS | DATE_FACT_GUARDS
