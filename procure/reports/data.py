"""Build an evaluation record's plain data from the database.

A record is a JSON-ready dict (text, numbers as decimal strings, ISO dates, lists and
dicts): it is what the template prints, what travels inside the PDF, and what the
verification code hashes. No ORM row leaves this module.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from procure.domain.audit_chain import canonical_json
from procure.domain.dates import chinese_period
from procure.domain.errors import NotFound
from procure.domain.money import quantize2, yuan_in_capitals
from procure.domain.panel import panel_score
from procure.domain.scorecard import Scorecard
from procure.store import audit, queries
from procure.store.models import (
    Assessment,
    Contract,
    Organization,
    Project,
    Purchaser,
    Review,
    TransitionLog,
)
from procure.workflow.rules import Rules, default_rules

RECORD_FORMAT = "procure-evaluation-record/1"
CHINA = timezone(timedelta(hours=8), "CST")
_DECISIONS = {
    "renewed": ("renew", "续约"),
    "rectifying": ("rectify", "整改"),
    "dropped": ("drop", "不再合作"),
}
_ACTION_ZH = {"renew": "续约", "rectify": "整改", "drop": "不再合作"}
_RECTIFICATION_TRIGGERS = ("require_rectification", "accept_rectification")
_SPACE_BETWEEN_WIDE = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])")


def prose(text: str) -> str:
    """Text as one paragraph: runs of spaces and line breaks become one space, and none is
    left between two Chinese characters (YAML folding leaves one there)."""
    return _SPACE_BETWEEN_WIDE.sub("", " ".join(text.split()))


def verification_code(record: dict[str, Any]) -> str:
    """Return the record's verification code: SHA-256 of its canonical JSON, in hex."""
    return hashlib.sha256(canonical_json(record).encode()).hexdigest()


def record_codes(session: Session, *, year: int, purchaser: str | None = None) -> list[str]:
    """Return the codes of the year's projects that have a contract (and so a record).

    Raises:
        NotFound: an unknown purchaser.
    """
    statement = (
        select(Project.code)
        .join(Contract, col(Contract.project_id) == col(Project.id))
        .where(Project.year == year)
    )
    if purchaser is not None:
        buyer = queries.purchaser_by_code(session, purchaser)
        statement = statement.where(Project.purchaser_id == buyer.id)
    return list(session.exec(statement.order_by(col(Project.code))))


def build_record(session: Session, code: str, *, rules: Rules | None = None) -> dict[str, Any]:
    """Gather everything one evaluation record prints, as plain JSON-ready data.

    Args:
        session: an open session; nothing is written.
        code: the project code, e.g. ``SM-2019-001``.
        rules: the loaded configuration (the installed one by default).

    Returns:
        The record: purchaser, organization, project, contract, panel, inspections,
        rectifications, payments, assessment, decision, scorecards and its date.

    Raises:
        NotFound: an unknown project, or a project without a contract.
    """
    rules = rules or default_rules()
    project = queries.project_by_code(session, code)
    contract = queries.contract_of(session, project)
    if contract is None:
        raise NotFound(f"project {code} has no contract, so it has no evaluation record")
    purchaser = session.get(Purchaser, project.purchaser_id)
    organization = session.get(Organization, contract.organization_id)
    assert purchaser is not None and organization is not None
    history = audit.rows_for_project(session, code)
    assessment = queries.final_assessment(session, project) or queries.latest_assessment(
        session, project
    )
    record: dict[str, Any] = {
        "format": RECORD_FORMAT,
        "purchaser": {"code": purchaser.code, "name": purchaser.name},
        "organization": {"name": organization.name, "uscc": organization.uscc},
        "project": {
            "code": project.code,
            "year": project.year,
            "title": project.title,
            "purpose": prose(project.purpose),
            "budget": project.budget,
            "state": project.state,
            "state_zh": rules.engine.definition.state(project.state).zh,
        },
        "contract": _contract(contract),
        "panel": _panel(session, project, organization),
        "inspections": _inspections(session, project),
        "rectifications": _rectifications(history),
        "payments": _payments(session, contract),
        "assessment": _assessment(assessment, rules) if assessment else None,
        "comments": [
            {"text": c.text, "acknowledged": c.acknowledged, "on": _china_date(c.recorded_at)}
            for c in queries.comments_of(session, project)
        ],
        "decision": _decision(project.state, assessment, rules),
        "scorecards": _scorecards(session, project, assessment, rules),
        "as_of": _as_of(history),
    }
    plain: dict[str, Any] = json.loads(canonical_json(record))
    return plain


