"""A reviewer's sheet in the browser: one form per proposal, generated from the review scorecard.

Each judged criterion is an input with its label and maximum (and "not applicable" where the
scorecard allows it); the price criterion is computed from the quoted prices and shown, never
typed. A form is checked criterion by criterion first, so that every bad value is named beside
its own field and nothing is stored; then ``record_review`` runs through
:func:`procure.services.lifecycle.fire.perform` like any other trigger. A filled-in .xlsx template
(``procure scorecard template review``) goes through the same trigger; a recusal
(``record_recusal``) is the reviewer declaring their own conflict of interest.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from procure.domain.criteria import (
    PRICE,
    is_not_applicable,
    judged_points,
    price_points,
    score_criterion,
)
from procure.domain.errors import ProcureError, Refused
from procure.domain.language import gettext as _
from procure.domain.scorecard import Criterion, Scorecard
from procure.services.lifecycle.fire import TransitionResult, perform
from procure.services.lifecycle.project_actions import FormInvalid, held_roles
from procure.services.scoring.own_sheet import FACT_LABELS as _FACT_LABELS
from procure.services.scoring.own_sheet import FACTS as _FACTS
from procure.services.scoring.own_sheet import own_reviews, own_sheet
from procure.store import panels, queries
from procure.store.trust_models import User
from procure.workflow.context import Actor
from procure.workflow.rules import Rules, default_corrections, default_rules

REVIEWER = "reviewer"


NA_VALUE = "n/a"


_PLAIN_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)", re.ASCII)


@dataclass(frozen=True)
class CriterionField:
    """One line of the sheet: a criterion with its maximum, or the computed price points."""

    code: str
    label: str
    """The criterion's name in the language in use."""
    maximum: Decimal
    kind: str
    allow_na: bool
    computed: Decimal | None = None
    """The price points of this proposal (price criteria only)."""
    facts: tuple[tuple[str, str], ...] = ()
    """(name, label) of the whole numbers a computed criterion is given by."""


@dataclass(frozen=True)
class ProposalSheet:
    """One proposal as the reviewer sees it: to score, already scored, or recused."""

    organization: str
    uscc: str
    price: Decimal
    fields: tuple[CriterionField, ...]
    scored_total: Decimal | None
    recused_reason: str | None
    own: tuple[tuple[str, str, Decimal | None], ...] = ()
    """The reviewer's own sheet: (criterion's name, the answer given, its points)."""
    own_values: Mapping[str, str] = field(default_factory=dict)
    """The own sheet as the form's fields, to replace or correct it from."""

    @property
    def may_score(self) -> bool:
        """Whether the reviewer may still send a sheet for it."""
        return self.scored_total is None and self.recused_reason is None


@dataclass(frozen=True)
class ReviewerSheet:
    """The page of one reviewer for one project."""

    project: str
    scorecard: str
    reviewing: bool
    """Whether sheets may be recorded now (the project is under review)."""
    may_recuse: bool
    """Whether a conflict of interest may be declared now (soliciting or reviewing)."""
    replacing: bool
    """Whether a reviewer may replace their own sheet now (``replace_review``: until the
    panel is closed for award)."""
    correctable: bool
    """Whether a sheet may be corrected now (``workflows/corrections.yaml``, kind review)."""
    state_zh: str
    """The project's state, by its label in the language in use."""
    proposals: tuple[ProposalSheet, ...]


def require_reviewer(session: Session, user: User, code: str) -> None:
    """Refuse an account that holds no reviewer grant covering project ``code``.

    Raises:
        Refused: the account is not a reviewer of this project's purchaser.
    """
    if REVIEWER not in held_roles(session, user, code):
        raise Refused(
            _(
                "Only a review expert may score or declare a conflict on %(code)s; %(name)s "
                "holds no review expert grant for its purchaser",
                code=code,
                name=user.name,
            )
        )


