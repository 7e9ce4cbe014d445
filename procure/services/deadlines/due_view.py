"""The due list as people read it: each rule in Chinese words, "逾期 N 天" for the deadlines
of this year and the last, and the older ones summed up in one line.

A deadline that passed years ago (a demo's 2020 contract still unsigned) is not news in
days ("逾期 2494 天" says nothing): it is counted with the others of its age, and the
projects named, so the list stays about what can still be done on time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from procure.domain.deadlines import ENTERS, EXPIRES, FIRE, OVERDUE, TRIGGER, DeadlineRule
from procure.services.deadlines.due import DueItem
from procure.workflow.rules import Rules, default_rules


@dataclass(frozen=True)
class OlderOverdue:
    """The overdue deadlines whose last day fell before last year, summed up."""

    count: int
    before_year: int  # every one of them ended before 1 January of this year
    earliest: date
    projects: tuple[str, ...]  # their project codes, each once, in the list's order


@dataclass(frozen=True)
class DueView:
    """The rows to show one by one, and the old overdue ones in one line (or ``None``)."""

    items: list[DueItem]
    older: OlderOverdue | None


def due_view(items: Sequence[DueItem], today: date) -> DueView:
    """Split ``items``: an overdue deadline whose last day fell before last year goes into
    the summary; every other item is shown on its own row."""
    since = today.year - 1
    recent = [item for item in items if not _old(item, since)]
    old = [item for item in items if _old(item, since)]
    if not old:
        return DueView(recent, None)
    earliest = min(item.due_on for item in old if item.due_on is not None)
    projects = tuple(dict.fromkeys(item.project for item in old))
    return DueView(recent, OlderOverdue(len(old), since, earliest, projects))


def _old(item: DueItem, since: int) -> bool:
    return item.status == OVERDUE and item.due_on is not None and item.due_on.year < since


def days_zh(item: DueItem) -> str:
    """How the days stand, in words: 还剩 N 天, 今天截止 or 逾期 N 天 (— when not counted)."""
    if item.days_left is None:
        return "—"
    if item.days_left > 0:
        return f"还剩 {item.days_left} 天"
    if item.days_left == 0:
        return "今天截止"
    return f"逾期 {-item.days_left} 天" if item.status == OVERDUE else "已截止"


def rule_zh(code: str, rules: Rules | None = None) -> str:
    """The deadline rule ``code`` in Chinese words, e.g. 进入“已中选”后 30 个自然日内."""
    rules = rules or default_rules()
    rule = rules.deadlines.rule(code)
    if rule is None:
        return ""
    unit = "个工作日" if rule.working else "个自然日"
    said = f"{_start_zh(rule, rules)}后 {rule.days} {unit}内"
    if rule.on_pass == FIRE and rule.fire:
        return f"{said}；期满自动{_trigger_zh(rule.fire, rules)}"
    if rule.on_pass == EXPIRES:
        return f"{said}；期满即截止"
    return said


def _start_zh(rule: DeadlineRule, rules: Rules) -> str:
    definition = rules.engine.definition
    if rule.start.kind == ENTERS:
        try:
            return f"进入“{definition.state(rule.start.name).zh}”"
        except KeyError:
            return "进入该阶段"
    if rule.start.kind == TRIGGER:
        return f"“{_trigger_zh(rule.start.name, rules)}”"
    return "服务期结束"


def _trigger_zh(trigger: str, rules: Rules) -> str:
    entries = rules.engine.definition.transitions_for(trigger)
    return entries[0].zh if entries else "办理"