def _contract(contract: Contract) -> dict[str, Any]:
    return {
        "number": contract.number,
        "amount": contract.amount,
        "amount_capitals": yuan_in_capitals(contract.amount),
        "start": contract.start_on,
        "end": contract.end_on,
        "period_zh": chinese_period(contract.start_on, contract.end_on),
        "signed_on": contract.signed_on,
    }


def _panel(session: Session, project: Project, organization: Organization) -> dict[str, Any] | None:
    """The review panel of the contracted organization's proposal, trimmed sheets marked."""
    proposal = queries.proposal_of(session, project, organization.uscc)
    if proposal is None:
        return None
    reviews = queries.reviews_of(session, proposal)
    valid = [r for r in reviews if not r.conflict]
    marks = _trim_marks(valid)
    result = panel_score([r.total for r in valid]) if valid else None
    return {
        "price": proposal.price,
        "proposals": len(queries.proposals_of(session, project)),
        "sheets": [
            {
                "reviewer": r.reviewer,
                "total": r.total,
                "status": "recused" if r.conflict else marks.get(id(r), "counted"),
            }
            for r in reviews
        ],
        "score": result.score if result else None,
        "valid_sheets": result.valid_sheets if result else 0,
        "trimmed": result.trimmed if result else False,
    }


def _trim_marks(valid: list[Review]) -> dict[int, str]:
    """Mark the one highest and one lowest sheet the panel drops (ties: the later-recorded)."""
    if not valid or not panel_score([r.total for r in valid]).trimmed:
        return {}
    order = list(enumerate(valid))  # position = recording order
    high = max(order, key=lambda item: (item[1].total, item[0]))
    rest = [item for item in order if item[0] != high[0]]
    low = min(rest, key=lambda item: (item[1].total, -item[0]))
    return {id(high[1]): "trimmed_high", id(low[1]): "trimmed_low"}


def _inspections(session: Session, project: Project) -> list[dict[str, Any]]:
    from procure.store.models import Inspection

    statement = (
        select(Inspection)
        .where(Inspection.project_id == project.id)
        .order_by(col(Inspection.inspected_on), col(Inspection.id))
    )
    return [
        {
            "on": i.inspected_on,
            "inspector": i.inspector,
            "findings": i.findings,
            "rectification_required": i.rectification_required,
        }
        for i in session.exec(statement)
    ]


def _rectifications(history: list[TransitionLog]) -> list[dict[str, Any]]:
    """Rectification steps from the audit trail: required, accepted, or dropped after it."""
    steps = []
    for row in history:
        ends_rectification = row.from_state == "rectifying"
        if row.trigger in _RECTIFICATION_TRIGGERS or ends_rectification:
            steps.append(
                {
                    "on": _china_date(datetime.fromisoformat(row.at.replace("Z", "+00:00"))),
                    "trigger": row.trigger,
                    "actor": row.actor,
                    "reason": row.reason,
                }
            )
    return steps


def _payments(session: Session, contract: Contract) -> dict[str, Any]:
    payments = queries.payments_of(session, contract)
    paid = quantize2(sum((p.amount for p in payments), Decimal(0)))
    return {
        "items": [
            {"tranche": p.tranche, "on": p.paid_on, "amount": p.amount, "note": p.note}
            for p in payments
        ],
        "paid": paid,
        "outstanding": quantize2(contract.amount - paid),
    }


