"""checkpoint witnesses and backups: where copies of the evidence went

``checkpoint_witness``: one row per checkpoint delivered to one witness (a folder, an
HTTP endpoint, an auditor's mailbox). ``backup_record``: one row per ``procure backup``.
The table shapes are written out here, importing nothing of the application.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "checkpoint_witness",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("checkpoint_at", sa.String(length=32), nullable=False),
        sa.Column("witness", sa.String(length=300), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("seq", "public_key", "witness"),
    )
    op.create_index("ix_checkpoint_witness_seq", "checkpoint_witness", ["seq"])
    op.create_table(
        "backup_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("method", sa.String(length=32), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("checkpoint_seq", sa.Integer(), nullable=True),
        sa.Column("taken_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_backup_record_taken_at", "backup_record", ["taken_at"])


def downgrade() -> None:
    op.drop_index("ix_backup_record_taken_at", table_name="backup_record")
    op.drop_table("backup_record")
    op.drop_index("ix_checkpoint_witness_seq", table_name="checkpoint_witness")
    op.drop_table("checkpoint_witness")
