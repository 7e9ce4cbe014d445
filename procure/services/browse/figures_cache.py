"""The dashboard's counted figures, kept per funding year and purchaser across writes.

Every change of a project, contract, payment or assessment appends a row naming the
project to the audit trail, in the change's own transaction, and moves the chain's
head (:func:`procure.store.audit.peek_head`). So the cache keeps the figures of each
*part* (one purchaser's projects of one funding year) with the head it has read up
to; at the next view it reads only the trail rows after that head, drops the parts of
the projects they name, and counts those parts again (a payment anywhere recounts one
purchaser's year, not the province). Trail rows naming no project (purchasers,
organizations, accounts) change no counted figure; a project's year and purchaser
never change. A long run of new rows (a year-end batch) recounts everything.

The head and the counts are read in the viewer's transaction: on a reading engine
one snapshot (:mod:`procure.store.db`), so the parts are exactly those of the head.
Read on a session that sees later commits, a part may hold a change whose trail row
comes after the head read; that row dirties the part again at the next view, so a
figure is never older than the head it is filed under.

What a viewer may read is applied when the parts are summed (see
:mod:`procure.services.browse.dashboard`); the parts themselves are of every project.
One cache belongs to one database (the web app builds one beside its engines).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_, select, true
from sqlmodel import Session, col

from procure.store import audit
from procure.store.models import Assessment, Contract, Payment, Project, TransitionLog

RECOUNT_ALL_AFTER = 2_000
"""After more new trail rows than this, every part is counted again (one pass)."""

Part = tuple[int, int]
"""A part of the figures: ``(funding year, purchaser id)``."""

_ZERO = Decimal("0.00")


@dataclass(frozen=True)
class PartFigures:
    """What one purchaser's projects of one funding year count to (immutable: shared)."""

    by_state: tuple[tuple[str, int, Decimal, Decimal], ...]
    """``(state, projects, budget, contracted)`` of each state with a project."""
    grades: tuple[tuple[str, int], ...]
    """``(grade, final assessments)``."""
    paid: Decimal


class FiguresCache:
    """The counted parts, read up to one head of the audit trail; thread-safe."""

    def __init__(self) -> None:
        self._parts: dict[Part, PartFigures] = {}
        self._seq: int | None = None  # the head read up to; None: nothing counted yet
        self._lock = threading.Lock()
        self.recounted: list[int] = []
        """How many parts each recount counted (for tests and benchmarks)."""

    def parts(self, session: Session) -> Mapping[Part, PartFigures]:
        """Every part with a project, as of the head ``session`` reads (counting what the
        trail rows since the last view changed)."""
        head = audit.peek_head(session)[0]
        with self._lock:
            if self._seq is None or head > self._seq:
                self._catch_up(session, head)
            return dict(self._parts)

    def _catch_up(self, session: Session, head: int) -> None:
        dirty = None if self._seq is None else _changed_parts(session, self._seq, head)
        if dirty is None:
            counted = count_parts(session, None)
            self._parts = counted
            self.recounted.append(len(counted))
        elif dirty:
            counted = count_parts(session, dirty)
            for part in dirty:
                self._parts.pop(part, None)
            self._parts.update(counted)
            self.recounted.append(len(dirty))
        self._seq = head


def _changed_parts(session: Session, after: int, head: int) -> set[Part] | None:
    """The parts of the projects the trail rows ``after < seq <= head`` name (None: too
    many rows to look at one by one: count everything)."""
    if head - after > RECOUNT_ALL_AFTER:
        return None
    named = (
        select(col(TransitionLog.project_code))
        .where(col(TransitionLog.seq) > after, col(TransitionLog.seq) <= head)
        .where(col(TransitionLog.project_code).is_not(None))
        .distinct()
    )
    statement = select(col(Project.year), col(Project.purchaser_id)).where(
        col(Project.code).in_(named.scalar_subquery())
    )
    return {(row[0], row[1]) for row in session.connection().execute(statement.distinct())}


def _of_parts(parts: Iterable[Part] | None) -> ColumnElement[bool]:
    if parts is None:
        return true()
    return or_(
        false(),
        *(
            and_(col(Project.year) == year, col(Project.purchaser_id) == purchaser)
            for year, purchaser in sorted(parts)
        ),
    )


def count_parts(session: Session, parts: Iterable[Part] | None) -> dict[Part, PartFigures]:
    """Count the given parts (``None``: every part), each figure by one grouped query."""
    where = _of_parts(parts)
    year, purchaser, state = col(Project.year), col(Project.purchaser_id), col(Project.state)
    rows = _rows(
        session,
        select(year, purchaser, state, func.count(), func.sum(col(Project.budget)))
        .where(where)
        .group_by(year, purchaser, state),
    )
    contracted = {
        (row[0], row[1], row[2]): row[3]
        for row in _rows(
            session,
            select(year, purchaser, state, func.sum(col(Contract.amount)))
            .join(Contract, col(Contract.project_id) == col(Project.id))
            .where(where)
            .group_by(year, purchaser, state),
        )
    }
    grades: dict[Part, list[tuple[str, int]]] = {}
    for row in _rows(
        session,
        select(year, purchaser, col(Assessment.grade), func.count())
        .join(Project, col(Project.id) == col(Assessment.project_id))
        .where(col(Assessment.final).is_(True), where)
        .group_by(year, purchaser, col(Assessment.grade)),
    ):
        grades.setdefault((row[0], row[1]), []).append((row[2], row[3]))
    paid = {
        (row[0], row[1]): row[2]
        for row in _rows(
            session,
            select(year, purchaser, func.sum(col(Payment.amount)))
            .select_from(Payment)
            .join(Contract, col(Contract.id) == col(Payment.contract_id))
            .join(Project, col(Project.id) == col(Contract.project_id))
            .where(where)
            .group_by(year, purchaser),
        )
    }
    by_state: dict[Part, list[tuple[str, int, Decimal, Decimal]]] = {}
    for row in rows:
        figures = (row[2], row[3], row[4] or _ZERO, contracted.get(row[:3]) or _ZERO)
        by_state.setdefault((row[0], row[1]), []).append(figures)
    return {
        part: PartFigures(
            by_state=tuple(sorted(states)),
            grades=tuple(sorted(grades.get(part, ()))),
            paid=paid.get(part) or _ZERO,
        )
        for part, states in by_state.items()
    }


def _rows(session: Session, statement: Any) -> list[Any]:
    return list(session.connection().execute(statement))
