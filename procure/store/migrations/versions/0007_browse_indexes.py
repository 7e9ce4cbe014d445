"""browse indexes: the projects list's sort orders and the dashboard's sums, by index

Keyset pages sort by (column, id): one index per sort order that had none
(budget, title) and, for PostgreSQL, whose B-tree would not order ties by id
(year, state); and, since codes begin with their purchaser's prefix, a purchaser's
projects by code (a station's first page would otherwise scan every code before
its own). The dashboard sums read covering indexes instead of the rows:
projects by year and state (with purchaser and budget), contract amounts by
project, final grades by project, payments by contract.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES: tuple[tuple[str, str, list[str]], ...] = (
    ("ix_project_budget_id", "project", ["budget", "id"]),
    ("ix_project_title_id", "project", ["title", "id"]),
    ("ix_project_purchaser_code_id", "project", ["purchaser_id", "code", "id"]),
    ("ix_project_year_id", "project", ["year", "id"]),
    ("ix_project_state_id", "project", ["state", "id"]),
    (
        "ix_project_year_state_purchaser_budget",
        "project",
        ["year", "state", "purchaser_id", "budget"],
    ),
    ("ix_contract_project_id_amount", "contract", ["project_id", "amount"]),
    ("ix_assessment_project_id_final_grade", "assessment", ["project_id", "final", "grade"]),
    ("ix_payment_contract_id_amount", "payment", ["contract_id", "amount"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
