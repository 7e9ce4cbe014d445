"""Does the trail explain the data? Replay the audit trail and compare it with the tables.

The hash chain proves the trail's own rows were not changed; it says nothing of
a contract amount edited in place, a deleted bar or a swapped awarded
organization. :func:`trail_differences` replays the trail in order
(:mod:`procure.services.trail.replay`), reads the business tables in the same
shape (:mod:`procure.services.trail.stored`) and names every difference: a
field whose stored value is not the one the trail implies, a row no trail row
explains, a row the trail records that is gone.

Databases written before the trail logged every fact get the missing facts
from migration 0005 (:func:`backfill_entries`): one ``backfill`` row per stored
row the trail did not fully describe, saying so in its reason. Those facts are
attested from the migration on, not before it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine
from sqlmodel import Session

from procure.services.trail.facts import Fact
from procure.services.trail.replay import BACKFILL, TrailReplay
from procure.services.trail.stored import bar_exists, stored_facts
from procure.store import audit, migrate
from procure.store.migrate import DataStep
from procure.store.models import TransitionLog

ROW = "(row)"
PRESENT = "present"
MISSING = "(missing)"
NOT_LOGGED = "(not in the trail)"
BACKFILL_REASON = (
    "backfilled by migration 0005 from the stored rows: the trail before it did not log this fact"
)
BACKFILL_ACTOR = ("migration 0005", "admin")


@dataclass(frozen=True)
class TrailDifference:
    """One way the business tables differ from what the audit trail implies."""

    table: str
    row: str
    field: str
    trail_value: str | None
    stored_value: str | None

    def __str__(self) -> str:
        where = f"{self.table} {self.row}"
        if self.field == ROW and self.stored_value == MISSING:
            return f"{where}: in the trail, missing from the database"
        if self.field == ROW:
            return f"{where}: in the database, no trail row explains it"
        stored = _said(self.stored_value)
        if self.trail_value == NOT_LOGGED:
            return f"{where}: {self.field} is not in the trail, {stored} in the database"
        return (
            f"{where}: {self.field} is {_said(self.trail_value)} in the trail, "
            f"{stored} in the database"
        )


def _said(value: str | None) -> str:
    if value is None:
        return "(none)"
    return value if value else "(empty)"


def implied_facts(session: Session, project_code: str | None = None) -> TrailReplay:
    """Replay the whole trail (or one project's rows) into the rows it implies."""
    rows = audit.iter_log(session) if project_code is None else _project_rows(session, project_code)
    return TrailReplay().replay(rows)


def _project_rows(session: Session, code: str) -> Iterator[TransitionLog]:
    yield from audit.rows_for_project(session, code)


def project_trail_problems(session: Session, code: str) -> list[str]:
    """One line per way ``code``'s stored rows differ from what its audit trail implies."""
    return [str(difference) for difference in trail_differences(session, project_code=code)]


def trail_differences(
    session: Session, *, project_code: str | None = None
) -> list[TrailDifference]:
    """Every difference between what the trail implies and what the tables hold.

    Args:
        session: an open session (only read).
        project_code: compare only this project's rows (its own trail rows against its
            project, proposals, sheets, contract, payments, inspections, comments, the
            bars its drop set and the scorecard versions its own rows pinned); every table
            when None.

    Returns:
        The differences, rows the trail implies first in table order, then missing rows.
    """
    replay = implied_facts(session, project_code)
    found: list[TrailDifference] = []
    for stored in stored_facts(session, project_code):
        implied = replay.facts.pop((stored.table, stored.key), None)
        if implied is None and project_code is not None and stored.table == "scorecard_version":
            continue  # pinned by another project's row: the whole trail's check compares it
        found += _compare(implied, stored)
    for implied in replay.facts.values():
        if project_code is not None and implied.table == "bar" and bar_exists(session, implied.key):
            continue  # an earlier drop of another project set this bar; it is compared there
        found.append(TrailDifference(implied.table, implied.label, ROW, PRESENT, MISSING))
    return found


def _compare(implied: Fact | None, stored: Fact) -> list[TrailDifference]:
    if implied is None:
        return [TrailDifference(stored.table, stored.label, ROW, MISSING, PRESENT)]
    label = implied.label if implied.label != implied.key else stored.label
    differences = []
    for name, value in stored.fields.items():
        trail = implied.fields[name] if name in implied.fields else NOT_LOGGED
        if trail != value:
            differences.append(TrailDifference(stored.table, label, name, trail, value))
    return differences


def backfill_entries(
    session: Session,
    *,
    at: datetime,
    reason: str = BACKFILL_REASON,
    actor: tuple[str, str] = BACKFILL_ACTOR,
) -> list[audit.AuditEntry]:
    """The ``backfill`` rows that give the trail each stored fact it never logged.

    ``reason`` and ``actor`` name the migration that writes them (0005 by default).

    Only gaps are filled: a row the trail does not know, or a field of a known row
    that no trail row logged. A value the trail logged differently is left alone
    (it stays a difference to report), so a backfill never hides an edit of a
    logged fact.
    """
    replay = implied_facts(session)
    entries = []
    for stored in stored_facts(session):
        implied = replay.facts.get((stored.table, stored.key))
        known = implied.fields if implied is not None else {}
        gaps = {name: value for name, value in stored.fields.items() if name not in known}
        if implied is not None and not gaps:
            continue
        entries.append(
            audit.AuditEntry(
                actor=actor[0],
                role=actor[1],
                trigger=BACKFILL,
                at=at,
                project_code=stored.project,
                reason=reason,
                data={
                    "table": stored.table,
                    "key": stored.key,
                    "label": stored.label,
                    "fields": gaps,
                },
            )
        )
    return entries


SCORECARD_BACKFILL_REASON = (
    "backfilled by migration 0011 from the stored rows: the trail before it did not log "
    "this scorecard fact"
)
"""Why migration 0011 appended a ``backfill`` row."""


def _backfill_step(reason: str, actor: tuple[str, str]) -> DataStep:
    """A migration's data step appending the backfill rows on the migration's connection."""

    def step(connection: Connection) -> None:
        with Session(bind=connection) as session:
            entries = backfill_entries(session, at=datetime.now(UTC), reason=reason, actor=actor)
            audit.append_many(session, entries)
            session.flush()

    return step


def upgrade_database(engine: Engine, revision: str = "head") -> None:
    """Bring the database up to ``revision`` with the data steps its migrations need: the
    trail backfills of migration 0005 (every stored fact) and 0011 (the scorecard facts)."""
    steps = {
        "trail_backfill": _backfill_step(BACKFILL_REASON, BACKFILL_ACTOR),
        "trail_scorecards": _backfill_step(SCORECARD_BACKFILL_REASON, ("migration 0011", "admin")),
    }
    migrate.upgrade(engine, revision, data_steps=steps)