def _assessment(assessment: Assessment, rules: Rules) -> dict[str, Any]:
    scorecard = rules.assessment
    grade = _band(scorecard, assessment.grade)
    return {
        "assessor": assessment.assessor,
        "on": _china_date(assessment.recorded_at),
        "final": assessment.final,
        "total": assessment.total,
        "max_total": scorecard.max_total,
        "grade": grade["code"],
        "grade_zh": grade["label_zh"],
        "veto": [
            {"code": code, "label_zh": rules.renewal.veto_items[code].label_zh}
            for code in assessment.veto
        ],
        "narrative": prose(assessment.narrative),
        "dimensions": [
            _dimension(scorecard, c.code, assessment.scores) for c in scorecard.criteria
        ],
    }


def _dimension(
    scorecard: Scorecard, code: str, scores: dict[str, str | None]
) -> dict[str, Any]:
    """One assessment dimension: score, weight, attainment and the band it falls in."""
    criterion = scorecard.criterion(code)
    stored = scores.get(code)
    score = Decimal(stored) if stored is not None else None
    rate = quantize2(score / criterion.weight * 100) if score is not None else None
    band = scorecard.grade(rate) if rate is not None else None
    return {
        "code": code,
        "label_zh": criterion.label_zh,
        "weight": criterion.weight,
        "score": score,
        "rate": rate,
        "band": band.code if band else None,
        "band_zh": band.label_zh if band else None,
        "narrative": _dimension_narrative(criterion.label_zh, rate, band.label_zh if band else ""),
    }


def _dimension_narrative(label: str, rate: Decimal | None, band: str) -> str:
    if rate is None:
        return f"{label}未评分。"
    return f"{label}得分率{rate}%，属{band}档。"


def _band(scorecard: Scorecard, code: str) -> dict[str, str]:
    for band in scorecard.grades:
        if band.code == code:
            return {"code": band.code, "label_zh": band.label_zh}
    return {"code": code, "label_zh": code}


def _decision(state: str, assessment: Assessment | None, rules: Rules) -> dict[str, Any]:
    """The renew-or-drop outcome: from the state once decided, else what the policy says."""
    if state in _DECISIONS:
        action, label = _DECISIONS[state]
        return {"action": action, "zh": label, "decided": True, "basis": "project state"}
    if state == "assessed" and assessment is not None:
        grade = next(g for g in rules.assessment.grades if g.code == assessment.grade)
        decision = rules.renewal.decide(grade, assessment.total, assessment.veto)
        return {
            "action": decision.action,
            "zh": f"待决定（按政策应{_ACTION_ZH[decision.action]}）",
            "decided": False,
            "basis": decision.reason,
        }
    label = rules.engine.definition.state(state).zh
    return {"action": None, "zh": f"尚无决定（{label}）", "decided": False, "basis": "not assessed"}


def _scorecards(
    session: Session, project: Project, assessment: Assessment | None, rules: Rules
) -> list[dict[str, Any]]:
    """The scorecard versions behind the record's scores, and the renewal policy's version."""
    used: dict[tuple[str, int], str] = {}
    titles = {
        rules.review.name: rules.review.title_zh,
        rules.assessment.name: rules.assessment.title_zh,
    }
    for proposal in queries.proposals_of(session, project):
        for review in queries.reviews_of(session, proposal):
            key = (review.scorecard_name, review.scorecard_version)
            used[key] = titles.get(review.scorecard_name, review.scorecard_name)
    if assessment is not None:
        key = (assessment.scorecard_name, assessment.scorecard_version)
        used[key] = titles.get(assessment.scorecard_name, assessment.scorecard_name)
    used[("renewal", rules.renewal.version)] = "续约政策"
    return [
        {"name": name, "version": version, "title_zh": title}
        for (name, version), title in used.items()
    ]


def _as_of(history: list[TransitionLog]) -> str:
    """The moment of the project's last recorded step (the record's date), in China time."""
    if not history:
        return datetime(1970, 1, 1, tzinfo=UTC).isoformat()
    last = datetime.fromisoformat(history[-1].at.replace("Z", "+00:00"))
    return last.astimezone(CHINA).replace(microsecond=0).isoformat()


def _china_date(moment: datetime) -> date:
    """The calendar day of a stored moment, in China time.

    SQLite hands back the wall time it was given, without its zone: take its day as is.
    """
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(CHINA).date()
