"""The guard registry: each guard returns ``None`` when its rule holds, else the reason.

Guards are side-effect free (``procure actions`` runs them to explain what is
blocked). Each reason is a sentence a finance officer can act on, in the language in use:
the facts by their labels, the decisions of the renewal policy by their names, never a code.
"""

from __future__ import annotations

from decimal import Decimal

from procure.domain.language import _, pgettext
from procure.domain.money import format_yuan
from procure.domain.renewal import Decision
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
        return _("budget %(budget)s must be positive", budget=format_yuan(ctx.project.budget))
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
        return _(
            "budget %(budget)s exceeds what remains of %(purchaser)s's %(year)s funds, "
            "%(remaining)s",
            budget=format_yuan(project.budget),
            purchaser=purchaser.name,
            year=project.year,
            remaining=format_yuan(remaining),
        )
    return None


def _organization_name(ctx: ActionContext) -> str:
    organization = queries.organization_by_uscc(ctx.session, ctx.params["organization"])
    return organization.name if organization else ctx.params["organization"]


def organization_registered(ctx: ActionContext) -> str | None:
    """The organization named by USCC is registered."""
    if queries.organization_by_uscc(ctx.session, ctx.params.get("organization", "")) is None:
        return _("organization %(uscc)s is not registered", uscc=ctx.params.get("organization"))
    return None


def proposal_not_duplicate(ctx: ActionContext) -> str | None:
    """An organization makes at most one proposal per project."""
    if queries.proposal_of(ctx.session, ctx.project, ctx.params.get("organization", "")):
        return _(
            "%(organization)s already has a proposal for %(code)s",
            organization=_organization_name(ctx),
            code=ctx.project.code,
        )
    return None


def price_within_budget(ctx: ActionContext) -> str | None:
    """A quoted price does not exceed the project's budget."""
    price: Decimal | None = ctx.params.get("price")
    if price is not None and price > ctx.project.budget:
        return _(
            "quoted price %(price)s exceeds the budget %(budget)s",
            price=format_yuan(price),
            budget=format_yuan(ctx.project.budget),
        )
    if price is not None and price <= 0:
        return _("quoted price must be positive")
    return None


