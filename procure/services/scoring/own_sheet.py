"""A reviewer's own sheets, as their sheet page shows them and fills the forms that replace
or correct them (issue 21): the answer given and the points, per criterion."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from procure.domain.criteria import ATTAINMENT, PRICE, SATISFACTION, is_not_applicable
from procure.domain.language import N_
from procure.domain.language import gettext as _
from procure.domain.scorecard import Scorecard
from procure.store.models import Project, Proposal, Review

FACTS = {ATTAINMENT: ("planned", "actual"), SATISFACTION: ("respondents", "satisfied")}
"""The whole numbers a computed criterion is given by."""

FACT_LABELS = {
    "planned": N_("Planned"),
    "actual": N_("Actual"),
    "respondents": N_("Respondents"),
    "satisfied": N_("Satisfied"),
}
"""Each whole number's name, translated where it is shown."""

FACT_ZH = {
    "planned": "计划数",
    "actual": "实际数",
    "respondents": "受访人数",
    "satisfied": "满意人数",
}
"""The same names in Chinese only, as the corrections pages still read them (their own part
of the conversion moves them to :data:`FACT_LABELS`)."""


def own_reviews(session: Session, project: Project, login: str) -> dict[int, Review]:
    """``login``'s own sheets on ``project``, by proposal id (one query)."""
    statement = (
        select(Review)
        .join(Proposal, col(Proposal.id) == Review.proposal_id)
        .where(Proposal.project_id == project.id, Review.reviewer == login)
    )
    return {review.proposal_id: review for review in session.exec(statement)}


def own_sheet(card: Scorecard, review: Review | None) -> dict[str, Any]:
    """A :class:`ProposalSheet`'s ``own`` and ``own_values`` from the reviewer's sheet."""
    if review is None:
        return {}
    inputs, lines, values = review.inputs or {}, [], {}
    for criterion in card.criteria:
        given, points = inputs.get(criterion.code), review.scores.get(criterion.code)
        if criterion.kind == PRICE:
            lines.append((criterion.label, _("Computed"), _points(points)))
        elif isinstance(given, dict):
            said = " / ".join(f"{_(FACT_LABELS.get(str(k), str(k)))} {v}" for k, v in given.items())
            lines.append((criterion.label, said, _points(points)))
            values.update({f"{criterion.code}-{k}": str(v) for k, v in given.items()})
        elif is_not_applicable(given):
            lines.append((criterion.label, _("Not applicable"), None))
            values[f"na-{criterion.code}"] = "1"
        elif given is not None:
            lines.append((criterion.label, str(given), _points(points)))
            values[f"score-{criterion.code}"] = str(given)
    return {"own": tuple(lines), "own_values": values}


def _points(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))
