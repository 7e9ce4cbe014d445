"""trail backfill: give the audit trail each stored fact it never logged

Before this release some facts reached the tables without an audit row that
says them: purchasers and organizations of ``procure fixtures generate``, the
contract and assessment details of its projects, a project's purpose, an
assessor's overall narrative, who recorded an organization's comment. The
replay of ``procure audit verify`` compares every stored fact with the trail,
so this migration appends one ``backfill`` row per stored row the trail did not
fully describe, with the facts it lacked, each saying in its reason that it was
backfilled by migration 0005 from the stored rows. Facts the trail did log are
never overridden: an edit of a logged fact stays a difference. The backfilled
facts are attested from this migration on, not before it.

No schema change. The rows are built with the trail check of this release.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence
from datetime import UTC, datetime

from alembic import op
from sqlmodel import Session

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from procure.services.trail_check import backfill_entries
    from procure.store import audit

    with Session(bind=op.get_bind()) as session:
        entries = backfill_entries(session, at=datetime.now(UTC))
        audit.append_many(session, entries)
        session.flush()


def downgrade() -> None:
    """The backfill rows stay: audit rows are never deleted (they are chained)."""
