"""The evaluation record's list of attached files (附件清单): name, size, SHA-256, who, when.

The record is offered to the contracted organization as well as to the purchaser's staff
and auditors (``evaluation_record`` in ``workflows/visibility.yaml``), so it lists the files
its organization may see once the project is done: its own facts' files (its proposal, its
comment, its objection), the contract's and the service's (as the winner), never another
bidder's proposal or objection files; the auditor's dossier carries every file. A record of
a project with no such file has no ``attachments`` key, so its data (and verification
code) is what it always was.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from procure.domain.documents import KINDS, SEEN_AS, size_text
from procure.domain.visibility import Moments
from procure.reports.record_text import china_date
from procure.store.document_models import Attachment
from procure.store.models import Contract, Project, Proposal
from procure.store.notice_models import Objection
from procure.store.trust_models import User
from procure.workflow.rules import default_rules

_DONE = Moments(own_sheets_done=True, awarded=True, contracted=True)


def attachments_section(session: Session, project: Project, contract: Contract) -> dict[str, Any]:
    """``attachments`` of the record (left out when the organization may see none)."""
    rows = session.exec(
        select(Attachment)
        .where(Attachment.project_id == project.id)
        .order_by(col(Attachment.number))
    ).all()
    shown = [row for row in rows if _shown(session, row, contract.organization_id)]
    if not shown:
        return {}
    logins = sorted({row.uploaded_by for row in shown})
    statement = select(User.login, User.name).where(col(User.login).in_(logins))
    names = {str(login): str(name) for login, name in session.exec(statement)}
    return {
        "attachments": [
            {
                "number": row.number,
                "fact_zh": KINDS.get(row.fact_kind, row.fact_kind),
                "name": row.name,
                "media_type": row.media_type,
                "size": row.size,
                "size_zh": size_text(row.size),
                "sha256": row.sha256,
                "uploaded_by": row.uploaded_by,
                "uploaded_by_name": names.get(row.uploaded_by, ""),
                "on": china_date(row.uploaded_at),
            }
            for row in shown
        ]
    }


def _shown(session: Session, row: Attachment, organization_id: int) -> bool:
    """Whether the contracted organization may see ``row`` once the project is done."""
    owner: int | None = organization_id
    if row.fact_kind == "proposal":
        proposal = session.get(Proposal, row.fact_id) if row.fact_id is not None else None
        owner = proposal.organization_id if proposal is not None else None
    elif row.fact_kind == "objection":
        objection = session.get(Objection, row.fact_id) if row.fact_id is not None else None
        owner = objection.organization_id if objection is not None else None
    relation = "own_organization" if owner == organization_id else "other_bidder"
    kind = SEEN_AS.get(row.fact_kind)
    return kind is not None and default_rules().visibility.allows(kind, {relation}, _DONE)
