"""trail scorecards: give the trail the scorecard facts a record is computed from

``audit verify`` now compares what a printed record is computed from and the trail did
not cover: each pinned scorecard version (its digest, the digest of its stored
definition, its first use), the version each review and assessment sheet was scored on,
the assessors' inputs and the moment each sheet and comment was recorded. The triggers
log them from this release on; this migration appends one ``backfill`` row per stored row
whose facts the trail lacked (as migration 0005 did), each saying in its reason that
migration 0011 took them from the stored rows. Facts the trail did log are never
overridden. The backfilled facts are attested from this migration on, not before it.

No schema change. The rows are built by the trail check, handed in as the data step
``trail_scorecards`` (see migration 0005); this migration imports no application code. A
database with no scorecard version pinned needs no backfill; one with pins, upgraded without
the step, is refused and nothing changes.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STEP = "trail_scorecards"


def upgrade() -> None:
    connection = op.get_bind()
    step = context.config.attributes.get("data_steps", {}).get(_STEP)
    if step is not None:
        step(connection)
        return
    pinned = connection.execute(sa.text("SELECT 1 FROM scorecard_version LIMIT 1")).first()
    if pinned is not None:
        raise RuntimeError(
            "migration 0011 backfills the trail's scorecard facts from the stored rows and "
            "needs the trail check: upgrade this database with `procure init`"
        )


def downgrade() -> None:
    """The backfill rows stay: audit rows are never deleted (they are chained)."""
