"""The evaluation record's corrections (更正) and contract amendments (合同变更) section.

Each correction or amendment shows the values it replaced beside the new ones, its reason,
who proposed and who approved it, and whether it counts yet. A record of a project with
neither has no such keys, so its data (and verification code) is what it always was.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from procure.store.correction_models import ContractAmendment, Correction
from procure.store.models import Contract, Project
from procure.workflow.rules import default_corrections


def changes_sections(session: Session, project: Project, contract: Contract) -> dict[str, Any]:
    """``corrections`` and ``amendments`` of the record, each left out when there are none."""
    sections: dict[str, Any] = {}
    corrections = session.exec(
        select(Correction)
        .where(Correction.project_id == project.id)
        .order_by(col(Correction.number))
    ).all()
    kinds = default_corrections().kinds
    if corrections:
        sections["corrections"] = [
            {
                "number": c.number,
                "kind": c.kind,
                "kind_zh": kinds[c.kind].zh if c.kind in kinds else c.kind,
                "record": c.record_key,
                "fields_zh": _field_names(c.kind),
                "old": c.old_values,
                "new": c.new_values,
                "reason": c.reason,
                "proposed_by": c.proposed_by,
                "approval_role": c.approval_role,
                "decided_by": c.decided_by,
                "refusal": c.refusal,
                "state": c.state,
            }
            for c in corrections
        ]
    amendments = session.exec(
        select(ContractAmendment)
        .where(ContractAmendment.contract_id == contract.id)
        .order_by(col(ContractAmendment.number))
    ).all()
    if amendments:
        sections["amendments"] = [
            {
                "number": a.number,
                "old": a.old_values,
                "amount": a.amount,
                "start": a.start_on,
                "end": a.end_on,
                "scope": a.scope,
                "rationale": a.rationale,
                "proposed_by": a.proposed_by,
                "decided_by": a.decided_by,
                "refusal": a.refusal,
                "state": a.state,
            }
            for a in amendments
        ]
    return sections


def _field_names(kind: str) -> dict[str, str]:
    rule = default_corrections().kinds.get(kind)
    return {} if rule is None else {f.name: f.zh for f in rule.fields}
