"""an index made for searching projects by part of their code or title (issue 25)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05

SQLite: an FTS5 table ``project_search`` with the trigram tokenizer over each project's
code and title, its content read from ``project`` (rowid = project id) and kept in step
by triggers; every project present is indexed now. PostgreSQL: the ``pg_trgm``
extension (in schema ``public``, so that dropping one schema never drops it) and
trigram GIN indexes on ``project.code`` and ``project.title``, which ``LIKE`` and
``ILIKE`` with a pattern of three characters or more use. A server that cannot create
the extension gets no trigram index: the migration warns and searching stays a scan
(correct, slower). Chinese titles are indexed character by character on both.

Imports nothing of procure's, so the migration stays what it was whatever the code
becomes.
"""

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LOGGER = logging.getLogger(__name__)

SQLITE_UP = (
    "CREATE VIRTUAL TABLE project_search USING fts5("
    "code, title, content='project', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER project_search_insert AFTER INSERT ON project BEGIN "
    "INSERT INTO project_search(rowid, code, title) VALUES (new.id, new.code, new.title); END",
    "CREATE TRIGGER project_search_delete AFTER DELETE ON project BEGIN "
    "INSERT INTO project_search(project_search, rowid, code, title) "
    "VALUES ('delete', old.id, old.code, old.title); END",
    "CREATE TRIGGER project_search_update AFTER UPDATE OF code, title ON project BEGIN "
    "INSERT INTO project_search(project_search, rowid, code, title) "
    "VALUES ('delete', old.id, old.code, old.title); "
    "INSERT INTO project_search(rowid, code, title) VALUES (new.id, new.code, new.title); END",
    "INSERT INTO project_search(project_search) VALUES ('rebuild')",
)
SQLITE_DOWN = (
    "DROP TRIGGER project_search_update",
    "DROP TRIGGER project_search_delete",
    "DROP TRIGGER project_search_insert",
    "DROP TABLE project_search",
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)
        return
    schema = _trigram_schema(bind)
    if schema is None:
        return
    for column in ("code", "title"):
        op.execute(
            f"CREATE INDEX ix_project_{column}_trgm ON project "
            f'USING gin ({column} "{schema}".gin_trgm_ops)'
        )


def _trigram_schema(bind: sa.Connection) -> str | None:
    """The schema of ``pg_trgm`` (created now if missing), or None when it cannot be."""
    found = bind.execute(
        sa.text(
            "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'"
        )
    ).scalar()
    if found is not None:
        return str(found)
    savepoint = bind.begin_nested()
    try:
        bind.execute(sa.text("CREATE EXTENSION pg_trgm SCHEMA public"))
    except sa.exc.DBAPIError as exc:
        savepoint.rollback()
        _LOGGER.warning(
            "search index not created: the PostgreSQL extension pg_trgm is not available "
            "(%s); searching projects reads the whole table",
            str(exc.orig).splitlines()[0] if exc.orig else exc,
        )
        return None
    savepoint.commit()
    return "public"


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
        return
    op.execute("DROP INDEX IF EXISTS ix_project_title_trgm")
    op.execute("DROP INDEX IF EXISTS ix_project_code_trgm")