def withdrawal_documented(ctx: ActionContext) -> str | None:
    """An officer records a withdrawal only citing the letter it came in."""
    if ctx.actor.role == "officer" and not ctx.params.get("document"):
        return _(
            "an officer may withdraw a proposal only with the reference of the organization's "
            "letter"
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
        return _(
            "%(organization)s made no proposal for %(code)s",
            organization=_organization_name(ctx),
            code=ctx.project.code,
        )
    return None


def reviewer_not_duplicate(ctx: ActionContext) -> str | None:
    """A reviewer scores a proposal once; a correction is a new project-level record."""
    proposal = queries.proposal_of(ctx.session, ctx.project, ctx.params.get("organization", ""))
    if proposal and any(
        r.reviewer == ctx.actor.name for r in queries.reviews_of(ctx.session, proposal)
    ):
        return _(
            "%(reviewer)s already scored the proposal of %(organization)s",
            reviewer=ctx.actor.name,
            organization=_organization_name(ctx),
        )
    return None


def organization_not_barred(ctx: ActionContext) -> str | None:
    """The organization is not barred from this purchaser's awards this year."""
    organization = queries.organization_by_uscc(ctx.session, ctx.params.get("organization", ""))
    if organization is None or organization.id is None:
        return None
    bar = queries.bar_for(ctx.session, organization.id, ctx.project.purchaser_id, ctx.project.year)
    if bar is not None:
        return _(
            "%(organization)s is barred from this purchaser's %(year)s awards: %(reason)s",
            organization=organization.name,
            year=bar.year,
            reason=bar.reason,
        )
    return None


def contract_terms_given(ctx: ActionContext) -> str | None:
    """Amount, start and end are given, or were carried forward by a renewal."""
    terms = next_year.carried_terms(ctx.project, ctx.params)
    missing = [name for name in next_year.TERMS if terms[name] is None]
    if not missing:
        return None
    entry = ctx.rules.definition.transition_from(ctx.trigger, ctx.project.state)
    labels = {param.name: param.label for param in entry.params} if entry else {}
    named = [labels.get(name, name) for name in missing]
    return _(
        "needs %(terms)s: %(code)s has no contract terms carried forward from a renewal",
        terms=pgettext("list", ", ").join(named),
        code=ctx.project.code,
    )


def contract_number_unused(ctx: ActionContext) -> str | None:
    """Contract numbers are unique."""
    number = ctx.params.get("number", "")
    if queries.contract_by_number(ctx.session, number) is not None:
        return _("contract number %(number)s is already used", number=number)
    return None


def amount_within_budget(ctx: ActionContext) -> str | None:
    """contract amount is positive and does not exceed the approved budget."""
    amount: Decimal | None = next_year.carried_terms(ctx.project, ctx.params)["amount"]
    if amount is None:
        return None  # contract_terms_given says what is missing
    if amount <= 0:
        return _("contract amount must be positive")
    if amount > ctx.project.budget:
        return _(
            "contract amount %(amount)s exceeds the approved budget %(budget)s",
            amount=format_yuan(amount),
            budget=format_yuan(ctx.project.budget),
        )
    return None


def service_period_valid(ctx: ActionContext) -> str | None:
    """service period is set, ends after it starts and sits in the funding year as
    ``workflows/contract_dates.yaml`` says (by default: overlaps it)."""
    terms = next_year.carried_terms(ctx.project, ctx.params)
    start, end = terms["start"], terms["end"]
    if start is None or end is None:
        return None  # contract_terms_given says what is missing
    if end < start:
        return _("service period ends (%(end)s) before it starts (%(start)s)", end=end, start=start)
    return ctx.rules.contract_dates.period_problem(start, end, ctx.project.year)


def payment_within_contract(ctx: ActionContext) -> str | None:
    """Payments never add up to more than the contract amount, and are dated between the
    signing and the end of the service period plus the grace of contract_dates.yaml."""
    contract = queries.contract_of(ctx.session, ctx.project)
    if contract is None:
        return _("%(code)s has no contract to pay against", code=ctx.project.code)
    amount: Decimal = ctx.params["amount"]
    if amount <= 0:
        return _("payment amount must be positive")
    paid_on = ctx.params.get("paid_on")
    if paid_on is not None:
        dated = ctx.rules.contract_dates.payment_problem(
            paid_on, signed_on=contract.signed_on, start=contract.start_on, end=contract.end_on
        )
        if dated is not None:
            return dated
    _count, paid = queries.payments_made(ctx.session, contract)
    if paid + amount > contract.amount:
        return _(
            "payment of %(amount)s would bring the total paid to %(total)s, above the "
            "contract amount %(contract)s",
            amount=format_yuan(amount),
            total=format_yuan(paid + amount),
            contract=format_yuan(contract.amount),
        )
    return None


_DECIDED = "policy_decided"
"""Facts key: the final assessment the policy last judged, and its decision (the renew,
rectify and drop guards of one project ask the same question)."""


def _policy_decision(ctx: ActionContext) -> Decision | str:
    """What the renewal policy decides for the project's final assessment, or why it cannot."""
    if "final_assessment" in ctx.facts:  # loaded in bulk by the year-end run
        assessment = ctx.facts["final_assessment"]
    else:
        assessment = queries.final_assessment(ctx.session, ctx.project)
    if assessment is None:
        return _("%(code)s has no final assessment", code=ctx.project.code)
    judged, decision = ctx.facts.get(_DECIDED, (None, None))
    if judged is assessment and isinstance(decision, Decision):
        return decision
    grade = ctx.rules.assessment.grade(assessment.total)
    decided: Decision = ctx.rules.renewal.decide(grade, assessment.total, assessment.veto)
    ctx.facts[_DECIDED] = (assessment, decided)
    return decided


def _policy_says(action: str, ctx: ActionContext) -> str | None:
    decision = _policy_decision(ctx)
    if isinstance(decision, str):
        return decision
    if decision.action != action:
        return _(
            "the renewal policy says %(decided)s, not %(asked)s: %(reason)s",
            decided=decision_name(decision.action),
            asked=decision_name(action),
            reason=decision.shown(),
        )
    return None


def decision_name(action: str) -> str:
    """A decision of the renewal policy (``renew``, ``rectify``, ``drop``) as people name it."""
    if action == "renew":
        return pgettext("decision", "renew")
    if action == "rectify":
        return pgettext("decision", "rectify")
    if action == "drop":
        return pgettext("decision", "drop")
    return action


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
            return _(
                "the renewal policy says %(decided)s after a rejected rectification",
                decided=decision_name(decision.action),
            )
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
        return _(
            "the renewal policy says %(decided)s after an accepted rectification",
            decided=decision_name(decision.action),
        )
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