def reviewer_sheet(
    session: Session, code: str, user: User, *, rules: Rules | None = None
) -> ReviewerSheet:
    """What ``user`` may score on project ``code``, one entry per proposal.

    Raises:
        NotFound: unknown project.
        Refused: ``user`` is not a reviewer of the project (see :func:`require_reviewer`).
    """
    rules = rules or default_rules()
    require_reviewer(session, user, code)
    project = queries.project_by_code(session, code)
    card = rules.review
    entries = panels.project_panels(session, project)
    mine = own_reviews(session, project, user.login)
    lowest = min((entry.proposal.price for entry in entries), default=None)
    proposals = []
    for entry in entries:
        own = [s for s in entry.sheets if s.reviewer == user.login]
        recusal = next((r for r in entry.recusals if r.reviewer == user.login), None)
        proposals.append(
            ProposalSheet(
                organization=entry.organization.name,
                uscc=entry.organization.uscc,
                price=entry.proposal.price,
                fields=criterion_fields(card, lowest, entry.proposal.price),
                scored_total=own[0].total if own else None,
                recused_reason=recusal.reason if recusal else None,
                **own_sheet(card, mine.get(entry.proposal.id or 0)),
            )
        )
    definition = rules.engine.definition
    review_rule = default_corrections().kinds.get("review")
    return ReviewerSheet(
        project=project.code,
        scorecard=_("%(title)s, version %(version)s", title=card.title, version=card.version),
        reviewing=definition.transition_from("record_review", project.state) is not None,
        may_recuse=definition.transition_from("record_recusal", project.state) is not None,
        replacing=definition.transition_from("replace_review", project.state) is not None,
        correctable=review_rule is not None and project.state in review_rule.stages,
        state_zh=definition.state(project.state).label,
        proposals=tuple(proposals),
    )


def criterion_fields(
    card: Scorecard, lowest: Decimal | None, price: Decimal
) -> tuple[CriterionField, ...]:
    """The sheet's lines for a proposal quoted at ``price`` (``lowest``: the lowest quote)."""
    fields = []
    for criterion in card.criteria:
        computed = None
        if criterion.kind == PRICE and lowest is not None:
            computed = price_points(lowest, price, criterion.weight)
        fields.append(
            CriterionField(
                code=criterion.code,
                label=criterion.label,
                maximum=criterion.weight,
                kind=criterion.kind,
                allow_na=criterion.allow_na,
                computed=computed,
                facts=tuple(
                    (name, _(_FACT_LABELS[name])) for name in _FACTS.get(criterion.kind, ())
                ),
            )
        )
    return tuple(fields)


def sheet_from_form(card: Scorecard, form: Mapping[str, str]) -> dict[str, Any]:
    """The scores a sheet form gives, each criterion checked on its own.

    Fields: ``score-CODE`` (a number, or n/a), ``na-CODE`` (ticked: not applicable), and
    ``CODE-planned``… for computed criteria. Price criteria take no field.

    Raises:
        FormInvalid: the message beside each bad field, in the language in use.
    """
    scores: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for criterion in card.criteria:
        name = f"score-{criterion.code}"
        if criterion.kind == PRICE:
            if form.get(name, "").strip():
                errors[name] = _("The price points are computed from the quoted prices")
            continue
        if criterion.kind in _FACTS:
            facts = {
                key: form.get(f"{criterion.code}-{key}", "").strip()
                for key in _FACTS[criterion.kind]
            }
            scores[criterion.code] = facts
            message = _check(criterion, facts)
            if message:
                errors[name] = message
            continue
        value = NA_VALUE if form.get(f"na-{criterion.code}") else form.get(name, "").strip()
        message = _judged_error(criterion, value)
        if message:
            errors[name] = message
        else:
            scores[criterion.code] = value
    if errors:
        raise FormInvalid(errors)
    return scores


def _judged_error(criterion: Criterion, value: str) -> str:
    """The message for a bad judged score (in the language in use), or "" when it is good.

    The domain decides (:func:`judged_points`); its refusal follows what to write instead.
    """
    most = criterion.weight
    if is_not_applicable(value):
        if criterion.allow_na:
            return ""
        return _(
            "%(criterion)s cannot be not applicable: give 0 to %(maximum)s points",
            criterion=criterion.label,
            maximum=most,
        )
    if not value:
        return _("Required: give 0 to %(maximum)s points", maximum=most)
    try:
        judged_points(criterion, value)
    except ProcureError as exc:
        number = Decimal(value) if _PLAIN_NUMBER.fullmatch(value) else None
        if number is None:
            return _(
                "Give a number (0 to %(maximum)s points, written with 0-9): %(reason)s",
                maximum=most,
                reason=exc,
            )
        if number > criterion.weight:
            return _(
                "Above the maximum of %(maximum)s points: %(reason)s", maximum=most, reason=exc
            )
        if number < 0:
            return _(
                "Not below zero: give 0 to %(maximum)s points: %(reason)s", maximum=most, reason=exc
            )
        return _("Give 0 to %(maximum)s points: %(reason)s", maximum=most, reason=exc)
    return ""


