"""Build an evaluation record's plain data from the database.

A record is a JSON-ready dict (text, numbers as decimal strings, ISO dates, lists and
dicts): it is what the template prints, what travels inside the PDF, and what the
verification code hashes. No ORM row leaves this module.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from procure.domain.audit_chain import canonical_json
from procure.domain.dates import chinese_period
from procure.domain.errors import NotFound
from procure.domain.money import quantize2, yuan_in_capitals
from procure.reports.assessment_data import (
    assessment_section,
    decision_section,
    reason_zh,
    scorecards_section,
)
from procure.reports.attachments_data import attachments_section
from procure.reports.changes_data import changes_sections
from procure.reports.notices_data import notices_of
from procure.reports.panel_data import panel_section
from procure.reports.record_text import CHINA, china_date, prose
from procure.store import audit, queries
from procure.store.models import (
    Contract,
    Organization,
    Project,
    Purchaser,
    TransitionLog,
)
from procure.workflow.rules import Rules, default_rules

RECORD_FORMAT = "procure-evaluation-record/4"


_RECTIFICATION_TRIGGERS = ("require_rectification", "accept_rectification")


def verification_code(record: dict[str, Any]) -> str:
    """Return the record's verification code: SHA-256 of its canonical JSON, in hex."""
    return hashlib.sha256(canonical_json(record).encode()).hexdigest()


def record_codes(session: Session, *, year: int, purchaser: str | None = None) -> list[str]:
    """Return the codes of the year's projects that have a contract (and so a record).

    Raises:
        NotFound: an unknown purchaser.
    """
    statement = (
        select(Project.code)
        .join(Contract, col(Contract.project_id) == col(Project.id))
        .where(Project.year == year)
    )
    if purchaser is not None:
        buyer = queries.purchaser_by_code(session, purchaser)
        statement = statement.where(Project.purchaser_id == buyer.id)
    return list(session.exec(statement.order_by(col(Project.code))))


def build_record(session: Session, code: str, *, rules: Rules | None = None) -> dict[str, Any]:
    """Gather everything one evaluation record prints, as plain JSON-ready data.

    Args:
        session: an open session; nothing is written.
        code: the project code, e.g. ``SM-2019-001``.
        rules: the loaded configuration (the installed one by default).

    Returns:
        The record: purchaser, organization, project, contract, panel, inspections,
        rectifications, payments, assessment, decision, scorecards and its date.

    Raises:
        NotFound: an unknown project, or a project without a contract.
    """
    rules = rules or default_rules()
    project = queries.project_by_code(session, code)
    contract = queries.contract_of(session, project)
    if contract is None:
        raise NotFound(f"project {code} has no contract, so it has no evaluation record")
    purchaser = session.get(Purchaser, project.purchaser_id)
    organization = session.get(Organization, contract.organization_id)
    assert purchaser is not None and organization is not None
    history = audit.rows_for_project(session, code)
    assessment = queries.final_assessment(session, project) or queries.latest_assessment(
        session, project
    )
    record: dict[str, Any] = {
        "format": RECORD_FORMAT,
        "purchaser": {"code": purchaser.code, "name": purchaser.name},
        "organization": {"name": organization.name, "uscc": organization.uscc},
        "project": {
            "code": project.code,
            "year": project.year,
            "title": project.title,
            "purpose": prose(project.purpose),
            "budget": project.budget,
            "state": project.state,
            "state_zh": rules.engine.definition.state(project.state).zh,
        },
        "contract": _contract(contract),
        "panel": panel_section(session, project, organization, rules),
        "notices": notices_of(session, project),
        "inspections": _inspections(session, project),
        "rectifications": _rectifications(history),
        "payments": _payments(session, contract),
        "assessment": assessment_section(session, project, rules),
        "comments": [
            {
                "text": c.text,
                "acknowledged": c.acknowledged,
                "on": c.commented_on or china_date(c.recorded_at),
            }
            for c in queries.comments_of(session, project)
        ],
        "decision": decision_section(project.state, assessment, rules),
        "scorecards": scorecards_section(session, project, rules),
        "as_of": _as_of(history),
        **changes_sections(session, project, contract),
        **attachments_section(session, project, contract),
    }
    plain: dict[str, Any] = json.loads(canonical_json(record))
    return plain


def _contract(contract: Contract) -> dict[str, Any]:
    return {
        "number": contract.number,
        "amount": contract.amount,
        "amount_capitals": yuan_in_capitals(contract.amount),
        "start": contract.start_on,
        "end": contract.end_on,
        "period_zh": chinese_period(contract.start_on, contract.end_on),
        "signed_on": contract.signed_on,
    }


def _inspections(session: Session, project: Project) -> list[dict[str, Any]]:
    from procure.store.models import Inspection

    statement = (
        select(Inspection)
        .where(Inspection.project_id == project.id)
        .order_by(col(Inspection.inspected_on), col(Inspection.id))
    )
    return [
        {
            "on": i.inspected_on,
            "inspector": i.inspector,
            "findings": i.findings,
            "rectification_required": i.rectification_required,
        }
        for i in session.exec(statement)
    ]


def _rectifications(history: list[TransitionLog]) -> list[dict[str, Any]]:
    """Rectification steps from the audit trail: required, accepted, or dropped after it."""
    steps = []
    for row in history:
        ends_rectification = row.from_state == "rectifying"
        if row.trigger in _RECTIFICATION_TRIGGERS or ends_rectification:
            steps.append(
                {
                    "on": china_date(datetime.fromisoformat(row.at.replace("Z", "+00:00"))),
                    "trigger": row.trigger,
                    "actor": row.actor,
                    "reason": row.reason,
                    "reason_zh": reason_zh(row.reason),
                }
            )
    return steps


def _payments(session: Session, contract: Contract) -> dict[str, Any]:
    payments = queries.payments_of(session, contract)
    paid = quantize2(sum((p.amount for p in payments), Decimal(0)))
    return {
        "items": [
            {"tranche": p.tranche, "on": p.paid_on, "amount": p.amount, "note": p.note}
            for p in payments
        ],
        "paid": paid,
        "outstanding": quantize2(contract.amount - paid),
    }


def _as_of(history: list[TransitionLog]) -> str:
    """The moment of the project's last recorded step (the record's date), in China time."""
    if not history:
        return datetime(1970, 1, 1, tzinfo=UTC).isoformat()
    last = datetime.fromisoformat(history[-1].at.replace("Z", "+00:00"))
    return last.astimezone(CHINA).replace(microsecond=0).isoformat()
