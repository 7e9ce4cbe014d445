"""Scoring use cases: a reviewer's sheet, a recusal, an assessor's sheet, the organization's
comment, and the read-only views of a review panel and an assessment.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from sqlmodel import Session

from procure.domain.assessment import combine_assessment
from procure.domain.errors import InvalidInput
from procure.domain.panel import ProposalKey, aggregate_panel, rank_proposals
from procure.domain.scorecard import Scorecard
from procure.services.lifecycle.clock import now_utc
from procure.services.lifecycle.fire import TransitionResult, advance
from procure.services.scoring.sheet_files import read_sheet
from procure.store import panels, queries
from procure.workflow.context import Actor
from procure.workflow.rules import Rules, default_rules
from procure.workflow.sheets import assessment_facts


def score_review(
    session: Session,
    code: str,
    uscc: str,
    reviewer: str,
    sheet: Path,
    *,
    rules: Rules | None = None,
) -> TransitionResult:
    """Record a reviewer's sheet read from a file; nothing of it is stored if any row is wrong."""
    rules = rules or default_rules()
    found = read_sheet(sheet, rules.review)
    params = {"organization": uscc, "scores": found.scores}
    try:
        return advance(
            session, code, "record_review", Actor(reviewer, "reviewer"), params=params, rules=rules
        )
    except InvalidInput as error:
        raise found.locate(error, sheet.name, rules.review) from error


def recuse(
    session: Session,
    code: str,
    uscc: str,
    reviewer: str,
    reason: str,
    actor: Actor,
    *,
    rules: Rules | None = None,
) -> TransitionResult:
    """Record that ``reviewer`` has a conflict of interest with ``uscc``'s proposal."""
    params = {"organization": uscc, "reviewer": reviewer, "reason": reason}
    return advance(session, code, "record_recusal", actor, params=params, rules=rules)


def score_assessment(
    session: Session, code: str, assessor: str, sheet: Path, *, rules: Rules | None = None
) -> TransitionResult:
    """Record an assessor's sheet read from a file (scores, veto answers, narratives)."""
    rules = rules or default_rules()
    found = read_sheet(sheet, rules.assessment)
    params: dict[str, Any] = {
        "scores": found.scores,
        "veto": found.veto,
        "narratives": found.narratives,
    }
    if found.narrative:
        params["narrative"] = found.narrative
    try:
        return advance(
            session,
            code,
            "record_assessment",
            Actor(assessor, "assessor"),
            params=params,
            rules=rules,
        )
    except InvalidInput as error:
        raise found.locate(error, sheet.name, rules.assessment) from error


def comment(
    session: Session,
    code: str,
    text: str,
    *,
    acknowledged: bool,
    actor: Actor,
    document: str | None = None,
    commented_on: date | None = None,
    rules: Rules | None = None,
) -> TransitionResult:
    """Record the organization's comment on its assessment: by the organization's own
    account, or by an officer citing the document it came in (``document``)."""
    params: dict[str, Any] = {"text": text, "acknowledged": acknowledged}
    if commented_on is not None:
        params["commented_on"] = commented_on
    if document is not None:
        params["document"] = document
    return advance(session, code, "record_comment", actor, params=params, rules=rules)


def scorecard_view(card: Scorecard) -> dict[str, Any]:
    """A scorecard as plain data: criteria, dimensions, bands, pass mark, panel rules."""
    return {
        "name": card.name,
        "version": card.version,
        "title_zh": card.title_zh,
        "pass_mark": card.pass_mark,
        "criteria": [
            {
                "code": c.code,
                "label_zh": c.label_zh,
                "label_en": c.label_en,
                "weight": c.weight,
                "kind": c.kind,
                "allow_na": c.allow_na,
                "unit": c.unit,
                "bands": [
                    {"from": _decimal(b.minimum), "share": str(b.share)}
                    for b in (c.bands if c.kind == "attainment" else ())
                ],
            }
            for c in card.criteria
        ],
        "dimensions": [
            {
                "code": d.code,
                "label_zh": d.label_zh,
                "weight": d.weight,
                "criteria": list(d.criteria),
            }
            for d in card.dimensions
        ],
        "grades": [asdict(band) for band in card.grades],
        "panel": asdict(card.panel),
    }


