"""What a guard or an effect sees when a trigger fires on one project."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from procure.store.models import Project

if TYPE_CHECKING:
    from procure.store.audit import AuditEntry
    from procure.workflow.configuration import Configuration


@dataclass(frozen=True)
class Actor:
    """An account (or script) acting in one role.

    ``name`` is the account's login; ``display`` its display name once the services
    have checked the account (audit rows carry both).
    """

    name: str
    role: str
    display: str = ""


@dataclass
class ActionContext:
    """One firing of one trigger on one project, inside one database transaction.

    Guards read it and return a refusal reason or ``None``; effects record facts
    and add what they recorded to ``audit_data`` for the transition log.
    ``facts`` holds what a bulk caller already loaded for many projects at once
    (e.g. ``final_assessment``), so a guard need not query it again row by row.
    ``audit_after`` holds log rows an effect wants chained right after the
    transition's own (e.g. the creation of the next year's project).
    """

    session: Session
    rules: Configuration
    project: Project
    actor: Actor
    trigger: str
    params: dict[str, Any]
    reason: str
    at: datetime
    batch_id: str | None = None
    refusals: list[str] = field(default_factory=list)
    audit_data: dict[str, Any] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)
    audit_after: list[AuditEntry] = field(default_factory=list)
