"""Ways an attacker with write access to the database changes the audit trail.

Each rewrites the stored rows directly (no service) and, where named, re-hashes the chain
from the changed row on and moves the head, so that the chain alone still verifies.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Update, delete, update
from sqlmodel import Session, col, select

from procure.domain.audit_chain import GENESIS_HASH, row_hash
from procure.store import audit
from procure.store.audit import AuditEntry
from procure.store.models import AuditHead, TransitionLog
from procure.store.trust_models import AuditCheckpoint

START = datetime(2020, 1, 6, 1, 0, tzinfo=UTC)


def write_trail(session: Session, rows: int, *, first: int = 0) -> None:
    """Append ``rows`` plain audit rows (one project's steps) and commit."""
    for i in range(first, first + rows):
        audit.append(
            session,
            AuditEntry(
                actor="李秀梅",
                role="officer",
                trigger=f"step_{i}",
                at=START + timedelta(minutes=i),
                project_code="SM-2019-001",
                reason=f"第{i}步",
                data={"n": i},
            ),
        )
    session.commit()


def rechain(session: Session, from_seq: int = 1) -> None:
    """Re-hash every row from ``from_seq`` on, and point the head at the last one."""
    previous = GENESIS_HASH
    if from_seq > 1:
        before = session.exec(select(TransitionLog).where(TransitionLog.seq == from_seq - 1)).one()
        previous = before.hash
    rows = session.exec(
        select(TransitionLog).where(TransitionLog.seq >= from_seq).order_by(col(TransitionLog.seq))
    )
    for row in rows:
        row.prev_hash = previous
        row.hash = row_hash(row.model_dump(), previous)
        session.add(row)
        previous = row.hash
    head = session.get(AuditHead, 1)
    last = session.exec(select(TransitionLog).order_by(col(TransitionLog.seq).desc())).first()
    assert head is not None
    head.seq, head.last_hash = (last.seq, last.hash) if last else (0, GENESIS_HASH)
    session.add(head)
    session.commit()


def edit_row(session: Session, seq: int, reason: str) -> None:
    """Change one row's reason, leaving its hash as it was."""
    row = session.exec(select(TransitionLog).where(TransitionLog.seq == seq)).one()
    row.reason = reason
    session.add(row)
    session.commit()


def cut_tail(session: Session, keep: int) -> None:
    """Delete every row after ``keep`` and move the head back to it."""
    session.execute(delete(TransitionLog).where(col(TransitionLog.seq) > keep))
    session.commit()
    rechain(session, keep + 1)


def delete_trail(session: Session) -> None:
    """Delete every audit row, the head and the stored checkpoints."""
    for table in (TransitionLog, AuditHead, AuditCheckpoint):
        session.execute(delete(table))
    session.commit()


def insert_forged(session: Session, at_seq: int) -> None:
    """Insert a forged row at ``at_seq`` (later rows move up by one) and re-hash."""
    rows = session.exec(
        select(TransitionLog)
        .where(TransitionLog.seq >= at_seq)
        .order_by(col(TransitionLog.seq).desc())
    ).all()
    for row in rows:  # from the last one down, so no two rows share a number
        session.execute(_renumber(row.seq, row.seq + 1))
        session.flush()
    session.expunge_all()  # the rows loaded above now sit under other numbers
    session.add(
        TransitionLog(
            seq=at_seq,
            at="2020-01-06T01:00:30.000000Z",
            actor="张志远",
            role="leader",
            project_code="SM-2019-001",
            trigger="approve",
            reason="补录",
            data="{}",
            prev_hash="",
            hash="",
        )
    )
    session.commit()
    rechain(session, at_seq)


def swap_rows(session: Session, first: int, second: int) -> None:
    """Swap two rows' places in the chain and re-hash from the first."""
    for old, new in ((first, -1), (second, first), (-1, second)):
        session.execute(_renumber(old, new))
        session.flush()
    session.commit()
    session.expunge_all()
    rechain(session, min(first, second))


def _renumber(old: int, new: int) -> Update:
    return update(TransitionLog).where(col(TransitionLog.seq) == old).values(seq=new)
