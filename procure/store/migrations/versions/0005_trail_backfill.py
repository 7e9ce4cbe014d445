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

No schema change. The rows are built by the trail check, handed in as the data step
``trail_backfill`` (``procure init`` and every upgrade through
:func:`procure.services.trail.check.upgrade_database` pass it); this migration imports no
application code. A database with no purchaser, organization or project needs no backfill;
one with data, upgraded without the step, is refused and nothing changes.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_STEP = "trail_backfill"
_DATA_TABLES = ("purchaser", "organization", "project")


def upgrade() -> None:
    connection = op.get_bind()
    step = context.config.attributes.get("data_steps", {}).get(_STEP)
    if step is not None:
        step(connection)
        return
    for table in _DATA_TABLES:
        if connection.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None:
            raise RuntimeError(
                "migration 0005 backfills the audit trail from the stored rows and needs the "
                "trail check: upgrade this database with `procure init`"
            )


def downgrade() -> None:
    """The backfill rows stay: audit rows are never deleted (they are chained)."""
