"""Append to and verify the hash-chained transition log.

Appends lock the single ``audit_head`` row (``SELECT … FOR UPDATE`` on
PostgreSQL; SQLite transactions already hold the write lock), so concurrent
writers extend one chain instead of forking it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from procure.domain.audit_chain import (
    CHAINED_FIELDS,
    GENESIS_HASH,
    canonical_json,
    chained_hash,
    chained_payload,
    row_hash,
)
from procure.store import bulk
from procure.store.models import AuditHead, TransitionLog
from procure.store.reads import remembered

_HEAD_ID = 1
_LOG_COLUMNS = (*CHAINED_FIELDS, "prev_hash", "hash")


def utc_stamp(moment: datetime) -> str:
    """Return the audit trail's form of a moment: UTC, microseconds, trailing Z."""
    if moment.tzinfo is None:
        raise ValueError("audit times must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class AuditEntry:
    """What one log row says, before it is chained."""

    actor: str
    role: str
    trigger: str
    at: datetime
    project_code: str | None = None
    from_state: str | None = None
    to_state: str | None = None
    reason: str = ""
    data: dict[str, Any] | None = None
    batch_id: str | None = None
    actor_name: str = ""  # the account's display name, recorded in the row's data

    def recorded_data(self) -> dict[str, Any]:
        """The row's data, with the acting account's display name when known."""
        if not self.actor_name:
            return self.data or {}
        return {**(self.data or {}), "actor_name": self.actor_name}


def locked_head(session: Session) -> AuditHead:
    """Lock the chain's head row and return it as stored now, creating it on first use.

    The first appends on an empty database may race to create the head: it is
    inserted with ``ON CONFLICT DO NOTHING``, so the loser waits for the winner
    and then locks the winner's row. The row is read afresh (``populate_existing``):
    a head the session loaded in an earlier transaction may be behind.
    """
    statement = (
        select(AuditHead)
        .where(AuditHead.id == _HEAD_ID)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    head = session.exec(statement).first()
    if head is None:
        insert = _dialect_insert(session)(AuditHead.__table__)  # type: ignore[attr-defined]
        values = {"id": _HEAD_ID, "seq": 0, "last_hash": GENESIS_HASH}
        session.execute(insert.values(**values).on_conflict_do_nothing())
        head = session.exec(statement).one()
    return head


def _dialect_insert(session: Session) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert
    return sqlite.insert


def append(session: Session, entry: AuditEntry) -> TransitionLog:
    """Chain ``entry`` onto the log inside the caller's transaction."""
    head = locked_head(session)
    fields = _fields(head.seq + 1, entry)
    digest = row_hash(fields, head.last_hash)
    row = TransitionLog(**fields, prev_hash=head.last_hash, hash=digest)
    session.add(row)
    head.seq = row.seq
    head.last_hash = digest
    session.add(head)
    return row


def append_many(session: Session, entries: Iterable[AuditEntry]) -> int:
    """Chain ``entries``, in order, onto the log with one head lock and one bulk insert.

    The same rows as calling :func:`append` once per entry, at a bulk run's speed:
    each hash is computed here in order, the rows go in as one multi-row INSERT and
    the head moves once. Runs inside the caller's transaction (no commit).

    Returns:
        The number of rows appended.
    """
    head = locked_head(session)
    chained = chain(head.seq, head.last_hash, entries)
    if chained.rows:
        table = TransitionLog.__table__  # type: ignore[attr-defined]
        bulk.insert_rows(session.connection(), table, _LOG_COLUMNS, chained.rows)
        move_head(session, head, chained)
    return len(chained.rows)


@dataclass(frozen=True, slots=True)
class Chained:
    """Log rows (in :data:`_LOG_COLUMNS` order) chained after row ``after_seq`` whose hash is
    ``after_hash``, and the sequence number and hash they leave the head at."""

    after_seq: int
    after_hash: str
    rows: list[tuple[Any, ...]]
    seq: int
    last_hash: str

    def follows(self, head: AuditHead) -> bool:
        """Whether these rows were chained onto ``head`` as it stands."""
        return (self.after_seq, self.after_hash) == (head.seq, head.last_hash)


def peek_head(session: Session) -> tuple[int, str]:
    """The chain's head as last committed, without locking it: ``(seq, last_hash)``.

    For hashing rows ahead of the lock (:func:`chain`); check them with
    :meth:`Chained.follows` against :func:`locked_head` before writing them. Asked again in
    one read-only transaction (a page's figures), the first answer: :mod:`procure.store.reads`.
    """

    def load() -> Any:
        statement = select(AuditHead.seq, AuditHead.last_hash).where(AuditHead.id == _HEAD_ID)
        return session.exec(statement).first()

    found = remembered(session, "audit_head", load)
    return (found[0], found[1]) if found else (0, GENESIS_HASH)


def chain(after_seq: int, after_hash: str, entries: Iterable[AuditEntry]) -> Chained:
    """Number and hash ``entries``, in order, after row ``after_seq`` (hash ``after_hash``).

    Nothing is written: the pieces of :func:`append_many` for a caller that writes
    the rows itself (:func:`insert_chained`, then :func:`move_head`).
    """
    seq, last_hash = after_seq, after_hash
    rows: list[tuple[Any, ...]] = []
    stamps: dict[datetime, str] = {}  # a run's rows share a few moments
    for entry in entries:
        seq += 1
        stamp = stamps.get(entry.at) or stamps.setdefault(entry.at, utc_stamp(entry.at))
        chained = (
            seq,
            stamp,
            entry.actor,
            entry.role,
            entry.project_code,
            entry.trigger,
            entry.from_state,
            entry.to_state,
            entry.reason,
            canonical_json(entry.recorded_data()),
            entry.batch_id,
        )
        digest = chained_hash(chained_payload(*chained), last_hash)
        rows.append((*chained, last_hash, digest))
        last_hash = digest
    return Chained(after_seq, after_hash, rows, seq, last_hash)


def insert_chained(writes: bulk.Writes, chained: Chained) -> None:
    """Insert rows made by :func:`chain` through ``writes``."""
    table = TransitionLog.__table__  # type: ignore[attr-defined]
    writes.insert(table, _LOG_COLUMNS, chained.rows)


def move_head(session: Session, head: AuditHead, chained: Chained) -> None:
    """Move the locked ``head`` past the rows of ``chained`` (once they are written)."""
    if not chained.follows(head):
        raise ValueError("the audit rows were chained onto another head")
    if chained.rows:
        head.seq, head.last_hash = chained.seq, chained.last_hash
        session.add(head)
        session.flush()


def _fields(seq: int, entry: AuditEntry, stamp: str | None = None) -> dict[str, Any]:
    return {
        "seq": seq,
        "at": stamp or utc_stamp(entry.at),
        "actor": entry.actor,
        "role": entry.role,
        "project_code": entry.project_code,
        "trigger": entry.trigger,
        "from_state": entry.from_state,
        "to_state": entry.to_state,
        "reason": entry.reason,
        "data": canonical_json(entry.recorded_data()),
        "batch_id": entry.batch_id,
    }


@dataclass(frozen=True)
class ChainReport:
    """The outcome of recomputing the chain.

    ``at_rows`` maps each watched row (a checkpoint's sequence number) that the chain still
    holds to the hash recomputed for it from the first row, and the number of rows up to it.
    """

    rows: int
    ok: bool
    broken_seq: int | None = None
    problem: str = ""
    at_rows: dict[int, tuple[str, int]] = field(default_factory=dict)


def iter_log(session: Session, batch: int = 5000, *, after: int = 0) -> Iterator[TransitionLog]:
    """Yield every log row (after row ``after``) in order, a batch at a time (bounded memory)."""
    last = after
    while True:
        rows = list(
            session.exec(
                select(TransitionLog)
                .where(TransitionLog.seq > last)
                .order_by(col(TransitionLog.seq))
                .limit(batch)
            )
        )
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def verify_chain(session: Session, watch: Collection[int] = ()) -> ChainReport:
    """Recompute every row's hash and name the first row that does not match.

    Args:
        session: an open session; nothing is written.
        watch: rows (sequence numbers) whose recomputed hash to report, e.g. checkpoints'.
            Each hash is recomputed from the rows' contents alone, from the first row on,
            so a chain re-hashed after an edit gives a different hash there.
    """
    wanted = set(watch)
    stored_prev = computed = GENESIS_HASH
    expected_seq = 1
    count = 0
    broken: ChainReport | None = None
    at_rows: dict[int, tuple[str, int]] = {}
    for row in iter_log(session):
        count += 1
        if not _stored_as_text(row):
            return ChainReport(
                count, False, row.seq, "holds binary data (a BLOB) where the trail records text"
            )
        digest = row_hash(row.model_dump(), computed)
        if broken is None:
            problem = _row_problem(row, expected_seq, stored_prev, digest)
            if problem:
                broken = ChainReport(count, False, row.seq, problem)
        if row.seq in wanted:
            at_rows[row.seq] = (digest, count)
        computed, stored_prev, expected_seq = digest, row.hash, row.seq + 1
        if broken is not None and not any(seq > row.seq for seq in wanted):
            break
    if broken is not None:
        return ChainReport(broken.rows, False, broken.broken_seq, broken.problem, at_rows)
    head = session.get(AuditHead, _HEAD_ID)
    if head is None and count:
        return ChainReport(count, False, 1, "the chain's head record is missing", at_rows)
    if head is not None and (head.seq != count or head.last_hash != stored_prev):
        return ChainReport(count, False, count + 1, f"rows after {count} were removed", at_rows)
    return ChainReport(count, True, at_rows=at_rows)


def _row_problem(row: TransitionLog, expected_seq: int, previous: str, digest: str) -> str:
    """What is wrong with a row of a chain intact so far (``digest`` is its recomputed hash)."""
    if row.seq != expected_seq:
        return f"row {expected_seq} is missing"
    if row.prev_hash != previous:
        return "does not point at the previous row's hash"
    if digest != row.hash:
        return "its content does not match its hash"
    return ""


def _stored_as_text(row: TransitionLog) -> bool:
    """Whether no field holds bytes: SQLite stores whatever it is given, so a row edited
    outside procure can hold a BLOB where the trail records text."""
    return not any(isinstance(value, bytes | memoryview) for value in vars(row).values())


def last_row_moment(session: Session) -> datetime | None:
    """The moment of the chain's last row (None for an empty trail)."""
    statement = select(TransitionLog.at).order_by(col(TransitionLog.seq).desc()).limit(1)
    found = session.exec(statement).first()
    return datetime.fromisoformat(found.replace("Z", "+00:00")) if found else None


def rows_for_project(session: Session, code: str) -> list[TransitionLog]:
    """Return a project's log rows in order."""
    statement = (
        select(TransitionLog)
        .where(TransitionLog.project_code == code)
        .order_by(col(TransitionLog.seq))
    )
    return list(session.exec(statement))


def rows_for_batch(session: Session, batch_id: str) -> list[TransitionLog]:
    """Return the log rows one scripted run wrote, in order."""
    statement = (
        select(TransitionLog)
        .where(TransitionLog.batch_id == batch_id)
        .order_by(col(TransitionLog.seq))
    )
    return list(session.exec(statement))
