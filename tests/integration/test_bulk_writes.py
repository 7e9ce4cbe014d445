"""Bulk writes sent without waiting (procure.store.bulk.Writes), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from procure.store import audit, bulk
from procure.store.audit import AuditEntry
from procure.store.models import TransitionLog

AT = datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
TABLE = TransitionLog.__table__  # type: ignore[attr-defined]
COLUMNS = audit._LOG_COLUMNS


def _rows(count: int) -> audit.Chained:
    entries = [
        AuditEntry("officer", "officer", "note", AT, reason=f"row {n}") for n in range(count)
    ]
    return audit.chain(0, audit.GENESIS_HASH, entries)


def _reasons(session: Session) -> list[str]:
    return list(session.exec(select(TransitionLog.reason).order_by(col(TransitionLog.seq))))


def test_sent_and_copied_rows_are_all_written_in_order(session: Session) -> None:
    chained = _rows(3)
    writes = bulk.Writes(session.connection())
    writes.send(TABLE, COLUMNS, chained.rows[:2])
    writes.insert(TABLE, COLUMNS, chained.rows[2:])
    writes.close()

    assert _reasons(session) == ["row 0", "row 1", "row 2"]


def test_sync_counts_the_rows_the_statements_changed_not_the_rows_inserted(
    session: Session,
) -> None:
    chained = _rows(3)
    bulk.insert_rows(session.connection(), TABLE, COLUMNS, chained.rows)
    writes = bulk.Writes(session.connection())
    marks = "?" if bulk.is_sqlite(session.connection()) else "%s"
    statement = f"UPDATE transition_log SET reason = 'seen' WHERE seq <= {marks}"
    writes.execute(statement, (2,))
    writes.send(TABLE, COLUMNS, _rows(4).rows[3:])
    writes.execute(statement, (1,))

    assert writes.sync() == 3
    writes.close()
    assert _reasons(session) == ["seen", "seen", "row 2", "row 3"]


@pytest.mark.parametrize("how", ["send", "insert"])
def test_a_row_the_database_refuses_is_raised_as_sqlalchemys_integrity_error(
    session: Session, how: str
) -> None:
    chained = _rows(2)
    writes = bulk.Writes(session.connection())
    with pytest.raises(IntegrityError):
        try:
            getattr(writes, how)(TABLE, COLUMNS, chained.rows)
            getattr(writes, how)(TABLE, COLUMNS, chained.rows[:1])  # the same seq again
            writes.sync()
        except BaseException as error:
            writes.close(error)
            raise
    session.rollback()
    assert _reasons(session) == []
