"""Review panel aggregation and the ranking of proposals (综合评分法).

Rules, all numbers from the scorecard's ``panel`` section (:class:`PanelRules`):

- A recused sheet (declared conflict of interest) is excluded; its reason is kept.
- The panel score counts only with at least ``quorum`` valid sheets (``quorum_met``); a panel
  below quorum does not pass, though its score is still shown.
- With ``trim_from`` (default 5) valid sheets or more, exactly one highest and one lowest total
  are dropped and the rest averaged; otherwise the plain average. When several sheets share
  the highest (or lowest) total, the one recorded later (larger ``order``) is dropped.
- The score is rounded ROUND_HALF_UP to two places from the exact average; None without any
  valid sheet. ``passes`` compares it with the scorecard's pass mark.
- Spread flags: for each criterion, among the valid sheets (trimmed ones included) that scored
  it (not "n/a"), spread = max − min; the criterion is flagged for discussion when the spread is
  strictly greater than ``spread_flag_share`` × its weight (exactly 20% is not flagged).
- Ranking (财政部令第87号: 得分相同的按投标报价由低到高顺序排列): score high to low; equal
  scores by lower price, then by earlier registration (``order``). Proposals without a score
  (no valid sheet) come last, unranked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from procure.domain.criteria import PanelRules, round_half_up
from procure.domain.scorecard import Scorecard

TRIM_FROM = PanelRules().trim_from
COUNTED, TRIMMED_HIGH, TRIMMED_LOW, RECUSED = "counted", "trimmed_high", "trimmed_low", "recused"


@dataclass(frozen=True)
class PanelSheet:
    """One reviewer's sheet of one proposal, as the panel sees it."""

    reviewer: str
    total: Decimal
    points: Mapping[str, Decimal | None]
    recused: bool = False
    recusal_reason: str = ""
    order: int = 0
    """When the sheet was recorded, relative to the others (breaks ties when trimming)."""


@dataclass(frozen=True)
class SheetStatus:
    """What the panel did with one sheet: counted, trimmed_high, trimmed_low or recused."""

    reviewer: str
    total: Decimal
    status: str
    recusal_reason: str = ""
    order: int = 0


@dataclass(frozen=True)
class SpreadFlag:
    """A criterion the reviewers disagree on: max − min above the limit."""

    criterion: str
    low: Decimal
    high: Decimal
    spread: Decimal
    limit: Decimal


@dataclass(frozen=True)
class ProposalPanel:
    """The panel's result for one proposal.

    Attributes:
        score: the (trimmed) average of valid totals, two places; None without a valid sheet.
        valid_sheets: how many sheets were not recused.
        quorum_met: whether valid_sheets reaches the scorecard's quorum.
        trimmed: whether the highest and lowest totals were dropped.
        passes: whether the quorum is met and the score reaches the pass mark.
        sheets: every sheet's status, ordered by ``order`` then reviewer.
        flags: criteria whose spread exceeds the limit, in scorecard order.
    """

    score: Decimal | None
    valid_sheets: int
    quorum_met: bool
    trimmed: bool
    passes: bool
    sheets: tuple[SheetStatus, ...]
    flags: tuple[SpreadFlag, ...]


@dataclass(frozen=True)
class PanelResult:
    """The panel's score of one proposal and how it was reached (see :func:`panel_score`)."""

    score: Decimal
    valid_sheets: int
    trimmed: bool


@dataclass(frozen=True)
class ProposalKey:
    """What ranks a proposal besides its score: its price and when it was registered."""

    organization: str
    price: Decimal
    order: int


@dataclass(frozen=True)
class RankedProposal:
    """A proposal's place: rank 1 is best; None for a proposal without a score."""

    rank: int | None
    key: ProposalKey
    panel: ProposalPanel


