"""Set-based reads and bulk writes for the year-end renewal run (no commits here).

The run reads a whole year in a handful of queries (contracts joined to their
final assessment and any next-year successor, bars, taken codes) and writes
each chunk with one statement per table (:mod:`procure.store.bulk`: on SQLite
an ``executemany`` straight to ``sqlite3``; on PostgreSQL an ``UPDATE`` per state
change and one ``INSERT … SELECT`` per table, sent in one pipeline without
waiting for each). Rows are tuples and Core rows, not ORM objects: a year of a
province is a hundred thousand of them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Integer,
    Table,
    Text,
    and_,
    bindparam,
    cast,
    func,
    select,
    true,
    type_coerce,
    update,
)
from sqlmodel import Session

from procure.store import bulk
from procure.store.models import (
    Assessment,
    Bar,
    Contract,
    Organization,
    OrganizationComment,
    Project,
    Purchaser,
)


def _table(model: type[Any]) -> Table:
    table: Table = model.__table__
    return table


@dataclass(slots=True)
class ContractRow:
    """One contract of the year with what the renewal policy needs to decide it."""

    project_id: int
    code: str
    state: str
    purchaser_id: int
    organization_id: int
    total: Decimal | None
    veto: list[str]
    successor: str | None


def year_contracts(
    session: Session, year: int, purchaser_id: int | None, *, batch: int = 5000
) -> Iterator[ContractRow]:
    """Yield every contracted project of ``year`` in code order, streamed a batch at a time."""
    p, c, a = _table(Project), _table(Contract), _table(Assessment)
    successor = p.alias("successor")
    statement = (
        select(
            p.c.id,
            p.c.code,
            p.c.state,
            p.c.purchaser_id,
            c.c.organization_id,
            type_coerce(a.c.total, BigInteger),  # hundredths, decoded once per distinct value
            cast(a.c.veto, Text),  # JSON text on both databases, decoded only when not empty
            successor.c.code,
        )
        .select_from(
            p.join(c, c.c.project_id == p.c.id)
            .outerjoin(a, and_(a.c.project_id == p.c.id, a.c.final == true()))
            .outerjoin(successor, successor.c.previous_project_id == p.c.id)
        )
        .where(p.c.year == year)
        .order_by(p.c.code)
    )
    if purchaser_id is not None:
        statement = statement.where(p.c.purchaser_id == purchaser_id)
    connection = session.connection()
    if bulk.is_postgresql(connection):
        # Streamed through a server-side cursor, which PostgreSQL plans for its first
        # tenth by default (index-order nested loops, twice as slow over the whole
        # year): every row is read, so plan for all of them (until this transaction ends).
        connection.exec_driver_sql("SET LOCAL cursor_tuple_fraction = 1.0")
    # Options on the statement, not the connection: those would outlive this query.
    result = connection.execute(statement, execution_options={"yield_per": batch})
    totals: dict[int, Decimal] = {}
    no_veto: list[str] = []
    for pid, code, state, purchaser, organization, hundredths, veto, next_code in result:
        total = None
        if hundredths is not None:
            total = totals.get(hundredths)
            if total is None:
                total = totals[hundredths] = Decimal(hundredths).scaleb(-2)
        vetoed = _veto(veto) or no_veto
        yield ContractRow(pid, code, state, purchaser, organization, total, vetoed, next_code)


def _veto(raw: object) -> list[str]:
    """The veto items from their JSON text (a decoded list is taken as it is)."""
    if isinstance(raw, str):
        return [] if raw == "[]" else list(json.loads(raw))
    return list(raw) if isinstance(raw, list) else []


def organizations_of_year(session: Session, year: int) -> dict[int, tuple[str, str]]:
    """Return ``id -> (name, uscc)`` of every organization holding a contract of ``year``."""
    o, c, p = _table(Organization), _table(Contract), _table(Project)
    contracted = select(c.c.organization_id).join(p, p.c.id == c.c.project_id)
    statement = select(o.c.id, o.c.name, o.c.uscc).where(
        o.c.id.in_(contracted.where(p.c.year == year))
    )
    return {row[0]: (row[1], row[2]) for row in session.execute(statement)}


def purchaser_codes(session: Session) -> dict[int, str]:
    """Return ``id -> code`` of every purchaser."""
    pu = _table(Purchaser)
    return {row[0]: row[1] for row in session.execute(select(pu.c.id, pu.c.code))}


def bars_of_year(session: Session, year: int) -> dict[tuple[int, int], str]:
    """Return ``(organization_id, purchaser_id) -> reason`` of the bars for ``year``."""
    b = _table(Bar)
    statement = select(b.c.organization_id, b.c.purchaser_id, b.c.reason).where(b.c.year == year)
    return {(row[0], row[1]): row[2] for row in session.execute(statement)}


def codes_of_year(session: Session, year: int) -> set[str]:
    """Return the codes of every project of ``year`` (codes carry their year)."""
    p = _table(Project)
    return set(session.scalars(select(p.c.code).where(p.c.year == year)))


@dataclass(frozen=True, slots=True)
class AssessingFacts:
    """What keeps an assessing project from being decided: its sheet and comment window."""

    recorded_at: datetime | None
    acknowledged: bool


def assessing_facts(session: Session, year: int) -> dict[int, AssessingFacts]:
    """Return, for each project of ``year`` still being assessed, its sheet time and comment."""
    p, a, oc = _table(Project), _table(Assessment), _table(OrganizationComment)
    assessing = and_(p.c.year == year, p.c.state == "assessing")
    latest_sheets = (
        select(a.c.project_id, func.max(a.c.recorded_at))
        .join(p, p.c.id == a.c.project_id)
        .where(assessing)
        .group_by(a.c.project_id)
    )
    latest = {row[0]: row[1] for row in session.execute(latest_sheets)}
    acknowledged = set(
        session.scalars(
            select(oc.c.project_id)
            .join(p, p.c.id == oc.c.project_id)
            .where(assessing, oc.c.acknowledged == true())
        )
    )
    ids = set(session.scalars(select(p.c.id).where(assessing)))
    return {pid: AssessingFacts(latest.get(pid), pid in acknowledged) for pid in ids}


@dataclass(frozen=True, slots=True)
class LockedProject:
    """A project row and its contract's terms as they stand inside a chunk's transaction."""

    state: str
    title: str
    purpose: str
    amount: Decimal
    start_on: date
    end_on: date


def lock_purchasers(session: Session, ids: Iterable[int]) -> None:
    """Lock purchaser rows (PostgreSQL), in id order: the same lock a single change takes first."""
    pu = _table(Purchaser)
    statement = select(pu.c.id).where(pu.c.id.in_(sorted(ids))).order_by(pu.c.id).with_for_update()
    session.execute(statement).all()


def lock_projects(session: Session, ids: Sequence[int]) -> dict[int, LockedProject]:
    """Read the projects of one chunk and their contracts, by id, under their purchasers' locks.

    The caller holds the locks of the chunk's purchasers (:func:`lock_purchasers`),
    which every change of a project takes first, so the rows read here stay as
    they are until the chunk commits; :func:`move_projects` checks each state again.
    On PostgreSQL the ids go as one array literal joined as a table, not one parameter each.
    """
    p, c = _table(Project), _table(Contract)
    statement = select(
        p.c.id, p.c.state, p.c.title, p.c.purpose, c.c.amount, c.c.start_on, c.c.end_on
    ).join(c, c.c.project_id == p.c.id)
    if session.get_bind().dialect.name == "postgresql":
        literal = bindparam("chunk_ids", bulk.integer_array(ids), type_=Text)
        chunk = (
            func.unnest(cast(literal, ARRAY(Integer))).table_valued("id").render_derived("chunk")
        )
        statement = statement.join(chunk, chunk.c.id == p.c.id)
    else:
        statement = statement.where(p.c.id.in_(list(ids)))
    return {row[0]: LockedProject(*row[1:]) for row in session.execute(statement)}


def move_projects(writes: bulk.Writes, moves: Sequence[tuple[int, str, str]]) -> None:
    """Move each ``(id, from_state, to_state)``; ``writes.sync()`` counts those still in ``from``.

    On PostgreSQL one statement per ``(from, to)`` pair (a handful a chunk), its ids
    one array literal, sent without waiting (:class:`procure.store.bulk.Writes`).
    """
    if not moves:
        return
    connection = writes.connection
    if bulk.is_sqlite(connection):
        writes.execute(
            "UPDATE project SET state = ?, version = version + 1 WHERE id = ? AND state = ?",
            [(to_state, pid, from_state) for pid, from_state, to_state in moves],
        )
        return
    if bulk.is_postgresql(connection):
        for (from_state, to_state), ids in _by_change(moves).items():
            writes.execute(
                "UPDATE project AS p SET state = %s, version = p.version + 1"
                " FROM unnest(%s::integer[]) AS m(id) WHERE p.id = m.id AND p.state = %s",
                (to_state, bulk.integer_array(ids), from_state),
            )
        return
    p = _table(Project)
    statement = (
        update(p)
        .where(p.c.id == bindparam("moved_id"), p.c.state == bindparam("moved_from"))
        .values(state=bindparam("moved_to"), version=p.c.version + 1)
    )
    params = [{"moved_id": i, "moved_from": f, "moved_to": t} for i, f, t in moves]
    writes.execute(statement, params)


def _by_change(moves: Sequence[tuple[int, str, str]]) -> dict[tuple[str, str], list[int]]:
    """The ids of ``moves`` grouped by their ``(from_state, to_state)``."""
    grouped: dict[tuple[str, str], list[int]] = {}
    for pid, from_state, to_state in moves:
        grouped.setdefault((from_state, to_state), []).append(pid)
    return grouped


PROJECT_COLUMNS = (
    "code",
    "year",
    "title",
    "purpose",
    "purchaser_id",
    "budget",
    "state",
    "version",
    "awarded_organization_id",
    "previous_project_id",
    "carried_amount",
    "carried_start_on",
    "carried_end_on",
)
"""The columns of a next-year project row
(:func:`procure.services.lifecycle.successor.successor_row`)."""
BAR_COLUMNS = ("organization_id", "purchaser_id", "year", "project_id", "reason")


def insert_projects(writes: bulk.Writes, rows: Sequence[dict[str, Any]]) -> None:
    """Insert projects given as column dicts: one statement, sent without waiting."""
    values = [tuple(row[name] for name in PROJECT_COLUMNS) for row in rows]
    writes.send(_table(Project), PROJECT_COLUMNS, values)


def insert_bars(writes: bulk.Writes, rows: Sequence[dict[str, Any]]) -> None:
    """Insert bars given as column dicts: one statement, sent without waiting."""
    values = [tuple(row[name] for name in BAR_COLUMNS) for row in rows]
    writes.send(_table(Bar), BAR_COLUMNS, values)