def _check(criterion: Criterion, value: object) -> str:
    """Run the domain's own check of one answer; its refusal, after what the criterion asks."""
    try:
        score_criterion(criterion, value, None)
    except ProcureError as exc:
        return _(
            "Fill in %(criterion)s as it asks: %(reason)s", criterion=criterion.label, reason=exc
        )
    return ""


def submit_form(
    session: Session,
    code: str,
    user: User,
    form: Mapping[str, str],
    *,
    rules: Rules | None = None,
) -> TransitionResult:
    """Record ``user``'s sheet for the proposal named by the form's ``organization``.

    Raises:
        Refused: not a reviewer here, or the proposal may not be scored by them now.
        FormInvalid: bad values, each beside its field; nothing stored.
    """
    rules = rules or default_rules()
    uscc = proposal_to_score(session, code, user, form.get("organization", ""), rules)
    scores = sheet_from_form(rules.review, form)
    return record_sheet(session, code, user, uscc, scores, rules)


def replace_form(
    session: Session,
    code: str,
    user: User,
    form: Mapping[str, str],
    *,
    rules: Rules | None = None,
) -> TransitionResult:
    """Replace ``user``'s own sheet for the form's ``organization`` (``replace_review``):
    until the panel is closed for award; the trigger's rules refuse it afterwards.

    Raises:
        Refused: not a reviewer here, no own sheet on that proposal, or past the stage.
        FormInvalid: bad values, each beside its field; nothing stored.
    """
    rules = rules or default_rules()
    require_reviewer(session, user, code)
    project = queries.project_by_code(session, code)
    uscc = form.get("organization", "").strip()
    if queries.proposal_of(session, project, uscc) is None:
        raise FormInvalid({"organization": _("Choose one of this project's proposals")})
    params = {"organization": uscc, "scores": sheet_from_form(rules.review, form)}
    return perform(
        session, code, "replace_review", Actor(user.login, REVIEWER), params=params, rules=rules
    )


def declare_conflict(
    session: Session,
    code: str,
    user: User,
    form: Mapping[str, str],
    *,
    rules: Rules | None = None,
) -> TransitionResult:
    """Record that ``user`` has a conflict of interest with the form's organization.

    Raises:
        Refused: not a reviewer here, or the workflow refuses (already recused, state).
        FormInvalid: no proposal chosen or no reason given.
    """
    rules = rules or default_rules()
    require_reviewer(session, user, code)
    project = queries.project_by_code(session, code)
    errors: dict[str, str] = {}
    uscc = form.get("organization", "").strip()
    if queries.proposal_of(session, project, uscc) is None:
        errors["organization"] = _("Choose a proposal")
    reason = form.get("reason", "").strip()
    if not reason:
        errors["reason"] = _("Required: give the reason for the recusal")
    if errors:
        raise FormInvalid(errors)
    params = {"organization": uscc, "reviewer": user.login, "reason": reason}
    return perform(
        session, code, "record_recusal", Actor(user.login, REVIEWER), params=params, rules=rules
    )


def proposal_to_score(session: Session, code: str, user: User, uscc: str, rules: Rules) -> str:
    """The USCC of a proposal ``user`` may still score, or the refusal saying why not."""
    sheet = reviewer_sheet(session, code, user, rules=rules)
    found = next((p for p in sheet.proposals if p.uscc == uscc.strip()), None)
    if found is None:
        raise FormInvalid({"organization": _("Choose one of this project's proposals")})
    if found.scored_total is not None:
        raise Refused(
            _(
                "You already scored %(organization)s (total %(total)s); a sheet is recorded once",
                organization=found.organization,
                total=found.scored_total,
            )
        )
    if found.recused_reason is not None:
        raise Refused(
            _(
                "You declared a conflict of interest with %(organization)s (%(reason)s)",
                organization=found.organization,
                reason=found.recused_reason,
            )
        )
    return found.uscc


def record_sheet(
    session: Session, code: str, user: User, uscc: str, scores: Mapping[str, Any], rules: Rules
) -> TransitionResult:
    params = {"organization": uscc, "scores": dict(scores)}
    return perform(
        session, code, "record_review", Actor(user.login, REVIEWER), params=params, rules=rules
    )