def panel_view(session: Session, code: str, *, rules: Rules | None = None) -> dict[str, Any]:
    """The review panel of a project: every sheet, trims, recusals, flags, ranking, pass/fail."""
    rules = rules or default_rules()
    project = queries.project_by_code(session, code)
    card = rules.review
    entries = []
    for order, entry in enumerate(panels.project_panels(session, project)):
        key = ProposalKey(entry.organization.name, entry.proposal.price, order)
        entries.append((key, aggregate_panel(entry.sheets, card), entry))
    ranked = rank_proposals([(key, panel) for key, panel, _ in entries])
    ranks = {item.key: item.rank for item in ranked}
    proposals = []
    for key, panel, entry in entries:
        proposals.append(
            {
                "organization": entry.organization.name,
                "uscc": entry.organization.uscc,
                "price": entry.proposal.price,
                "rank": ranks[key],
                "score": panel.score,
                "valid_sheets": panel.valid_sheets,
                "quorum_met": panel.quorum_met,
                "trimmed": panel.trimmed,
                "passes": panel.passes,
                "sheets": [asdict(sheet) for sheet in panel.sheets],
                "recusals": [
                    {"reviewer": r.reviewer, "reason": r.reason, "recorded_by": r.recorded_by}
                    for r in entry.recusals
                ],
                "flags": [asdict(flag) for flag in panel.flags],
            }
        )
    proposals.sort(key=lambda p: (p["rank"] is None, p["rank"] or 0))
    return {
        "project": project.code,
        "scorecard": f"{card.name} v{card.version}",
        "quorum": card.panel.quorum,
        "pass_mark": card.pass_mark,
        "tie_rule": "higher score first; equal scores: lower price, then earlier registration",
        "proposals": proposals,
    }


def assessment_view(session: Session, code: str, *, rules: Rules | None = None) -> dict[str, Any]:
    """The assessment of a project: each sheet, the combined result, narratives, comments."""
    rules = rules or default_rules()
    card = rules.assessment
    project = queries.project_by_code(session, code)
    sheets = queries.assessment_sheets(session, project)
    final = queries.final_assessment(session, project)
    view: dict[str, Any] = {
        "project": project.code,
        "state": project.state,
        "scorecard": f"{card.name} v{card.version}",
        "sheets": [
            {
                "assessor": s.assessor,
                "total": s.total,
                "grade": s.grade,
                "grade_zh": next((g.label_zh for g in card.grades if g.code == s.grade), s.grade),
                "veto": s.veto,
                "points": s.scores,
                "inputs": s.inputs,
                "narrative": s.narrative,
                "narratives": s.narratives or {},
                "recorded_at": s.recorded_at,
                "scorecard": f"{s.scorecard_name} v{s.scorecard_version}",
            }
            for s in sheets
        ],
        "comments": [
            {"text": c.text, "acknowledged": c.acknowledged, "commented_on": c.commented_on}
            for c in queries.comments_of(session, project)
        ],
        "result": None,
        "final": final is not None,
    }
    if sheets:
        outcome = combine_assessment([assessment_facts(s, card) for s in sheets], card)
        closes = max(s.recorded_at for s in sheets).date() + timedelta(
            days=rules.comment_window_days
        )
        decision = rules.renewal.decide(outcome.grade, outcome.total, outcome.veto)
        view["result"] = {
            "total": outcome.total,
            "grade": outcome.grade.code,
            "grade_zh": outcome.grade.label_zh,
            "veto": list(outcome.veto),
            "points": dict(outcome.points),
            "narratives": dict(outcome.narratives),
            "missing_narratives": list(outcome.missing_narratives),
            "policy": {
                "action": decision.action,
                "reason": decision.reason,
                "shown": decision.shown(),
            },
            "comment_window_closes": closes,
            "window_open_now": now_utc().date() <= closes,
        }
    return view


def _decimal(value: Fraction) -> str:
    """A band boundary as people read it: 4/5 → 0.8."""
    return str(Decimal(value.numerator) / Decimal(value.denominator))
