"""How the browse pages name the lifecycle's codes: states, steps, grades and roles, in the
language in use (a page shows these, never the code itself)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from procure.domain.documents import ATTACH_TRIGGER
from procure.domain.language import N_, _, both, pgettext
from procure.workflow.roles import role_label
from procure.workflow.rules import default_rules

OTHER_STEPS: dict[str, str] = {
    "create": N_("Draft the project"),
    ATTACH_TRIGGER: N_("Upload an attachment"),
    "correct": N_("Correct a record"),
    "approve_correction": N_("Approve a correction"),
    "amend_contract": N_("Propose a contract amendment"),
    "approve_amendment": N_("Approve a contract amendment"),
    "refuse_correction": N_("Refuse a correction"),
    "refuse_amendment": N_("Refuse a contract amendment"),
}
"""The steps of a project's history outside the lifecycle: its drafting, an attachment, and
the corrections and amendments (the Chinese is the one the history showed before)."""


def state_label(state: str | None) -> str:
    """A state by its label (empty for none; an unknown code as it is)."""
    if not state:
        return ""
    definition = default_rules().engine.definition
    return definition.state(state).label if definition.has_state(state) else state


def step_label(trigger: str, other: str | None = None) -> str:
    """A step of the history by its label; a step without one is said to be ``other``
    (by default: another)."""
    entries = default_rules().engine.definition.transitions_for(trigger)
    if entries:
        return entries[0].label
    named = OTHER_STEPS.get(trigger)
    if named:
        return _(named)
    return other if other is not None else pgettext("step", "Other")


def grade_label(grade: str) -> str:
    """An assessment grade (``good``) by its name (良好, Good)."""
    for band in default_rules().assessment.grades:
        if band.code == grade:
            return both(band.label_zh, band.label_en)
    return grade


def veto_label(item: str) -> str:
    """A veto item (``fraud``) by its name (骗取资金, Fraud)."""
    found = default_rules().renewal.veto_items.get(item)
    return both(found.label_zh, found.label_en) if found else item


RECORD_KINDS: dict[str, str] = {
    "proposal": N_("Proposal price"),
    "review": N_("Review sheet"),
    "recusal": N_("Conflict-of-interest recusal"),
    "contract": N_("Contract details"),
    "payment": N_("Payment record"),
    "inspection": N_("Inspection record"),
    "rectification": N_("Rectification requirement"),
    "assessment": N_("Assessment sheet"),
    "comment": N_("Organization's comment"),
    "objection_answer": N_("Answer to an objection"),
}
"""The kinds of record a correction changes, as the history names them (workflows/corrections.yaml
gives the Chinese)."""

FIELD_NAMES: dict[str, str] = {
    "price": N_("Price"),
    "scores": N_("Scores"),
    "reason": N_("Reason"),
    "number": N_("Contract number"),
    "amount": N_("Amount"),
    "start": N_("Service start date"),
    "end": N_("Service end date"),
    "signed_on": N_("Signed on"),
    "paid_on": N_("Paid on"),
    "note": N_("Note"),
    "inspected_on": N_("Inspection date"),
    "findings": N_("Findings"),
    "rectification_required": N_("Rectification required"),
    "narrative": N_("Overall comments"),
    "text": N_("Organization's comment"),
    "scope": N_("Scope of service"),
}
"""The fields a correction or an amendment changes, as the history names them."""


def record_label(trigger: str, data: dict[str, object]) -> str:
    """What a correction (its record's kind) or an amendment (the contract) changed."""
    if trigger == "amend_contract":
        return _("Contract")
    kind = RECORD_KINDS.get(str(data.get("kind", "")))
    return _(kind) if kind else _("Record")


def field_label(name: str) -> str:
    """A changed field by its name (a field without one is shown as it is)."""
    named = FIELD_NAMES.get(name)
    return _(named) if named else name


def others_line(actions: Iterable[Any]) -> str:
    """The steps other roles take, each with the roles that may (the project page's line)."""
    either = pgettext("alternatives", " or ")
    return pgettext("list", ", ").join(
        _(
            "%(step)s (%(roles)s)",
            step=action.label,
            roles=either.join(role_label(role) for role in action.roles),
        )
        for action in actions
    )


def naming() -> dict[str, object]:
    """What a page's template names codes with (``state_name(code)``, ``role_name(role)``…)."""
    return {
        "state_name": state_label,
        "step_name": step_label,
        "grade_name": grade_label,
        "veto_name": veto_label,
        "role_name": role_label,
        "field_name": field_label,
        "others_line": others_line,
        "changed_record": lambda row: record_label(row["trigger"], row["data"]),
    }
