"""The dashboard's counted figures, kept per funding year and purchaser across writes.

Every change of a project, contract, payment or assessment appends a row naming the
project to the audit trail, in the change's own transaction, and moves the chain's
head (:func:`procure.store.audit.peek_head`). So the cache keeps the figures of each
*part* (one purchaser's projects of one funding year) with the head it has read up
to, summed from *buckets* of :data:`BUCKET` consecutive project ids. At the next view
it reads only the trail rows after that head, counts again the buckets of the projects
they name, and moves each part's sums by the difference (a payment anywhere recounts a
few hundred projects, not the province). Trail rows naming no project (purchasers,
organizations, accounts) change no counted figure. A bucket's old sums are taken off
the parts they were in, so a correction moving a project to another year or purchaser
is counted right too, as long as its trail row names the project. A long run of new
rows (a year-end batch) recounts everything.

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
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    String,
    false,
    func,
    literal_column,
    null,
    or_,
    select,
    true,
    type_coerce,
    union_all,
)
from sqlmodel import Session, col

from procure.store import audit
from procure.store.models import Assessment, Contract, Payment, Project, TransitionLog
from procure.store.types import Hundredths

RECOUNT_ALL_AFTER = 2_000
"""After more new trail rows than this, every part is counted again (one pass)."""
BUCKET = 256
"""Consecutive project ids counted together: what one change makes the cache recount."""

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


@dataclass
class _Sums:
    """The running sums of one part (or of one part's projects in one bucket)."""

    states: dict[str, tuple[int, Decimal, Decimal]] = field(default_factory=dict)
    grades: dict[str, int] = field(default_factory=dict)
    paid: Decimal = _ZERO

    def add(self, other: _Sums, sign: int = 1) -> None:
        for state, (projects, budget, contracted) in other.states.items():
            have = self.states.get(state, (0, _ZERO, _ZERO))
            moved = (
                have[0] + sign * projects,
                have[1] + sign * budget,
                have[2] + sign * contracted,
            )
            if moved[0]:
                self.states[state] = moved
            else:
                self.states.pop(state, None)
        for grade, count in other.grades.items():
            total = self.grades.get(grade, 0) + sign * count
            if total:
                self.grades[grade] = total
            else:
                self.grades.pop(grade, None)
        self.paid += sign * other.paid

    def frozen(self) -> PartFigures:
        by_state = tuple(sorted((state, *sums) for state, sums in self.states.items()))
        return PartFigures(by_state, tuple(sorted(self.grades.items())), self.paid)


Counted = dict[int, dict[Part, _Sums]]
"""Sums by bucket, then by part."""


class FiguresCache:
    """The counted parts, read up to one head of the audit trail; thread-safe."""

    def __init__(self) -> None:
        self._buckets: Counted = {}
        self._totals: dict[Part, _Sums] = {}
        self._frozen: dict[Part, PartFigures] = {}
        self._seq: int | None = None  # the head read up to; None: nothing counted yet
        self._lock = threading.Lock()
        self.recounted: list[int | None] = []
        """The buckets each catching up counted again (``None``: all of them)."""

    def parts(self, session: Session) -> Mapping[Part, PartFigures]:
        """Every part with a project, as of the head ``session`` reads (counting again
        what the trail rows since the last view changed)."""
        head = audit.peek_head(session)[0]
        with self._lock:
            if self._seq is None or head > self._seq:
                self._catch_up(session, head)
            return self._frozen

    def _catch_up(self, session: Session, head: int) -> None:
        dirty = None if self._seq is None else _changed_buckets(session, self._seq, head)
        if dirty is None:
            self._buckets = count_buckets(session, None)
            self._totals = {}
            for bucket in self._buckets.values():
                for part, sums in bucket.items():
                    self._totals.setdefault(part, _Sums()).add(sums)
            self._frozen = {part: sums.frozen() for part, sums in self._totals.items()}
        elif dirty:
            counted = count_buckets(session, dirty)
            moved: set[Part] = set()
            for number in dirty:
                for part, sums in self._buckets.pop(number, {}).items():
                    self._totals.setdefault(part, _Sums()).add(sums, -1)
                    moved.add(part)
                for part, sums in counted.get(number, {}).items():
                    self._totals.setdefault(part, _Sums()).add(sums)
                    moved.add(part)
            self._buckets.update(counted)
            frozen = dict(self._frozen)  # a view holding the old mapping keeps it whole
            for part in moved:
                sums = self._totals[part]
                if sums.states:
                    frozen[part] = sums.frozen()
                else:
                    del self._totals[part]
                    frozen.pop(part, None)
            self._frozen = frozen
        self.recounted.append(None if dirty is None else len(dirty))
        self._seq = head


def _changed_buckets(session: Session, after: int, head: int) -> set[int] | None:
    """The buckets of the projects the trail rows ``after < seq <= head`` name (None: too
    many rows to look at one by one: count everything)."""
    if head - after > RECOUNT_ALL_AFTER:
        return None
    named = (
        select(col(TransitionLog.project_code))
        .where(col(TransitionLog.seq) > after, col(TransitionLog.seq) <= head)
        .where(col(TransitionLog.project_code).is_not(None))
    )
    statement = select(col(Project.id)).where(col(Project.code).in_(named.scalar_subquery()))
    return {row.id // BUCKET for row in session.connection().execute(statement)}


def _of_buckets(buckets: Iterable[int] | None, project_id: Any) -> ColumnElement[bool]:
    """``project_id`` (a project's id, or a column naming one) within ``buckets``."""
    if buckets is None:
        return true()
    return or_(
        false(),
        *(
            project_id.between(number * BUCKET, (number + 1) * BUCKET - 1)
            for number in sorted(buckets)
        ),
    )


def count_buckets(session: Session, buckets: Iterable[int] | None) -> Counted:
    """Count the given buckets (``None``: every bucket): each figure by its own grouped
    query, the four sent as one statement (``UNION ALL``: one round trip to a server).

    Counting some buckets, each joined table is held to them by its own project id as
    well, a contract's payments are looked up by contract, and PostgreSQL plans no
    parallel workers: otherwise it estimated the joins from whole tables and planned a
    parallel hash join, or walked every contract to merge it with the payments, 6-12 ms
    for a few hundred rows counted in under 1 ms (two buckets: 12 ms before, 4 after)."""
    where = _of_buckets(buckets, col(Project.id))
    contracts = _of_buckets(buckets, col(Contract.project_id))
    bucket = (col(Project.id) // BUCKET).label("bucket")
    year, purchaser, state = col(Project.year), col(Project.purchaser_id), col(Project.state)
    keys = (bucket, year, purchaser)

    def shaped(kind: int, label: Any, count: Any, amount: Any) -> tuple[Any, ...]:
        # kind, bucket, year, purchaser, state or grade, how many, how much
        return (literal_column(str(kind), Integer).label("kind"), *keys, label, count, amount)

    none_text, none_count = type_coerce(null(), String), type_coerce(null(), Integer)
    states = (
        select(*shaped(0, state, func.count(), func.sum(col(Project.budget))))
        .where(where)
        .group_by(*keys, state)
    )
    contracted = (
        select(*shaped(1, state, none_count, func.sum(col(Contract.amount))))
        .join(Contract, col(Contract.project_id) == col(Project.id))
        .where(where, contracts)
        .group_by(*keys, state)
    )
    grades = (
        select(*shaped(2, col(Assessment.grade), func.count(), type_coerce(null(), Hundredths())))
        .join(Project, col(Project.id) == col(Assessment.project_id))
        .where(col(Assessment.final).is_(True), where)
        .where(_of_buckets(buckets, col(Assessment.project_id)))
        .group_by(*keys, col(Assessment.grade))
    )
    if buckets is None:  # every payment, joined to its contract
        paid = (
            select(*shaped(3, none_text, none_count, func.sum(col(Payment.amount))))
            .select_from(Payment)
            .join(Contract, col(Contract.id) == col(Payment.contract_id))
            .join(Project, col(Project.id) == col(Contract.project_id))
            .group_by(*keys)
        )
    else:  # the buckets' contracts, each looking up its payments in their covering index
        paid_on_contract = (
            select(func.sum(col(Payment.amount)))
            .where(col(Payment.contract_id) == col(Contract.id))
            .correlate(Contract)
            .scalar_subquery()
        )
        paid = (
            select(*shaped(3, none_text, none_count, func.sum(paid_on_contract)))
            .select_from(Project)
            .join(Contract, col(Contract.project_id) == col(Project.id))
            .where(where, contracts)
            .group_by(*keys)
        )
        if session.get_bind().dialect.name == "postgresql":
            # a few hundred projects: parallel workers take longer to start than the count
            session.connection().exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")
    rows: dict[int, list[Any]] = {0: [], 1: [], 2: [], 3: []}
    for row in _rows(session, union_all(states, contracted, grades, paid)):
        rows[row[0]].append(row[1:])
    counted: Counted = {}

    def sums(row: Any) -> _Sums:
        return counted.setdefault(row[0], {}).setdefault((row[1], row[2]), _Sums())

    amounts = {tuple(row[:4]): row[5] for row in rows[1]}
    for row in rows[0]:
        sums(row).states[row[3]] = (row[4], row[5] or _ZERO, amounts.get(tuple(row[:4])) or _ZERO)
    for row in rows[2]:
        sums(row).grades[row[3]] = row[4]
    for row in rows[3]:
        sums(row).paid = row[5] or _ZERO
    return counted


def _rows(session: Session, statement: Any) -> list[Any]:
    return list(session.connection().execute(statement))
