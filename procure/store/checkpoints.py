"""Stored audit checkpoints (table ``audit_checkpoint``) and the chain's head they sign.

Writes happen inside the caller's transaction (no commit here).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from procure.domain.audit_chain import GENESIS_HASH, row_hash
from procure.domain.checkpoint import Checkpoint
from procure.store.audit import iter_log
from procure.store.models import AuditHead, TransitionLog
from procure.store.trust_models import AuditCheckpoint


@dataclass(frozen=True)
class Head:
    """The chain's head as the database holds it: last row, its hash, how many rows."""

    seq: int
    hash: str
    rows: int


def save(session: Session, checkpoint: Checkpoint) -> None:
    """Store a checkpoint (inside the caller's transaction)."""
    session.add(
        AuditCheckpoint(
            seq=checkpoint.seq,
            hash=checkpoint.hash,
            rows=checkpoint.rows,
            at=checkpoint.at,
            public_key=checkpoint.public_key,
            signature=checkpoint.signature,
            statement=checkpoint.statement,
        )
    )
    session.flush()


def stored(session: Session) -> list[Checkpoint]:
    """Every stored checkpoint, oldest first."""
    rows = session.exec(
        select(AuditCheckpoint).order_by(col(AuditCheckpoint.seq), col(AuditCheckpoint.id))
    )
    return [_checkpoint(row) for row in rows]


def newest(session: Session, public_key: str) -> Checkpoint | None:
    """The newest checkpoint signed with ``public_key``, if any."""
    row = session.exec(
        select(AuditCheckpoint)
        .where(AuditCheckpoint.public_key == public_key)
        .order_by(col(AuditCheckpoint.seq).desc(), col(AuditCheckpoint.id).desc())
        .limit(1)
    ).first()
    return _checkpoint(row) if row is not None else None


def head(session: Session) -> Head | None:
    """The chain's head and its row count (None for an empty trail), locking the head row."""
    record = session.exec(select(AuditHead).with_for_update()).first()
    if record is None or record.seq == 0:
        return None
    rows = session.exec(
        select(func.count()).select_from(TransitionLog).where(TransitionLog.seq <= record.seq)
    ).one()
    return Head(record.seq, record.last_hash, int(rows))


def chain_problem_since(session: Session, since: Checkpoint | None, current: Head) -> str | None:
    """Whether the chain, from ``since`` (or the first row) to ``current``, recomputes.

    Only the rows after the earlier checkpoint are re-hashed: that checkpoint's own row must
    still carry its hash, and every later row must follow from it up to the head.
    """
    previous, count = GENESIS_HASH, 0
    if since is not None:
        anchor = session.exec(select(TransitionLog).where(TransitionLog.seq == since.seq)).first()
        if anchor is None:
            return f"row {since.seq} of {since.name} is missing"
        if anchor.hash != since.hash:
            return f"{since.name} no longer matches: row {since.seq} hash differs"
        previous, count = since.hash, since.rows
    expected = since.seq + 1 if since is not None else 1
    for row in iter_log(session, after=expected - 1):
        if row.seq > current.seq:
            break
        count += 1
        if row.seq != expected:
            return f"row {expected} is missing"
        if row.prev_hash != previous or row_hash(row.model_dump(), previous) != row.hash:
            return f"row {row.seq} does not match its hash"
        previous, expected = row.hash, row.seq + 1
    if previous != current.hash or count != current.rows:
        return f"the head (#{current.seq}) does not follow from the rows"
    return None


def _checkpoint(row: AuditCheckpoint) -> Checkpoint:
    return Checkpoint(
        seq=row.seq,
        hash=row.hash,
        rows=row.rows,
        at=row.at,
        public_key=row.public_key,
        signature=row.signature,
        statement=row.statement,
    )
