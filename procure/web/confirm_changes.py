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

from procure.domain.language import N_, _, pgettext
from procure.domain.money import format_yuan
from procure.services.corrections.amend import AmendmentResult
from procure.services.corrections.correct import CorrectionResult
from procure.services.corrections.said import record_said
from procure.services.corrections.views import amended_label, field_changes
from procure.store.models import TransitionLog
from procure.workflow.rules import default_corrections


@dataclass(frozen=True)
class Change:
    """One kind of change confirmed in the browser: its name and what is final (in English,
    translated where they are shown)."""

    name: str
    irreversible: str

    @property
    def label(self) -> str:
        """The change's name in the language in use."""
        return _(self.name)

    @property
    def final(self) -> str:
        """What cannot be undone, in the language in use."""
        return _(self.irreversible)


CORRECT_NOW = Change(
    N_("Correct a record"),
    N_(
        "The correction is recorded in the audit trail and counts at once; it cannot be undone "
        "or deleted, the old value and the reason stay visible, and a wrong correction is "
        "fixed only by another one."
    ),
)
CORRECT_FOR_APPROVAL = Change(
    N_("Correct a record"),
    N_(
        "The correction is recorded in the audit trail for good; you may withdraw it until it "
        "is approved, after which it counts and cannot be undone; the old value and the "
        "reason stay visible."
    ),
)
AMEND = Change(
    N_("Propose a contract amendment"),
    N_(
        "The proposal is recorded in the audit trail for good; you may withdraw it until it is "
        "approved, after which the contract is held to the amended terms and only a later "
        "amendment changes them."
    ),
)
APPROVE_CORRECTION = Change(
    N_("Approve a correction"),
    N_(
        "Once approved the correction counts and cannot be undone; only a later correction "
        "changes the value again."
    ),
)
APPROVE_AMENDMENT = Change(
    N_("Approve a contract amendment"),
    N_(
        "Once approved the contract is held to the amended terms; it cannot be undone, only "
        "amended again."
    ),
)
REFUSE = Change(
    N_("Refuse or withdraw"),
    N_(
        "A refused or withdrawn proposal never counts and cannot be revived; propose it again "
        "if it is still wanted."
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
        return _("(empty)")
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
            said = _("%(field)s (old value → new value)", field=label)
            if isinstance(value, dict):  # a score sheet: its criteria, as the pages say them
                rows.append((said, f"{was} → {now}"))
            else:
                rows.append((said, f"{_said(name, old.get(name))} → {_said(name, value)}"))
    return rows


def correction_restated(result: CorrectionResult, reason: str) -> list[tuple[str, str]]:
    """The correction's record, old and new values, reason, and when it counts."""
    rule = default_corrections().kinds.get(result.kind)
    labels = {f.name: f.label for f in rule.fields} if rule else {}
    kind = rule.label if rule else result.kind
    record = _("%(kind)s: %(record)s", kind=kind, record=record_said(result.record))
    rows = [(_("What to correct"), record), *_lines(labels, result.old, result.new)]
    if reason:
        rows.append((pgettext("change", "Reason"), reason))
    return rows


def counts_when(waits_for: str | None) -> tuple[str, str]:
    """When the change counts: at once, or after the approver's approval."""
    if waits_for is None:
        return (pgettext("change", "In force"), _("As soon as it is submitted"))
    return (pgettext("change", "In force"), _("Once the %(role)s approves it", role=waits_for))


def amendment_restated(result: AmendmentResult, reason: str = "") -> list[tuple[str, str]]:
    """The amendment's number, old and new terms, rationale (and a refusal's reason)."""
    labels = {term: amended_label(term) for term in result.new}
    number = pgettext("change", "No. %(number)s", number=result.number)
    rows = [
        (pgettext("change", "Contract amendment"), number),
        *_lines(labels, result.old, result.new),
    ]
    rows.append((_("Reason for the amendment"), result.rationale))
    if reason:
        rows.append((_("Reason for refusing or withdrawing"), reason))
    return rows
