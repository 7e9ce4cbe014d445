"""A project's corrections and amendments as pages, records and the dossier show them: each
old value beside the new one, with the reason, who proposed and who approved."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlmodel import Session

from procure.domain.criteria import is_not_applicable
from procure.domain.language import N_, _, both, pgettext
from procure.services.corrections.amend import amendments_of
from procure.services.corrections.correct import corrections_of
from procure.services.corrections.said import record_said
from procure.store import queries
from procure.store.correction_models import PENDING, REFUSED
from procure.workflow.roles import ROLE_ZH, role_label
from procure.workflow.rules import default_corrections, default_rules

CHANGE_TRIGGERS = {
    "correct": N_("Correct a record"),
    "approve_correction": N_("Approve a correction"),
    "amend_contract": N_("Propose a contract amendment"),
    "approve_amendment": N_("Approve a contract amendment"),
    "refuse_correction": N_("Refuse a correction"),
    "refuse_amendment": N_("Refuse a contract amendment"),
}
"""The audit rows of corrections and amendments, as the history names them (in English; see
:func:`change_label` for the language in use)."""
CHANGE_TRIGGERS_ZH = {
    "correct": "更正记录",
    "approve_correction": "审批更正",
    "amend_contract": "提出合同变更",
    "approve_amendment": "审批合同变更",
    "refuse_correction": "驳回更正",
    "refuse_amendment": "驳回合同变更",
}
"""The same in Chinese, for the pages that still import it (use :func:`change_label`)."""
AMENDED = {
    "amount": N_("Contract amount"),
    "start": N_("Service start date"),
    "end": N_("Service end date"),
    "scope": N_("Service scope"),
}
"""An amended term's name (translated where it is shown)."""


def change_label(trigger: str) -> str | None:
    """A correction's or an amendment's audit row by its name in the language in use (None:
    ``trigger`` is none of theirs)."""
    name = CHANGE_TRIGGERS.get(trigger)
    return _(name) if name else None


def amended_label(term: str) -> str:
    """An amended term of a contract by its name in the language in use."""
    name = AMENDED.get(term)
    return _(name) if name else term


@dataclass(frozen=True)
class ChangeLine:
    """One changed field: its name, the value replaced (struck through) and the new one."""

    field: str
    old: str
    new: str


@dataclass(frozen=True)
class ChangeView:
    """One correction or amendment as shown."""

    number: int
    what: str  # the record: 拨付记录 1 / 合同变更
    lines: tuple[ChangeLine, ...]
    reason: str
    proposed_by: str
    approval_role: str | None
    decided_by: str | None
    state: str  # pending, applied or refused (store.correction_models)
    refusal: str | None = None

    @property
    def pending(self) -> bool:
        """Whether it awaits its approval (and does not count yet)."""
        return self.state == PENDING

    @property
    def refused(self) -> bool:
        """Whether it was refused or withdrawn (and never counts)."""
        return self.state == REFUSED

    @property
    def approval_label(self) -> str:
        """The approving role in the language in use (empty when none was needed)."""
        return role_label(self.approval_role) if self.approval_role else ""

    @property
    def approval_zh(self) -> str:
        """The approving role in Chinese (the command line's, until it speaks both)."""
        return ROLE_ZH.get(self.approval_role or "", self.approval_role or "")


@dataclass(frozen=True)
class ProjectChanges:
    """A project's corrections and its contract's amendments, oldest first."""

    corrections: tuple[ChangeView, ...] = ()
    amendments: tuple[ChangeView, ...] = ()
    correctable: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.corrections or self.amendments)


def _said(value: Any) -> str:
    if value is None:
        return _("(empty)")
    if isinstance(value, bool):
        return pgettext("answer", "Yes") if value else pgettext("answer", "No")
    return str(value)


def field_changes(label: str, old: Any, new: Any) -> list[tuple[str, str, str]]:
    """One corrected field as (label, old, new) lines; a score sheet as one line per
    criterion whose answer changed (labelled 各项评分·需求分析), the others left out."""
    if not (isinstance(old, dict) and isinstance(new, dict)):
        return [(label, _said(old), _said(new))]
    rules = default_rules()
    criteria = (*rules.review.criteria, *rules.assessment.criteria)
    names = {c.code: both(c.label_zh, c.label_en) for c in criteria}
    return [
        (f"{label}·{names.get(code, code)}", _answer(old.get(code)), _answer(value))
        for code, value in new.items()
        if not _same(old.get(code), value)
    ]


def _answer(value: Any) -> str:
    """A sheet's answer as people read it: 9, 不适用, 计划数 10 / 实际数 9."""
    if isinstance(value, dict):
        return " / ".join(f"{_sheet_count(k)} {v}" for k, v in value.items())
    if value is None or is_not_applicable(value):
        return _("Not applicable")
    return str(value)


def _sheet_count(name: str) -> str:
    """A count a sheet's answer gives (an attainment's or a satisfaction rate's)."""
    names = {
        "planned": pgettext("sheet count", "Planned"),
        "actual": pgettext("sheet count", "Actual"),
        "respondents": pgettext("sheet count", "Respondents"),
        "satisfied": pgettext("sheet count", "Satisfied"),
    }
    return names.get(name, name)


def _same(old: Any, new: Any) -> bool:
    try:
        return Decimal(str(old)) == Decimal(str(new))
    except InvalidOperation:
        return _answer(old) == _answer(new)


def project_changes(session: Session, code: str) -> ProjectChanges:
    """What ``code``'s corrections and amendments changed (caller checked who may read it)."""
    project = queries.project_by_code(session, code)
    rules = default_corrections()
    corrections = []
    for correction in corrections_of(session, project):
        rule = rules.kinds.get(correction.kind)
        names = {f.name: f.label for f in rule.fields} if rule else {}
        lines = tuple(
            ChangeLine(label, old, new)
            for n, v in correction.new_values.items()
            for label, old, new in field_changes(names.get(n, n), correction.old_values.get(n), v)
        )
        corrections.append(
            ChangeView(
                number=correction.number,
                what=_(
                    "%(kind)s: %(record)s",
                    kind=rule.label if rule else correction.kind,
                    record=record_said(correction.record_key),
                ),
                lines=lines,
                reason=correction.reason,
                proposed_by=correction.proposed_by,
                approval_role=correction.approval_role,
                decided_by=correction.decided_by,
                state=correction.state,
                refusal=correction.refusal,
            )
        )
    amendments = []
    contract = queries.contract_of(session, project)
    for amendment in amendments_of(session, contract) if contract else []:
        lines = tuple(
            ChangeLine(amended_label(n), _said(amendment.old_values.get(n)), _said(v))
            for n, v in amendment.changed_terms().items()
        )
        amendments.append(
            ChangeView(
                number=amendment.number,
                what=pgettext("change", "Contract amendment"),
                lines=lines,
                reason=amendment.rationale,
                proposed_by=amendment.proposed_by,
                approval_role=rules.amendments.approval,
                decided_by=amendment.decided_by,
                state=amendment.state,
                refusal=amendment.refusal,
            )
        )
    return ProjectChanges(tuple(corrections), tuple(amendments), correctable_fields())


def correctable_fields() -> dict[str, list[tuple[str, str]]]:
    """Per role, the ``kind.field`` values a correction form offers, with their labels."""
    offered: dict[str, list[tuple[str, str]]] = {}
    for kind, rule in default_corrections().kinds.items():
        for role in rule.roles:
            offered.setdefault(role, []).extend(
                (f"{kind}.{f.name}", _("%(record)s: %(field)s", record=rule.label, field=f.label))
                for f in rule.fields
                if f.type != "sheet"
            )
    return offered
