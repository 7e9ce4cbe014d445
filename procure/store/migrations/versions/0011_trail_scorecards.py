"""trail scorecards: give the trail the scorecard facts a record is computed from

``audit verify`` now compares what a printed record is computed from and the trail did
not cover: each pinned scorecard version (its digest, the digest of its stored
definition, its first use), the version each review and assessment sheet was scored on,
the assessors' inputs and the moment each sheet and comment was recorded. The triggers
log them from this release on; this migration appends one ``backfill`` row per stored row
whose facts the trail lacked (as migration 0005 did), each saying in its reason that
migration 0011 took them from the stored rows. Facts the trail did log are never
overridden. The backfilled facts are attested from this migration on, not before it.

No schema change. The rows are built with the trail check of this release.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

from collections.abc import Sequence
from datetime import UTC, datetime

from alembic import op
from sqlmodel import Session

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REASON = (
    "backfilled by migration 0011 from the stored rows: the trail before it did not log "
    "this scorecard fact"
)


def upgrade() -> None:
    from procure.services.trail_check import backfill_entries
    from procure.store import audit

    with Session(bind=op.get_bind()) as session:
        entries = backfill_entries(
            session, at=datetime.now(UTC), reason=REASON, actor=("migration 0011", "admin")
        )
        audit.append_many(session, entries)
        session.flush()


def downgrade() -> None:
    """The backfill rows stay: audit rows are never deleted (they are chained)."""
