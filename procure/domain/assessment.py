"""Combining the assessors' sheets of one contract's annual assessment (绩效考核).

Rules:

- The total is the plain average of the sheet totals, rounded ROUND_HALF_UP to two places.
- Each criterion's points are the average over the sheets that found it applicable, rounded
  the same way; None when every sheet answered "not applicable".
- Veto items (一票否决) are the sorted union of every sheet's; any veto gives the lowest
  grade band whatever the score. Whether a veto code is known is checked by the renewal
  policy (``RenewalPolicy.decide``), which owns the list.
- Narratives are kept per dimension: with one sheet its text as given; with several, each
  non-blank text prefixed by its assessor (``"张三: ..."``), joined by new lines.
  ``missing_narratives`` lists the dimensions no sheet described (FAR 42.15: every area).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from procure.domain.criteria import GradeBand, round_half_up
from procure.domain.errors import InvalidInput
from procure.domain.language import gettext as _
from procure.domain.scorecard import Scorecard, ScoredSheet


@dataclass(frozen=True)
class AssessmentSheetFacts:
    """One assessor's scored sheet with the veto items found and a narrative per dimension."""

    assessor: str
    sheet: ScoredSheet
    veto: tuple[str, ...]
    narratives: Mapping[str, str]


@dataclass(frozen=True)
class AssessmentOutcome:
    """The combined assessment: total, points, veto, narratives and grade."""

    total: Decimal
    points: dict[str, Decimal | None]
    veto: tuple[str, ...]
    narratives: dict[str, str]
    missing_narratives: tuple[str, ...]
    grade: GradeBand


def _average(values: Sequence[Decimal]) -> Decimal:
    """The exact average rounded half up to two places."""
    return round_half_up(sum((Fraction(v) for v in values), Fraction(0)) / len(values))


def _check(sheets: Sequence[AssessmentSheetFacts], card: Scorecard) -> None:
    """Refuse an empty set of sheets, sheets of another scorecard, and unknown dimensions."""
    if not sheets:
        raise InvalidInput(_("An assessment needs at least one assessor's sheet"))
    codes = {c.code for c in card.criteria}
    dimensions = {d.code for d in card.dimensions}
    for facts in sheets:
        if set(facts.sheet.points) != codes:  # in any order: JSONB does not keep key order
            raise InvalidInput(
                _(
                    "The sheet of %(assessor)s was not scored on the scorecard %(title)s "
                    "(version %(version)s)",
                    assessor=facts.assessor,
                    title=card.title,
                    version=card.version,
                )
            )
        unknown = sorted(str(code) for code in facts.narratives if code not in dimensions)
        if unknown:
            raise InvalidInput(
                _(
                    "The narrative of %(assessor)s is for an unknown dimension %(codes)s; the "
                    "scorecard %(title)s has %(known)s",
                    assessor=facts.assessor,
                    codes=", ".join(unknown),
                    title=card.title,
                    known=", ".join(d.code for d in card.dimensions),
                )
            )


def _narratives(sheets: Sequence[AssessmentSheetFacts], card: Scorecard) -> dict[str, str]:
    """Per dimension, the non-blank texts (prefixed by assessor when several sheets)."""
    joined: dict[str, str] = {}
    for dimension in card.dimensions:
        texts = [
            (facts.assessor, text.strip())
            for facts in sheets
            if (text := facts.narratives.get(dimension.code, "")).strip()
        ]
        if not texts:
            continue
        if len(sheets) == 1:
            joined[dimension.code] = texts[0][1]
        else:
            joined[dimension.code] = "\n".join(f"{who}: {text}" for who, text in texts)
    return joined


def combine_assessment(
    sheets: Sequence[AssessmentSheetFacts], card: Scorecard
) -> AssessmentOutcome:
    """Combine the assessors' sheets under the rules of the module docstring.

    Args:
        sheets: each assessor's facts, scored on ``card``.
        card: the assessment scorecard.

    Returns:
        The combined outcome.

    Raises:
        InvalidInput: without sheets, for a sheet of another scorecard or a narrative for an
            unknown dimension.
        ConfigError: if the scorecard has no grade bands.
    """
    _check(sheets, card)
    total = _average([facts.sheet.total for facts in sheets])
    points: dict[str, Decimal | None] = {}
    for criterion in card.criteria:
        applicable = [
            p for facts in sheets if (p := facts.sheet.points[criterion.code]) is not None
        ]
        points[criterion.code] = _average(applicable) if applicable else None
    veto = tuple(sorted({code for facts in sheets for code in facts.veto}))
    narratives = _narratives(sheets, card)
    missing = tuple(d.code for d in card.dimensions if d.code not in narratives)
    grade = card.grade(total)
    if veto:  # 一票否决: the lowest grade whatever the score
        grade = card.grades[-1]
    return AssessmentOutcome(total, points, veto, narratives, missing, grade)
