"""The rows a year-end run writes for each decided contract: the judged state, the transition
and creation audit rows, in the shapes the bulk statements take."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from procure.domain.language import _
from procure.services.browse.labels import state_label
from procure.services.lifecycle import successor
from procure.services.lifecycle.clock import now_utc
from procure.services.renewal.plan import (
    REFUSED,
    Planned,
    Recheck,
)
from procure.store import renewal_rows as rows
from procure.store.audit import AuditEntry
from procure.workflow.context import Actor

DONE = "done"


@dataclass(frozen=True, slots=True)
class RenewalResult:
    """What applying one planned item did: ``done``, ``refused``, ``decide`` (left for the
    officer: a barred renewal) or ``skipped`` (and why)."""

    project: str
    action: str
    status: str
    reason: str
    next_project: str | None = None


def judged(
    chunk: list[Planned], locked: dict[int, rows.LockedProject], recheck: Recheck
) -> tuple[list[RenewalResult], list[Planned]]:
    """Each item's result as judged now, and the items to write (in chunk order)."""
    results: list[RenewalResult] = []
    moving: list[Planned] = []
    for planned in chunk:
        item, current = planned.item, locked.get(planned.row.project_id)
        if current is None or current.state != planned.row.state:
            if current is None:
                why = _("The project no longer exists")
            else:
                why = _("Already decided: %(state)s", state=state_label(current.state))
            results.append(RenewalResult(item.project, item.action, "skipped", why))
            continue
        refusal = recheck.refusal(planned)
        item = planned.item
        if refusal is not None:
            results.append(RenewalResult(item.project, item.action, REFUSED, refusal))
            continue
        moving.append(planned)
        results.append(
            RenewalResult(item.project, item.action, DONE, item.reason, item.next_project)
        )
    return results, moving


def to_write(
    moving: list[Planned],
    locked: dict[int, rows.LockedProject],
    actor: Actor,
    batch_id: str | None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[AuditEntry]]:
    """The next-year projects, bars and audit entries of the items to write, in order."""
    at = now_utc()
    projects: list[dict[str, Any]] = []
    bars: list[dict[str, Any]] = []
    entries: list[AuditEntry] = []
    for planned in moving:
        entries.append(_entry(planned, actor, at, batch_id))
        if planned.create_next:
            next_row = planned.next_project_row(locked[planned.row.project_id])
            projects.append(next_row)
            entries.append(_creation_entry(planned, next_row, actor, at, batch_id))
        if planned.insert_bar:
            bars.append(planned.bar_row())
    return projects, bars, entries


def _entry(planned: Planned, actor: Actor, at: datetime, batch_id: str | None) -> AuditEntry:
    return AuditEntry(
        actor=actor.name,
        role=actor.role,
        actor_name=actor.display,
        trigger=planned.trigger,
        at=at,
        project_code=planned.item.project,
        from_state=planned.row.state,
        to_state=planned.to_state,
        reason=planned.record,
        data=planned.audit_data(),
        batch_id=batch_id,
    )


def _creation_entry(
    planned: Planned,
    next_row: dict[str, Any],
    actor: Actor,
    at: datetime,
    batch_id: str | None,
) -> AuditEntry:
    return successor.creation_entry(
        next_row,
        renewed_from=planned.item.project,
        purchaser=planned.purchaser_code,
        organization=planned.item.uscc,
        actor=actor,
        at=at,
        batch_id=batch_id,
    )
