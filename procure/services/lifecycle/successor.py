"""The next year's project of a renewed contract: one rule for every path to ``renewed``.

A project reaches ``renewed`` by ``renew``, by ``accept_rectification`` or in the
year-end run (:mod:`procure.services.renewal.run`). Each path builds the next
year's project with the functions here: the same code rule (:func:`next_code`),
awarded to the same organization with the contract terms carried forward
(:func:`successor_row`), the same ``create`` audit row (:func:`creation_entry`).
The year-end run writes many at once with bulk statements; the per-project
effects call :func:`create_successor`. A project has at most one successor
(``project.previous_project_id`` is unique): renewing links an existing one.

A renewal is refused when the organization is barred from the purchaser's next
year: that rule, and the terms a renewed project carries, live one floor down in
:mod:`procure.workflow.next_year`, where the guards read them.
"""

from __future__ import annotations

from collections.abc import Container, Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, select

from procure.domain.errors import Refused
from procure.domain.language import _
from procure.store import queries
from procure.store.audit import AuditEntry
from procure.store.models import Organization, Project, Purchaser
from procure.workflow.context import Actor
from procure.workflow.engine import refusal
from procure.workflow.rules import default_rules

MAX_CODE = 32
SUCCESSOR_STATE = "awarded"
CREATE_TRIGGER = "create"


def next_year_day(day: date) -> date:
    """The same calendar day a year later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def candidate_codes(code: str, year: int) -> Iterator[str]:
    """The next year's codes to try, in order: SM-2019-001 → SM-2020-001, SM-R-2020-001, SM-R2-…

    A code not of the form ``PREFIX-YEAR-NUMBER`` gets the next year appended.
    Codes longer than the column allows are not offered.
    """
    parts = code.rsplit("-", 2)
    if len(parts) == 3 and parts[1].isdigit():
        prefix, suffix = parts[0], f"-{year + 1}-{parts[2]}"
    else:
        prefix, suffix = code, f"-{year + 1}"
    for attempt in range(1, 100):
        marker = "" if attempt == 1 else ("-R" if attempt == 2 else f"-R{attempt - 1}")
        candidate = f"{prefix}{marker}{suffix}"
        if len(candidate) > MAX_CODE:
            return
        yield candidate


def next_code(code: str, year: int, taken: Container[str]) -> str | None:
    """The first of :func:`candidate_codes` not in ``taken``, or None when all are."""
    return next((c for c in candidate_codes(code, year) if c not in taken), None)


def no_code_reason(code: str, year: int) -> str:
    """Why a renewal cannot create its successor: every candidate code is taken."""
    return _("no free %(year)s code for %(code)s", year=year + 1, code=code)


def successor_row(
    *,
    code: str,
    previous_id: int,
    year: int,
    title: str,
    purpose: str,
    purchaser_id: int,
    organization_id: int,
    amount: Decimal,
    start_on: date,
    end_on: date,
) -> dict[str, Any]:
    """The next year's project row (columns of ``project``) renewing a ``year`` contract."""
    return {
        "code": code,
        "year": year + 1,
        "title": title,
        "purpose": purpose,
        "purchaser_id": purchaser_id,
        "budget": amount,
        "state": SUCCESSOR_STATE,
        "version": 1,
        "awarded_organization_id": organization_id,
        "previous_project_id": previous_id,
        "carried_amount": amount,
        "carried_start_on": next_year_day(start_on),
        "carried_end_on": next_year_day(end_on),
    }


def creation_entry(
    row: Mapping[str, Any],
    *,
    renewed_from: str,
    purchaser: str,
    organization: str,
    actor: Actor,
    at: datetime,
    batch_id: str | None,
) -> AuditEntry:
    """The audit row recording the creation of ``row`` (purchaser code, organization USCC)."""
    return AuditEntry(
        actor=actor.name,
        role=actor.role,
        actor_name=actor.display,
        trigger=CREATE_TRIGGER,
        at=at,
        project_code=row["code"],
        to_state=row["state"],
        reason=f"renewal of {renewed_from}",
        data={
            "year": row["year"],
            "purchaser": purchaser,
            "title": row["title"],
            "purpose": row["purpose"],
            "budget": row["budget"],
            "renewed_from": renewed_from,
            "organization": organization,
            "amount": row["carried_amount"],
            "start": row["carried_start_on"],
            "end": row["carried_end_on"],
        },
        batch_id=batch_id,
    )


def create_successor(
    session: Session,
    project: Project,
    trigger: str,
    actor: Actor,
    at: datetime,
    batch_id: str | None,
) -> tuple[str, AuditEntry | None]:
    """Create ``project``'s next-year project, or find the one it already has.

    Returns:
        The successor's code, and the ``create`` audit row to chain after the
        transition's own (None when the successor already existed).

    Raises:
        Refused: every candidate code is taken.
    """
    assert project.id is not None
    following = select(Project).where(Project.previous_project_id == project.id)
    existing = session.exec(following).first()
    if existing is not None:
        return existing.code, None
    contract = queries.contract_of(session, project)
    assert contract is not None, "a renewed project has a contract"
    candidates = list(candidate_codes(project.code, project.year))
    taken = set(session.exec(select(Project.code).where(col(Project.code).in_(candidates))))
    code = next_code(project.code, project.year, taken)
    if code is None:
        step = default_rules().definition.transitions_for(trigger)[0].label
        raise Refused(refusal(step, no_code_reason(project.code, project.year)))
    organization = session.get(Organization, contract.organization_id)
    purchaser = session.get(Purchaser, project.purchaser_id)
    assert organization is not None and purchaser is not None
    row = successor_row(
        code=code,
        previous_id=project.id,
        year=project.year,
        title=project.title,
        purpose=project.purpose,
        purchaser_id=project.purchaser_id,
        organization_id=contract.organization_id,
        amount=contract.amount,
        start_on=contract.start_on,
        end_on=contract.end_on,
    )
    session.connection().execute(insert(Project.__table__), [row])  # type: ignore[attr-defined]
    entry = creation_entry(
        row,
        renewed_from=project.code,
        purchaser=purchaser.code,
        organization=organization.uscc,
        actor=actor,
        at=at,
        batch_id=batch_id,
    )
    return code, entry
