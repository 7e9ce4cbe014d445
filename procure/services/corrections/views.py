"""A project's corrections and amendments as pages, records and the dossier show them: each
old value beside the new one, with the reason, who proposed and who approved."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlmodel import Session

from procure.domain.criteria import is_not_applicable
from procure.services.accounts.scope import ROLE_ZH
from procure.services.corrections.amend import amendments_of
from procure.services.corrections.correct import corrections_of
from procure.services.scoring.own_sheet import FACT_ZH
from procure.store import queries
from procure.store.correction_models import PENDING, REFUSED
from procure.workflow.rules import default_corrections, default_rules

CHANGE_TRIGGERS_ZH = {
    "correct": "更正记录",
    "approve_correction": "审批更正",
    "amend_contract": "提出合同变更",
    "approve_amendment": "审批合同变更",
    "refuse_correction": "驳回更正",
    "refuse_amendment": "驳回合同变更",
}
"""The audit rows of corrections and amendments, as the history names them."""
AMENDED_ZH = {
    "amount": "合同金额",
    "start": "服务开始日期",
    "end": "服务结束日期",
    "scope": "服务内容",
}


@dataclass(frozen=True)
class ChangeLine:
    """One changed field: its Chinese name, the value replaced (struck through) and the new one."""

    field: str
    old: str
    new: str


@dataclass(frozen=True)
class ChangeView:
    """One correction or amendment as shown."""

    number: int
    what: str  # 拨付记录 SM-2019-001 payment #1 / 合同变更
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
    def approval_zh(self) -> str:
        """The approving role in Chinese (empty when none was needed)."""
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
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def field_changes(label: str, old: Any, new: Any) -> list[tuple[str, str, str]]:
    """One corrected field as (label, old, new) lines; a score sheet as one line per
    criterion whose answer changed (labelled 各项评分·需求分析), the others left out."""
    if not (isinstance(old, dict) and isinstance(new, dict)):
        return [(label, _said(old), _said(new))]
    rules = default_rules()
    names = {c.code: c.label_zh for c in (*rules.review.criteria, *rules.assessment.criteria)}
    return [
        (f"{label}·{names.get(code, code)}", _answer(old.get(code)), _answer(value))
        for code, value in new.items()
        if not _same(old.get(code), value)
    ]


def _answer(value: Any) -> str:
    """A sheet's answer as people read it: 9, 不适用, 计划数 10 / 实际数 9."""
    if isinstance(value, dict):
        return " / ".join(f"{FACT_ZH.get(k, k)} {v}" for k, v in value.items())
    if value is None or is_not_applicable(value):
        return "不适用"
    return str(value)


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
        names = {f.name: f.zh for f in rule.fields} if rule else {}
        lines = tuple(
            ChangeLine(label, old, new)
            for n, v in correction.new_values.items()
            for label, old, new in field_changes(names.get(n, n), correction.old_values.get(n), v)
        )
        corrections.append(
            ChangeView(
                number=correction.number,
                what=f"{rule.zh if rule else correction.kind} {correction.record_key}",
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
            ChangeLine(AMENDED_ZH[n], _said(amendment.old_values.get(n)), _said(v))
            for n, v in amendment.changed_terms().items()
        )
        amendments.append(
            ChangeView(
                number=amendment.number,
                what="合同变更",
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
                (f"{kind}.{f.name}", f"{rule.zh}：{f.zh}") for f in rule.fields if f.type != "sheet"
            )
    return offered
