"""The award notices (中选结果公示) of a record's project and the objections (质疑) lodged
against them, with their answers, as plain data for the evaluation record."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from procure.domain.notices import OUTCOME_LABELS
from procure.store import notices
from procure.store.models import Organization, Project


def notices_of(session: Session, project: Project) -> list[dict[str, Any]]:
    """Every award notice of ``project``, oldest first, each with its objections."""
    objections = notices.objections_of(session, project)
    shown = []
    for notice in notices.notices_of(session, project):
        organization = session.get(Organization, notice.organization_id)
        assert organization is not None
        shown.append(
            {
                "number": notice.number,
                "organization": organization.name,
                "uscc": organization.uscc,
                "published_on": notice.published_on,
                "notice_ends_on": notice.notice_ends_on,
                "objections_close_on": notice.objections_close_on,
                "objections": [
                    objection_facts(row, unanswered_zh="未答复")
                    for row in objections
                    if row.notice.id == notice.id
                ],
            }
        )
    return shown


def objection_facts(row: notices.ObjectionRow, *, unanswered_zh: str) -> dict[str, Any]:
    """An objection and its answer as plain facts (``unanswered_zh`` names a missing answer)."""
    answer = row.answer
    return {
        "organization": row.organization.name,
        "uscc": row.organization.uscc,
        "text": row.objection.text,
        "lodged_on": row.objection.lodged_on,
        "document_ref": row.objection.document_ref,
        "outcome": answer.outcome if answer else None,
        "outcome_zh": OUTCOME_LABELS[answer.outcome] if answer else unanswered_zh,
        "reason": answer.reason if answer else None,
        "answered_on": answer.answered_on if answer else None,
    }
