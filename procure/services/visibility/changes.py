"""Corrections (更正) and contract amendments (合同变更) through the gate.

A correction is seen by a viewer the policy lets see ``correction`` *and* the fact it corrects
(a payment's correction is a payment fact; a review sheet's, that sheet and who wrote it). An
amendment is a fact of the contract's life: ``amendment`` and ``contract`` of the awarded
organization. The history's rows of corrections and amendments follow the same rule, found
by the correction's number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlmodel import Session

from procure.services.corrections.correct import corrections_of
from procure.services.corrections.records import MODELS
from procure.services.corrections.views import ProjectChanges
from procure.services.visibility.gate import ProjectGate
from procure.store.models import Organization, Project, Proposal
from procure.store.notice_models import Objection

CORRECTION_TRIGGERS = frozenset({"correct", "approve_correction", "refuse_correction"})
AMENDMENT_TRIGGERS = frozenset({"amend_contract", "approve_amendment", "refuse_amendment"})
CHANGE_TRIGGERS = CORRECTION_TRIGGERS | AMENDMENT_TRIGGERS

_FACT_OF_KIND = {
    "proposal": "proposal",
    "review": "review_sheet",
    "recusal": "recusal",
    "contract": "contract",
    "payment": "payment",
    "inspection": "inspection",
    "rectification": "inspection",
    "comment": "organization_comment",
    "assessment": "assessment",
    "objection_answer": "objection",
}
"""The kind of fact each kind of correctable record is (workflows/corrections.yaml kinds)."""


@dataclass(frozen=True)
class Corrected:
    """What one correction corrects, as the gate reads it: the fact's kind, the organization
    it is about (a USCC; None: the awarded one) and the reviewer who wrote it."""

    kind: str
    owner: str | None = None
    author: str | None = None


def corrected_facts(session: Session, project: Project) -> dict[int, Corrected]:
    """What each of the project's corrections corrects, by the correction's number.

    A kind this module does not know is a fact of its own that no policy line names, and
    is shown to no one rather than guessed (``audit_row`` would be too wide)."""
    found: dict[int, Corrected] = {}
    for correction in corrections_of(session, project):
        kind = _FACT_OF_KIND.get(correction.kind, "")
        model = MODELS.get(correction.kind)
        row = session.get(model, correction.record_id) if model is not None else None
        found[correction.number] = Corrected(kind, *_owner_and_author(session, kind, row))
    return found


def _owner_and_author(session: Session, kind: str, row: Any) -> tuple[str | None, str | None]:
    if row is None:
        return None, None
    if kind == "proposal":
        return _uscc(session, row.organization_id), None
    if kind in ("review_sheet", "recusal"):
        proposal = session.get(Proposal, row.proposal_id)
        owner = _uscc(session, proposal.organization_id) if proposal is not None else None
        return owner, str(row.reviewer)
    if kind == "objection":
        objection = session.get(Objection, row.objection_id)
        return (_uscc(session, objection.organization_id) if objection else None), None
    return None, None  # a fact of the contract's life: about the awarded organization


def _uscc(session: Session, organization_id: int | None) -> str | None:
    organization = session.get(Organization, organization_id) if organization_id else None
    return organization.uscc if organization is not None else None


def correction_visible(gate: ProjectGate, corrected: Corrected | None) -> bool:
    """Whether the viewer may see a correction of ``corrected`` (None: unknown, hidden)."""
    if corrected is None or not corrected.kind:
        return False
    owner = corrected.owner or gate.awarded
    author = corrected.author
    if not gate.sees("correction", owner=owner, author=author):
        return False
    if not gate.sees(corrected.kind, owner=owner, author=author):
        return False
    return author is None or gate.sees("reviewer_identity", author=author)


def amendment_visible(gate: ProjectGate) -> bool:
    """Whether the viewer may see the project's contract amendments."""
    owner = gate.awarded
    return gate.sees("amendment", owner=owner) and gate.sees("contract", owner=owner)


def gated_changes(
    gate: ProjectGate, changes: ProjectChanges, corrected: Mapping[int, Corrected]
) -> ProjectChanges:
    """A project's corrections and amendments (``project_changes``) as the viewer may see
    them; the forms it offers are the caller's (by role), untouched."""
    return replace(
        changes,
        corrections=tuple(
            c for c in changes.corrections if correction_visible(gate, corrected.get(c.number))
        ),
        amendments=changes.amendments if amendment_visible(gate) else (),
    )


def change_row_visible(
    gate: ProjectGate, trigger: str, data: Any, corrected: Mapping[int, Corrected]
) -> bool | None:
    """Whether the viewer may see an audit row of a correction or amendment (its number in
    ``data``); None for a row of any other trigger."""
    if trigger in AMENDMENT_TRIGGERS:
        return amendment_visible(gate)
    if trigger in CORRECTION_TRIGGERS:
        number = data.get("number") if isinstance(data, dict) else None
        return isinstance(number, int) and correction_visible(gate, corrected.get(number))
    return None