def _trim(valid: Sequence[PanelSheet], trim_from: int) -> dict[int, str]:
    """Return index -> trimmed status of the one highest and one lowest sheet, if trimming."""
    if len(valid) < trim_from:
        return {}
    recorded = sorted(range(len(valid)), key=lambda i: (valid[i].order, valid[i].reviewer))
    highest = max(valid[i].total for i in recorded)
    high = [i for i in recorded if valid[i].total == highest][-1]  # the later-recorded
    rest = [i for i in recorded if i != high]
    lowest = min(valid[i].total for i in rest)
    low = [i for i in rest if valid[i].total == lowest][-1]
    return {high: TRIMMED_HIGH, low: TRIMMED_LOW}


def _average(totals: Iterable[Decimal]) -> Decimal:
    """The exact average of totals, rounded half up to two places."""
    values = [Fraction(total) for total in totals]
    return round_half_up(sum(values, Fraction(0)) / len(values))


def _flags(valid: Sequence[PanelSheet], card: Scorecard) -> tuple[SpreadFlag, ...]:
    """Criteria whose max − min among the sheets that scored them exceeds the limit."""
    flags: list[SpreadFlag] = []
    for criterion in card.criteria:
        scored = [p for s in valid if (p := s.points.get(criterion.code)) is not None]
        if len(scored) < 2:
            continue
        low, high = min(scored), max(scored)
        limit = card.panel.spread_flag_share * criterion.weight
        if high - low > limit:
            flags.append(SpreadFlag(criterion.code, low, high, high - low, limit))
    return tuple(flags)


def aggregate_panel(sheets: Sequence[PanelSheet], card: Scorecard) -> ProposalPanel:
    """Combine the review sheets of one proposal under the scorecard's panel rules.

    Args:
        sheets: every sheet recorded for the proposal, recused ones included.
        card: the review scorecard (its ``panel`` rules and pass mark).

    Returns:
        The panel result; see the module docstring for the rules.
    """
    valid = [s for s in sheets if not s.recused]
    trimmed = _trim(valid, card.panel.trim_from)
    counted = [s.total for i, s in enumerate(valid) if i not in trimmed]
    score = _average(counted) if counted else None
    quorum_met = len(valid) >= card.panel.quorum
    statuses = [
        SheetStatus(s.reviewer, s.total, trimmed.get(i, COUNTED), order=s.order)
        for i, s in enumerate(valid)
    ] + [
        SheetStatus(s.reviewer, s.total, RECUSED, s.recusal_reason, s.order)
        for s in sheets
        if s.recused
    ]
    return ProposalPanel(
        score=score,
        valid_sheets=len(valid),
        quorum_met=quorum_met,
        trimmed=bool(trimmed),
        passes=score is not None and quorum_met and card.passes(score),
        sheets=tuple(sorted(statuses, key=lambda s: (s.order, s.reviewer, s.status))),
        flags=_flags(valid, card),
    )


def rank_proposals(entries: Sequence[tuple[ProposalKey, ProposalPanel]]) -> list[RankedProposal]:
    """Rank proposals by panel score, then lower price, then earlier registration.

    Returns:
        Every proposal, best first; those without a score last with rank None.
    """
    scored = [(key, panel) for key, panel in entries if panel.score is not None]
    unscored = [(key, panel) for key, panel in entries if panel.score is None]
    scored.sort(key=lambda entry: (-(entry[1].score or 0), entry[0].price, entry[0].order))
    unscored.sort(key=lambda entry: (entry[0].order, entry[0].organization))
    ranked = [RankedProposal(rank, key, panel) for rank, (key, panel) in enumerate(scored, 1)]
    return ranked + [RankedProposal(None, key, panel) for key, panel in unscored]


def panel_score(valid_totals: Sequence[Decimal]) -> PanelResult:
    """Aggregate the totals of valid (non-recused) sheets with the default rules.

    A thin wrapper kept for callers that hold only totals: trims from :data:`TRIM_FROM`.

    Raises:
        ValueError: when there is no valid sheet.
    """
    if not valid_totals:
        raise ValueError("a panel score needs at least one valid review sheet")
    sheets = [PanelSheet(str(i), total, {}, order=i) for i, total in enumerate(valid_totals)]
    trimmed = _trim(sheets, TRIM_FROM)
    counted = [s.total for i, s in enumerate(sheets) if i not in trimmed]
    return PanelResult(_average(counted), len(sheets), bool(trimmed))
