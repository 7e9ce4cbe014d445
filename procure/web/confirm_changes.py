"""What a correction, an amendment, an approval or a refusal will do, restated on the
confirmation page (:mod:`procure.web.confirm`, issue 21 item 5) before it is done.

Each is first rehearsed by its service (checked, then rolled back), so a refusal is shown
at once and the page restates exactly what the service would store: the record, the old
and the new values, the reason, whether a second person must still approve it, and what
cannot be undone afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlmodel import Session, col, func, select

from procure.domain.money import format_yuan
from procure.services.corrections.amend import AmendmentResult
from procure.services.corrections.correct import CorrectionResult
from procure.services.corrections.views import field_changes
from procure.store.models import TransitionLog
from procure.workflow.rules import default_corrections

AMENDED_ZH = {
    "amount": "合同金额",
    "start": "服务开始日期",
    "end": "服务结束日期",
    "scope": "服务内容",
}
"""An amended term's label."""


@dataclass(frozen=True)
class Change:
    """One kind of change confirmed in the browser: its names, button and what is final."""

    zh: str
    en: str
    irreversible: tuple[str, str]


CORRECT_NOW = Change(
    "更正记录",
    "Correct a record",
    (
        "更正一经提交即记入审计记录并立即生效，不能撤销或删除；原值和理由将一直保留，"
        "更正有误只能再次更正。",
        "The correction is recorded in the audit trail and counts at once; it cannot be undone "
        "or deleted, the old value and the reason stay visible, and a wrong correction is "
        "fixed only by another one.",
    ),
)
CORRECT_FOR_APPROVAL = Change(
    "更正记录",
    "Correct a record",
    (
        "更正一经提交即记入审计记录，不能删除；审批前你可以撤回，审批后立即生效，不能撤销，"
        "原值和理由将一直保留。",
        "The correction is recorded in the audit trail for good; you may withdraw it until it "
        "is approved, after which it counts and cannot be undone; the old value and the "
        "reason stay visible.",
    ),
)
AMEND = Change(
    "提出合同变更",
    "Propose a contract amendment",
    (
        "变更提议一经提交即记入审计记录，不能删除；分管领导审批前你可以撤回，审批后合同按"
        "变更后的条款执行，不能撤销，只能再次变更。",
        "The proposal is recorded in the audit trail for good; you may withdraw it until it is "
        "approved, after which the contract is held to the amended terms and only a later "
        "amendment changes them.",
    ),
)
APPROVE_CORRECTION = Change(
    "审批更正",
    "Approve a correction",
    (
        "审批后更正立即生效，不能撤销；数值只能再次更正。",
        "Once approved the correction counts and cannot be undone; only a later correction "
        "changes the value again.",
    ),
)
APPROVE_AMENDMENT = Change(
    "审批合同变更",
    "Approve a contract amendment",
    (
        "审批后合同按变更后的条款执行，不能撤销；只能再次变更。",
        "Once approved the contract is held to the amended terms; it cannot be undone, only "
        "amended again.",
    ),
)
REFUSE = Change(
    "驳回或撤回",
    "Refuse or withdraw",
    (
        "驳回（或撤回）后该提议永不生效，不能恢复；如仍需要，只能重新提出。",
        "A refused or withdrawn proposal never counts and cannot be revived; propose it again "
        "if it is still wanted.",
    ),
)


def project_seq(session: Session, code: str) -> int:
    """The last audit row of project ``code``: a confirmation is bound to it, so a replayed
    or stale confirmation (after any change to the project) is asked again."""
    statement = select(func.max(col(TransitionLog.seq))).where(TransitionLog.project_code == code)
    return int(session.exec(statement).one() or 0)


MONEY_FIELDS = frozenset({"amount", "price"})
"""Fields restated as money, as the pages write it (¥868,000.00)."""


def _said(name: str, value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if name in MONEY_FIELDS:
        try:
            return format_yuan(Decimal(str(value)))
        except InvalidOperation:
            return str(value)
    return str(value)


def _lines(
    labels: dict[str, str], old: dict[str, Any], new: dict[str, Any]
) -> list[tuple[str, str]]:
    rows = []
    for name, value in new.items():
        for label, was, now in field_changes(labels.get(name, name), old.get(name), value):
            if isinstance(value, dict):  # a score sheet: its criteria, as the pages say them
                rows.append((f"{label}（原值 → 新值）", f"{was} → {now}"))
            else:
                rows.append(
                    (
                        f"{label}（原值 → 新值）",
                        f"{_said(name, old.get(name))} → {_said(name, value)}",
                    )
                )
    return rows


def correction_restated(result: CorrectionResult, reason: str) -> list[tuple[str, str]]:
    """The correction's record, old and new values, reason, and when it counts."""
    rule = default_corrections().kinds.get(result.kind)
    labels = {f.name: f.zh for f in rule.fields} if rule else {}
    kind_zh = rule.zh if rule else result.kind
    rows = [("更正事项", f"{kind_zh}（{result.record}）"), *_lines(labels, result.old, result.new)]
    if reason:
        rows.append(("理由", reason))
    return rows


def counts_when(waits_for: str | None) -> tuple[str, str]:
    """When the change counts: at once, or after the approver's approval."""
    if waits_for is None:
        return ("生效", "提交即生效")
    return ("生效", f"待「{waits_for}」审批后生效")


def amendment_restated(result: AmendmentResult, reason: str = "") -> list[tuple[str, str]]:
    """The amendment's number, old and new terms, rationale (and a refusal's reason)."""
    rows = [("合同变更", f"第 {result.number} 号"), *_lines(AMENDED_ZH, result.old, result.new)]
    rows.append(("变更理由", result.rationale))
    if reason:
        rows.append(("驳回或撤回理由", reason))
    return rows
