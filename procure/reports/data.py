"""Build an evaluation record's plain data from the database.

A record is a JSON-ready dict (text, numbers as decimal strings, ISO dates, lists and
dicts): it is what the template prints, what travels inside the PDF, and what the
verification code hashes. No ORM row leaves this module.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from procure.domain.audit_chain import canonical_json
from procure.domain.criteria import ATTAINMENT, SATISFACTION, Criterion, Dimension
from procure.domain.dates import chinese_period
from procure.domain.errors import NotFound
from procure.domain.money import quantize2, yuan_in_capitals
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
from procure.domain.scorecard import Scorecard, load_scorecard
from procure.reports.notices_data import notices_of
from procure.store import audit, panels, queries
from procure.store.models import (
    Assessment,
    Contract,
    Organization,
    Project,
    Purchaser,
    ScorecardVersion,
    TransitionLog,
)
from procure.workflow.rules import Rules, default_rules

RECORD_FORMAT = "procure-evaluation-record/4"
CHINA = timezone(timedelta(hours=8), "CST")
_DECISIONS = {
    "renewed": ("renew", "续约"),
    "rectifying": ("rectify", "整改"),
    "dropped": ("drop", "不再合作"),
}
_ACTION_ZH = {"renew": "续约", "rectify": "整改", "drop": "不再合作"}
_RECTIFICATION_TRIGGERS = ("require_rectification", "accept_rectification")
_SHEET_STATUS_ZH = {
    COUNTED: "计入",
    TRIMMED_HIGH: "去掉最高分",
    TRIMMED_LOW: "去掉最低分",
    RECUSED: "回避",
}
_KIND_ZH = {"judged": "评分", "attainment": "完成率", "satisfaction": "满意度", "price": "价格分"}
TIE_RULE_ZH = (
    "按评审得分由高到低排序；得分相同的，按报价由低到高排序；报价也相同的，按申报登记先后排序"
    "（财政部令第87号）"
)
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
        "panel": _panel(session, project, organization, rules),
        "notices": notices_of(session, project),
        "inspections": _inspections(session, project),
        "rectifications": _rectifications(history),
        "payments": _payments(session, contract),
        "assessment": _assessment(session, project, rules),
        "comments": [
            {
                "text": c.text,
                "acknowledged": c.acknowledged,
                "on": c.commented_on or _china_date(c.recorded_at),
            }
            for c in queries.comments_of(session, project)
        ],
        "decision": _decision(project.state, assessment, rules),
        "scorecards": _scorecards(session, project, rules),
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


def _panel(
    session: Session, project: Project, organization: Organization, rules: Rules
) -> dict[str, Any] | None:
    """Every proposal ranked by the review panel, each sheet's status, flags and the rules."""
    entries = panels.project_panels(session, project)
    if not entries:
        return None
    reviews = [r for e in entries for r in queries.reviews_of(session, e.proposal)]
    card = (
        _card_used(session, reviews[0].scorecard_name, reviews[0].scorecard_version, rules.review)
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
        "spread_share": _percent(Fraction(card.panel.spread_flag_share)),
        "pass_mark": card.pass_mark,
        "tie_rule_zh": TIE_RULE_ZH,
        "proposals": proposals,
        "awarded_index": awarded_index,
    }


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
                    "reason_zh": reason_zh(row.reason),
                }
            )
    return steps


_POLICY_VERBS = {"renews": "续约", "requires rectification": "要求整改", "drops": "不再合作"}
_GRADED = re.compile(r"graded (\S+) \(([\d.]+)\): policy (.+)")
_VETOED = re.compile(r"veto items? (.+) appl(?:y|ies): policy (.+) whatever the score")
_RECTIFIED = re.compile(r"rectification (accepted|rejected): policy (.+)")
_VETO_CODE = re.compile(r" \([a-z0-9_]+\)")


def reason_zh(reason: str) -> str:
    """A renewal-policy reason in Chinese ("graded 合格 (69.67): policy requires rectification"
    -> 考核等级合格（69.67分），按续约政策要求整改); a person's own words are kept as given."""
    text = reason.strip()
    if match := _GRADED.fullmatch(text):
        return f"考核等级{match[1]}（{match[2]}分），按续约政策{_verb_zh(match[3])}"
    if match := _VETOED.fullmatch(text):
        items = _VETO_CODE.sub("", match[1]).replace(", ", "、")
        return f"一票否决事项：{items}，按续约政策不论得分均{_verb_zh(match[2])}"
    if match := _RECTIFIED.fullmatch(text):
        outcome = "整改验收通过" if match[1] == "accepted" else "整改未通过"
        return f"{outcome}，按续约政策{_verb_zh(match[2])}"
    return reason


