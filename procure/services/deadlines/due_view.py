"""The due list as people read it: each rule in words, "逾期 N 天" for the deadlines
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
from procure.domain.language import _, ngettext, pgettext
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


def days_text(item: DueItem) -> str:
    """How the days stand, in words: 3 days left, due today or 2 days overdue (— when not
    counted), in the language in use."""
    if item.days_left is None:
        return "—"
    if item.days_left > 0:
        return ngettext("%(num)d day left", "%(num)d days left", item.days_left)
    if item.days_left == 0:
        return pgettext("deadline", "Due today")
    if item.status == OVERDUE:
        return ngettext("%(num)d day overdue", "%(num)d days overdue", -item.days_left)
    return pgettext("due list", "Closed")


def rule_text(code: str, rules: Rules | None = None) -> str:
    """The deadline rule ``code`` in words of the language in use, e.g. 进入“已中选”后 30 个
    自然日内 (within 30 calendar days after entering “Awarded”)."""
    rules = rules or default_rules()
    rule = rules.deadlines.rule(code)
    if rule is None:
        return ""
    start = _start(rule, rules)
    if rule.working:
        said = _("within %(days)s working days after %(start)s", days=rule.days, start=start)
    else:
        said = _("within %(days)s calendar days after %(start)s", days=rule.days, start=start)
    if rule.on_pass == FIRE and rule.fire:
        return _(
            "%(rule)s; when it passes: %(step)s, automatically",
            rule=said,
            step=_step(rule.fire, rules),
        )
    if rule.on_pass == EXPIRES:
        return _("%(rule)s; it closes when it passes", rule=said)
    return said


def _start(rule: DeadlineRule, rules: Rules) -> str:
    definition = rules.engine.definition
    if rule.start.kind == ENTERS:
        try:
            return _("entering “%(state)s”", state=definition.state(rule.start.name).label)
        except KeyError:
            return _("entering the stage")
    if rule.start.kind == TRIGGER:
        return f"“{_step(rule.start.name, rules)}”"
    return _("the end of the service period")


def _step(trigger: str, rules: Rules) -> str:
    entries = rules.engine.definition.transitions_for(trigger)
    return entries[0].label if entries else pgettext("deadline", "the step")
