"""Review panel aggregation: a proposal's panel score from its valid review sheets.

Recused sheets (declared conflict of interest) are excluded. With five or more
valid sheets the highest and the lowest total are dropped, then the rest are
averaged; otherwise the plain average. Rounded ROUND_HALF_UP to two places.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

TRIM_FROM = 5
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class PanelResult:
    """The panel's score of one proposal and how it was reached."""

    score: Decimal
    valid_sheets: int
    trimmed: bool


def panel_score(valid_totals: Sequence[Decimal]) -> PanelResult:
    """Aggregate the totals of valid (non-recused) sheets.

    Args:
        valid_totals: each valid sheet's total.

    Returns:
        The panel result.

    Raises:
        ValueError: when there is no valid sheet.
    """
    if not valid_totals:
        raise ValueError("a panel score needs at least one valid review sheet")
    totals = sorted(valid_totals)
    trimmed = len(totals) >= TRIM_FROM
    counted = totals[1:-1] if trimmed else totals
    average = sum(counted, Decimal(0)) / Decimal(len(counted))
    return PanelResult(
        score=average.quantize(_CENT, rounding=ROUND_HALF_UP),
        valid_sheets=len(totals),
        trimmed=trimmed,
    )
