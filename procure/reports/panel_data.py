"""A record's review panel: every sheet with its total and what the panel did with it, the
spread flags and the tie rule."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

from sqlmodel import Session

from procure.domain.money import quantize2
from procure.domain.panel import (
    COUNTED,
    RECUSED,
    TRIMMED_HIGH,
    TRIMMED_LOW,
    ProposalKey,
    SpreadFlag,
    aggregate_panel,
    rank_proposals,
)
from procure.reports.assessment_data import (
    card_used,
    percent,
)
from procure.store import panels, queries
from procure.store.models import (
    Organization,
    Project,
)
from procure.workflow.rules import Rules

_SHEET_STATUS_ZH = {
    COUNTED: "计入",
    TRIMMED_HIGH: "去掉最高分",
    TRIMMED_LOW: "去掉最低分",
    RECUSED: "回避",
}


TIE_RULE_ZH = (
    "按评审得分由高到低排序；得分相同的，按报价由低到高排序；报价也相同的，按申报登记先后排序"
    "（财政部令第87号）"
)


def panel_section(
    session: Session, project: Project, organization: Organization, rules: Rules
) -> dict[str, Any] | None:
    """Every proposal ranked by the review panel, each sheet's status, flags and the rules."""
    entries = panels.project_panels(session, project)
    if not entries:
        return None
    reviews = [r for e in entries for r in queries.reviews_of(session, e.proposal)]
    card = (
        card_used(session, reviews[0].scorecard_name, reviews[0].scorecard_version, rules.review)
        if reviews
        else rules.review
    )
    keyed = []
    for order, entry in enumerate(entries):
        key = ProposalKey(entry.organization.name, entry.proposal.price, order)
        keyed.append((key, aggregate_panel(entry.sheets, card), entry))
    ranks = {item.key: item.rank for item in rank_proposals([(k, p) for k, p, _ in keyed])}
    keyed.sort(key=lambda item: (ranks[item[0]] is None, ranks[item[0]] or 0, item[0].order))
    labels = {c.code: c.label_zh for c in card.criteria}
    proposals = [
        {
            "rank": ranks[key],
            "organization": entry.organization.name,
            "uscc": entry.organization.uscc,
            "price": entry.proposal.price,
            "score": panel.score,
            "valid_sheets": panel.valid_sheets,
            "quorum_met": panel.quorum_met,
            "trimmed": panel.trimmed,
            "passes": panel.passes,
            "awarded": entry.organization.uscc == organization.uscc,
            "sheets": [
                {
                    "reviewer": sheet.reviewer,
                    "total": sheet.total,
                    "status": sheet.status,
                    "status_zh": _SHEET_STATUS_ZH[sheet.status],
                    "reason": sheet.recusal_reason,
                }
                for sheet in panel.sheets
            ],
            "flags": flag_facts(panel.flags, labels),
        }
        for key, panel, entry in keyed
    ]
    awarded_index = next((i for i, p in enumerate(proposals) if p["awarded"]), None)
    return {
        "scorecard": {"name": card.name, "version": card.version},
        "quorum": card.panel.quorum,
        "trim_from": card.panel.trim_from,
        "spread_share": percent(Fraction(card.panel.spread_flag_share)),
        "pass_mark": card.pass_mark,
        "tie_rule_zh": TIE_RULE_ZH,
        "proposals": proposals,
        "awarded_index": awarded_index,
    }


def flag_facts(flags: Iterable[SpreadFlag], labels: Mapping[str, str]) -> list[dict[str, Any]]:
    """The spread flags of a proposal's sheets: criterion, its label, the scores apart."""
    return [
        {
            "criterion": flag.criterion,
            "label_zh": labels.get(flag.criterion, flag.criterion),
            "low": flag.low,
            "high": flag.high,
            "spread": quantize2(flag.spread),
            "limit": quantize2(flag.limit),
        }
        for flag in flags
    ]