def _verb_zh(verb: str) -> str:
    return _POLICY_VERBS.get(verb, verb)


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


def _assessment(session: Session, project: Project, rules: Rules) -> dict[str, Any] | None:
    """The assessment by dimension: the final combined row (else the latest sheet), with each
    criterion's facts, the narratives, every assessor's sheet total and the veto items."""
    final = queries.final_assessment(session, project)
    sheets = queries.assessment_sheets(session, project)
    row = final or (sheets[-1] if sheets else None)
    if row is None:
        return None
    card = _card_used(session, row.scorecard_name, row.scorecard_version, rules.assessment)
    contributing = sheets if final is not None else [row]
    names = [s.assessor for s in contributing]
    stored_inputs = row.inputs or {}
    inputs: dict[str, dict[str, Any]] = (
        {who: dict(stored_inputs.get(who) or {}) for who in names}
        if final is not None
        else {row.assessor: dict(stored_inputs)}
    )
    points = {
        c.code: None if row.scores.get(c.code) is None else Decimal(str(row.scores[c.code]))
        for c in card.criteria
    }
    applicable = [c for c in card.criteria if points[c.code] is not None]
    applicable_weight = sum((c.weight for c in applicable), Decimal(0))
    raw_total = quantize2(sum((points[c.code] or Decimal(0) for c in applicable), Decimal(0)))
    narratives = row.narratives or {}
    grade = _band(card, row.grade)
    return {
        "assessor": row.assessor,
        "on": _china_date(row.recorded_at),
        "final": row.final,
        "scorecard": {"name": card.name, "version": card.version},
        "total": row.total,
        "max_total": card.max_total,
        "grade": grade["code"],
        "grade_zh": grade["label_zh"],
        "rescaled": applicable_weight != card.max_total,
        "applicable_weight": applicable_weight,
        "raw_total": raw_total,
        "veto": [{"code": code, "label_zh": _veto_label(rules, code)} for code in row.veto],
        "sheets": [
            {
                "assessor": s.assessor,
                "on": _china_date(s.recorded_at),
                "total": s.total,
                "grade_zh": _band(card, s.grade)["label_zh"],
                "veto": [_veto_label(rules, code) for code in s.veto],
            }
            for s in contributing
        ],
        "overall": [
            {"by": s.assessor if len(contributing) > 1 else "", "text": prose(s.narrative)}
            for s in contributing
            if s.narrative.strip()
        ],
        "dimensions": [
            _dimension(card, dimension, points, inputs, narratives.get(dimension.code, ""), names)
            for dimension in card.dimensions
        ],
    }


def _dimension(
    card: Scorecard,
    dimension: Dimension,
    points: dict[str, Decimal | None],
    inputs: dict[str, dict[str, Any]],
    narrative: str,
    names: list[str],
) -> dict[str, Any]:
    """One dimension: its points (n/a criteria left out), score rate, band, narrative, lines."""
    criteria = [card.criterion(code) for code in dimension.criteria]
    scored = [c for c in criteria if points[c.code] is not None]
    score = quantize2(sum((points[c.code] or Decimal(0) for c in scored), Decimal(0)))
    weight = sum((c.weight for c in scored), Decimal(0))
    rate = quantize2(score / weight * 100) if scored else None
    band = card.grade(rate) if rate is not None else None
    return {
        "code": dimension.code,
        "label_zh": dimension.label_zh,
        "weight": dimension.weight,
        "score": score if scored else None,
        "applicable_weight": weight,
        "not_applicable": not scored,
        "rate": rate,
        "band": band.code if band else None,
        "band_zh": band.label_zh if band else None,
        "narratives": _narrative_lines(narrative, names),
        "criteria": [_criterion_line(c, points[c.code], inputs) for c in criteria],
    }


def _narrative_lines(text: str, names: list[str]) -> list[dict[str, str]]:
    """A dimension's narrative as written: one line per assessor, its name prefix taken off."""
    lines = []
    for line in text.splitlines():
        if not line.strip():
            continue
        by = next((who for who in names if line.startswith(f"{who}: ")), "")
        body = line[len(by) + 2 :] if by else line
        lines.append({"by": by if len(names) > 1 else "", "text": prose(body)})
    return lines


