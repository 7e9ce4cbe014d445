"""A read-only session answers a repeated lookup once per transaction (its snapshot
would give the same row), and a new transaction reads afresh."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session

from procure.domain.errors import NotFound
from procure.services.browse.visibility import ViewerScope, readable_project, viewer_scope
from procure.store import queries
from procure.store.db import make_engine, new_session, snapshot
from procure.store.reads import remember_reads
from tests.integration.builders import CODE, OFFICER, project_at
from tests.integration.concurrency.race import url_of


def test_a_reader_looks_a_project_up_once_a_transaction(session: Session, engine: Engine) -> None:
    project_at(session, "draft")
    reader_engine = make_engine(url_of(engine), readonly=True)
    statements: list[str] = []

    def remember(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(reader_engine, "before_cursor_execute", remember)
    try:
        with remember_reads(new_session(reader_engine)) as reader:
            first = queries.project_by_code(reader, CODE)
            assert queries.project_by_code(reader, CODE) is first
            assert len(statements) == 1
            reader.commit()  # a new transaction: a new snapshot, read again

            queries.project_by_code(reader, CODE)
            assert len(statements) == 2
    finally:
        reader_engine.dispose()


def test_a_writing_session_reads_afresh(session: Session) -> None:
    project_at(session, "draft")
    queries.project_by_code(session, CODE)
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(session.get_bind(), "before_cursor_execute", listener)
    try:
        queries.project_by_code(session, CODE)
    finally:
        event.remove(session.get_bind(), "before_cursor_execute", listener)
    assert len(statements) == 1


def test_a_remembered_project_is_not_read_for_a_narrower_scope_of_the_same_login(
    session: Session,
) -> None:
    project_at(session, "draft")
    session.commit()
    reader = remember_reads(new_session(session.get_bind()))
    try:
        wide = viewer_scope(reader, OFFICER.name)
        assert readable_project(reader, wide, CODE).code == CODE
        with pytest.raises(NotFound, match="未知项目"):
            readable_project(reader, ViewerScope(wide.login), CODE)  # reaches nothing
    finally:
        reader.close()


@pytest.mark.parametrize(
    "database_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_a_read_only_transaction_on_postgresql_keeps_the_prepared_statements(
    session: Session, engine: Engine
) -> None:
    project_at(session, "contracted")
    reader_engine = make_engine(url_of(engine), readonly=True, pool_size=1, max_overflow=0)
    try:
        for _ in range(8):  # psycopg prepares a statement from its sixth run on a connection
            with snapshot(reader_engine) as reader:
                queries.project_by_code(reader, CODE)
        with snapshot(reader_engine) as reader:
            prepared = reader.connection().exec_driver_sql(
                "SELECT count(*) FROM pg_prepared_statements"
            )
            assert prepared.scalar_one() >= 1  # a rollback would have forgotten them all
    finally:
        reader_engine.dispose()
