"""The plain data of each view, filtered through a viewer's :class:`ProjectGate`.

Each function takes what a read-only view returns (dicts and lists) and leaves out whatever
the viewer may not see: a hidden fact is absent, never shown as "hidden", so a reader cannot
tell it from one that does not exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from procure.domain.documents import ATTACH_TRIGGER, SEEN_AS
from procure.domain.panel import RECUSED
from procure.services.visibility.changes import Corrected, change_row_visible
from procure.services.visibility.gate import ProjectGate

ANONYMOUS_REVIEWER = "评审专家"
"""How a reviewer is named where the sheet may be seen but not who wrote it."""

_HISTORY_KINDS = {
    "add_proposal": "proposal",
    "record_review": "review_sheet",
    "record_recusal": "recusal",
    "award": "award",
    "lodge_objection": "objection",
    "uphold_objection": "objection",
    "reject_objection": "objection",
    "sign_contract": "contract",
    "record_payment": "payment",
    "record_inspection": "inspection",
    "require_rectification": "inspection",
    "accept_rectification": "inspection",
    "record_assessment": "assessment",
    "finalize_assessment": "assessment",
    "renew": "assessment",
    "drop": "assessment",
    "record_comment": "organization_comment",
}
"""The kind of fact each trigger's audit row records; a row of any other trigger is a step of
the process, decided by ``audit_row`` alone."""

_CONTRACT_LIFE = frozenset(
    {"contract", "payment", "inspection", "assessment", "organization_comment"}
)


def history_kind(trigger: str) -> str:
    """The kind of fact an audit row of ``trigger`` records."""
    return _HISTORY_KINDS.get(trigger, "audit_row")


def gated_history(
    gate: ProjectGate, rows: list[dict[str, Any]], corrected: Mapping[int, Corrected]
) -> list[dict[str, Any]]:
    """The audit rows of one project the viewer may see: each needs ``audit_row`` and the
    kind of fact it records; a reviewer's row also needs the reviewer's identity; a
    correction's row, the correction and what it corrects (``corrected``, by number)."""
    return [
        row
        for row in rows
        if row_visible(gate, str(row["trigger"]), str(row["actor"]), row["data"], corrected)
    ]


def row_visible(
    gate: ProjectGate, trigger: str, actor: str, data: Any, corrected: Mapping[int, Corrected]
) -> bool:
    """Whether the viewer may see one audit row of the gate's project (see
    :func:`gated_history`); ``data`` is the row's facts, naming the organization or the
    correction's number."""
    if not gate.sees("audit_row"):
        return False
    change = change_row_visible(gate, trigger, data, corrected)
    if change is not None:
        return change
    kind = history_kind(trigger)
    facts = data if isinstance(data, dict) else {}
    if trigger == ATTACH_TRIGGER:  # an upload is seen as the files of its fact's kind
        seen_as = SEEN_AS.get(str(facts.get("fact_kind")))
        if seen_as is None:  # a row that names no kind of fact: the staff's alone
            return bool(gate.staff)
        return gate.sees(seen_as, owner=facts.get("organization"))
    owner = gate.awarded if kind in _CONTRACT_LIFE else facts.get("organization")
    author = actor if kind in ("review_sheet", "recusal") else None
    if not gate.sees(kind, owner=owner, author=author):
        return False
    return author is None or gate.sees("reviewer_identity", author=author)


def gated_detail(gate: ProjectGate, detail: dict[str, Any]) -> dict[str, Any]:
    """A project's detail (``project_detail``) as the viewer may see it."""
    proposals = [
        _gated_proposal(gate, p)
        for p in detail["proposals"]
        if gate.sees("proposal", owner=p["uscc"])
    ]
    contract = detail["contract"]
    owner = contract["uscc"] if contract else gate.awarded
    if contract is not None:
        contract = (
            {
                **contract,
                "payments": contract["payments"] if gate.sees("payment", owner=owner) else [],
            }
            if gate.sees("contract", owner=owner)
            else None
        )
    inspections = detail["inspections"] if gate.sees("inspection", owner=owner) else []
    assessment = detail["assessment"] if gate.sees("assessment", owner=owner) else None
    return {
        **detail,
        "proposals": proposals,
        "contract": contract,
        "inspections": inspections,
        "assessment": assessment,
    }


def _gated_proposal(gate: ProjectGate, proposal: dict[str, Any]) -> dict[str, Any]:
    owner = proposal["uscc"]
    reviews = [
        {**review, "reviewer": _reviewer_label(gate, review["reviewer"])}
        for review in proposal["reviews"]
        if _sheet_visible(gate, owner, review["reviewer"], bool(review["recused"]))
    ]
    score = proposal["panel_score"] if gate.sees("panel_result", owner=owner) else None
    return {**proposal, "reviews": reviews, "panel_score": score}


def _sheet_visible(gate: ProjectGate, owner: str, reviewer: str, recused: bool) -> bool:
    if not gate.sees("review_sheet", owner=owner, author=reviewer):
        return False
    return not recused or gate.sees("recusal", owner=owner, author=reviewer)


def _reviewer_label(gate: ProjectGate, reviewer: str) -> str:
    return reviewer if gate.sees("reviewer_identity", author=reviewer) else ANONYMOUS_REVIEWER


def gated_panel(gate: ProjectGate, panel: dict[str, Any]) -> dict[str, Any]:
    """The review panel page's data (``panel_page``) as the viewer may see it.

    Where the viewer may not see a proposal's result, its rank, score, sheet count, pass and
    award check are left out, and the proposals keep their registration order (the ranking's
    order would tell the result).
    """
    proposals = []
    for proposal in panel["proposals"]:
        owner = proposal["uscc"]
        if not gate.sees("proposal", owner=owner):
            continue
        entry = dict(proposal)
        entry["sheets"] = [
            {**sheet, "reviewer": _reviewer_label(gate, sheet["reviewer"])}
            for sheet in proposal["sheets"]
            if _panel_sheet_visible(gate, owner, sheet)
        ]
        entry["result_visible"] = gate.sees("panel_result", owner=owner)
        if not entry["result_visible"]:
            entry.update(
                rank=None,
                score=None,
                valid_sheets=None,
                quorum_met=None,
                trimmed=False,
                passes=None,
                may_award=False,
                award_blocked_by=[],
            )
        if not gate.sees("spread_flags", owner=owner):
            entry["flags"] = []
        proposals.append(entry)
    if not all(p["result_visible"] for p in proposals):
        proposals.sort(key=lambda p: p["order"])
    return {**panel, "proposals": proposals}


def _panel_sheet_visible(gate: ProjectGate, owner: str, sheet: dict[str, Any]) -> bool:
    reviewer = sheet["reviewer"]
    if sheet["total"] is None:  # a recusal declared before any sheet
        return gate.sees("recusal", owner=owner, author=reviewer)
    return _sheet_visible(gate, owner, reviewer, sheet["status"] == RECUSED)