def _criterion_line(
    criterion: Criterion, points: Decimal | None, inputs: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """One criterion: its points and, for attainment and survey criteria, the facts behind."""
    facts = []
    for who, answers in inputs.items():
        answer = answers.get(criterion.code)
        if criterion.kind == ATTAINMENT and isinstance(answer, dict):
            planned, actual = int(answer["planned"]), int(answer["actual"])
            ratio = _percent(Fraction(actual, planned)) if planned else "—"
            text = f"计划{planned}{criterion.unit} 实际{actual}{criterion.unit} 完成率{ratio}"
        elif criterion.kind == SATISFACTION and isinstance(answer, dict):
            asked, satisfied = int(answer["respondents"]), int(answer["satisfied"])
            ratio = _percent(Fraction(satisfied, asked)) if asked else "—"
            text = f"调查{asked}人 满意{satisfied}人 满意率{ratio}"
        else:
            continue
        facts.append({"by": who, "text": text})
    if len({f["text"] for f in facts}) == 1:  # every assessor recorded the same figures
        facts = [{"by": "", "text": facts[0]["text"]}]
    return {
        "code": criterion.code,
        "label_zh": criterion.label_zh,
        "kind": criterion.kind,
        "kind_zh": _KIND_ZH.get(criterion.kind, criterion.kind),
        "weight": criterion.weight,
        "points": points,
        "not_applicable": points is None,
        "facts": facts,
    }


def _percent(share: Fraction) -> str:
    """A share as a percentage to one place, half up, without a trailing .0: 120%, 96.4%."""
    tenths = int(share * 1000 + Fraction(1, 2))
    whole, tenth = divmod(tenths, 10)
    return f"{whole}%" if tenth == 0 else f"{whole}.{tenth}%"


def _veto_label(rules: Rules, code: str) -> str:
    item = rules.renewal.veto_items.get(code)
    return item.label_zh if item is not None else code


def _card_used(session: Session, name: str, version: int, current: Scorecard) -> Scorecard:
    """The scorecard a row was scored on: the installed one if it is that version, else the
    content pinned when that version was first used (the installed one if none was pinned)."""
    if (current.name, current.version) == (name, version):
        return current
    pinned = _pinned(session, name, version)
    if pinned is None:
        return current
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{name}-v{version}.yaml"
        path.write_text(pinned.definition, encoding="utf-8")  # JSON is YAML
        return load_scorecard(path)


def _pinned(session: Session, name: str, version: int) -> ScorecardVersion | None:
    statement = select(ScorecardVersion).where(
        ScorecardVersion.name == name, ScorecardVersion.version == version
    )
    return session.exec(statement).first()


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


def _scorecards(session: Session, project: Project, rules: Rules) -> list[dict[str, Any]]:
    """The scorecard versions the stored rows were scored on (review sheets, assessment
    sheets and result), each as pinned at first use, then the renewal policy in force."""
    used: dict[tuple[str, int], str] = {}
    for proposal in queries.proposals_of(session, project):
        for review in queries.reviews_of(session, proposal):
            used.setdefault((review.scorecard_name, review.scorecard_version), "评审")
    statement = (
        select(Assessment).where(Assessment.project_id == project.id).order_by(col(Assessment.id))
    )
    for row in session.exec(statement):
        used.setdefault((row.scorecard_name, row.scorecard_version), "考核")
    current = {card.name: card.title_zh for card in (rules.review, rules.assessment)}
    cards = []
    for (name, version), use in used.items():
        pinned = _pinned(session, name, version)
        title = current.get(name, name)
        if pinned is not None:
            title = str(json.loads(pinned.definition).get("title_zh") or title)
        cards.append(
            {
                "name": name,
                "version": version,
                "title_zh": title,
                "use_zh": use,
                "digest": pinned.digest[:12] if pinned else "",
                "first_used": _china_date(pinned.first_used_at) if pinned else None,
            }
        )
    cards.append(
        {
            "name": "renewal",
            "version": rules.renewal.version,
            "title_zh": "续约政策",
            "use_zh": "续约决定（现行配置）",
            "digest": "",
            "first_used": None,
        }
    )
    return cards


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
