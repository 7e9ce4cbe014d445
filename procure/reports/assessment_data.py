"""A record's assessment and decision: each dimension with score, band and narrative, the
veto items, the scorecard versions used, and the renew-or-drop decision in Chinese."""

from __future__ import annotations

import json
import re
import tempfile
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from procure.domain.criteria import ATTAINMENT, SATISFACTION, Criterion, Dimension
from procure.domain.money import quantize2
from procure.domain.scorecard import Scorecard, load_scorecard
from procure.reports.record_text import china_date, prose
from procure.store import queries
from procure.store.models import (
    Assessment,
    Project,
    ScorecardVersion,
)
from procure.workflow.rules import Rules

_DECISIONS = {
    "renewed": ("renew", "续约"),
    "rectifying": ("rectify", "整改"),
    "dropped": ("drop", "不再合作"),
}


_ACTION_ZH = {"renew": "续约", "rectify": "整改", "drop": "不再合作"}


_KIND_ZH = {"judged": "评分", "attainment": "完成率", "satisfaction": "满意度", "price": "价格分"}


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


def assessment_section(session: Session, project: Project, rules: Rules) -> dict[str, Any] | None:
    """The assessment by dimension: the final combined row (else the latest sheet), with each
    criterion's facts, the narratives, every assessor's sheet total and the veto items."""
    final = queries.final_assessment(session, project)
    sheets = queries.assessment_sheets(session, project)
    row = final or (sheets[-1] if sheets else None)
    if row is None:
        return None
    card = card_used(session, row.scorecard_name, row.scorecard_version, rules.assessment)
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
        "on": china_date(row.recorded_at),
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
                "on": china_date(s.recorded_at),
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
            ratio = percent(Fraction(actual, planned)) if planned else "—"
            text = f"计划{planned}{criterion.unit} 实际{actual}{criterion.unit} 完成率{ratio}"
        elif criterion.kind == SATISFACTION and isinstance(answer, dict):
            asked, satisfied = int(answer["respondents"]), int(answer["satisfied"])
            ratio = percent(Fraction(satisfied, asked)) if asked else "—"
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


def percent(share: Fraction) -> str:
    """A share as a percentage to one place, half up, without a trailing .0: 120%, 96.4%."""
    tenths = int(share * 1000 + Fraction(1, 2))
    whole, tenth = divmod(tenths, 10)
    return f"{whole}%" if tenth == 0 else f"{whole}.{tenth}%"


def _veto_label(rules: Rules, code: str) -> str:
    item = rules.renewal.veto_items.get(code)
    return item.label_zh if item is not None else code


def card_used(session: Session, name: str, version: int, current: Scorecard) -> Scorecard:
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


def decision_section(state: str, assessment: Assessment | None, rules: Rules) -> dict[str, Any]:
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


def scorecards_section(session: Session, project: Project, rules: Rules) -> list[dict[str, Any]]:
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
                "first_used": china_date(pinned.first_used_at) if pinned else None,
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
