"""The review panel of a project as the browser shows it.

Every sheet with its points per criterion and what the panel did with it (counted, trimmed
high or low, recused), the recusals declared before any sheet, the spread flags, the
(trimmed) average, the ranking, and for each proposal whether it may be awarded now: the
``award`` trigger's own guards, run for that organization without changing anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from procure.domain.language import N_
from procure.domain.language import gettext as _
from procure.domain.panel import (
    COUNTED,
    RECUSED,
    TRIMMED_HIGH,
    TRIMMED_LOW,
    ProposalKey,
    aggregate_panel,
    rank_proposals,
)
from procure.domain.scorecard import Scorecard
from procure.reports.panel_data import flag_facts
from procure.services.lifecycle.clock import now_utc
from procure.store import panels, queries
from procure.store.models import Project
from procure.workflow.context import ActionContext, Actor
from procure.workflow.rules import Rules, default_rules

STATUS_LABELS = {
    COUNTED: N_("Counted"),
    TRIMMED_HIGH: N_("Trimmed (highest)"),
    TRIMMED_LOW: N_("Trimmed (lowest)"),
    RECUSED: N_("Recused"),
}
"""What the panel did with a sheet, translated where it is shown."""


@dataclass(frozen=True)
class Column:
    """A criterion heading of the panel table."""

    code: str
    label: str
    """The criterion's name in the language in use."""
    maximum: Decimal


def panel_page(session: Session, code: str, *, rules: Rules | None = None) -> dict[str, Any]:
    """The review panel of project ``code``, best-ranked proposal first.

    Raises:
        NotFound: unknown project.
    """
    rules = rules or default_rules()
    card = rules.review
    project = queries.project_by_code(session, code)
    entries = panels.project_panels(session, project)
    keyed = []
    for order, entry in enumerate(entries):
        key = ProposalKey(entry.organization.name, entry.proposal.price, order)
        keyed.append((key, aggregate_panel(entry.sheets, card), entry))
    ranks = {item.key: item.rank for item in rank_proposals([(k, p) for k, p, _ in keyed])}
    keyed.sort(key=lambda item: (ranks[item[0]] is None, ranks[item[0]] or 0, item[0].order))
    awardable = _award_check(session, project, rules)
    labels = {c.code: c.label for c in card.criteria}
    proposals = []
    for key, panel, entry in keyed:
        points = {(s.reviewer, s.order): s.points for s in entry.sheets}
        with_sheet = {s.reviewer for s in entry.sheets}
        sheets = [
            {
                "reviewer": s.reviewer,
                "total": s.total,
                "status": s.status,
                "status_label": _(STATUS_LABELS[s.status]),
                "reason": s.recusal_reason,
                "points": points.get((s.reviewer, s.order), {}),
            }
            for s in panel.sheets
        ]
        sheets += [
            {
                "reviewer": r.reviewer,
                "total": None,
                "status": RECUSED,
                "status_label": _(STATUS_LABELS[RECUSED]),
                "reason": r.reason,
                "points": {},
            }
            for r in entry.recusals
            if r.reviewer not in with_sheet
        ]
        blocked = awardable(entry.organization.uscc) if awardable else None
        proposals.append(
            {
                "order": key.order,
                "rank": ranks[key],
                "organization": entry.organization.name,
                "uscc": entry.organization.uscc,
                "price": entry.proposal.price,
                "score": panel.score,
                "valid_sheets": panel.valid_sheets,
                "quorum_met": panel.quorum_met,
                "trimmed": panel.trimmed,
                "passes": panel.passes,
                "awarded": project.awarded_organization_id == entry.organization.id,
                "may_award": blocked == [],
                "award_blocked_by": blocked or [],
                "sheets": sheets,
                "flags": flag_facts(panel.flags, labels),
            }
        )
    return {
        "project": project.code,
        "state": project.state,
        "scorecard": _("%(title)s, version %(version)s", title=card.title, version=card.version),
        "columns": _columns(card),
        "quorum": card.panel.quorum,
        "trim_from": card.panel.trim_from,
        "spread_share": f"{card.panel.spread_flag_share * 100:.0f}%",
        "pass_mark": card.pass_mark,
        "award_open": awardable is not None,
        "proposals": proposals,
    }


def _columns(card: Scorecard) -> list[Column]:
    return [Column(c.code, c.label, c.weight) for c in card.criteria]


def _award_check(session: Session, project: Project, rules: Rules) -> Any:
    """A function giving, for an organization, the rules that block awarding it now
    (``[]``: it may be awarded); ``None`` when the project cannot be awarded from its state."""
    entry = rules.engine.definition.transition_from("award", project.state)
    if entry is None:
        return None

    def blocked_by(uscc: str) -> list[str]:
        ctx = ActionContext(
            session=session,
            rules=rules,
            project=project,
            actor=Actor("?", entry.roles[0]),
            trigger="award",
            params={"organization": uscc},
            reason="",
            at=now_utc(),
        )
        return [reason for name in entry.guards if (reason := rules.engine.guard(name)(ctx))]

    return blocked_by
