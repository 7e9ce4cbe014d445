"""Searching projects by part of their code or title, through an index made for it.

A search of three characters or more reads a trigram index (migration 0014): on SQLite
the FTS5 table ``project_search`` (code and title, trigram tokenizer, case folded), on
PostgreSQL the ``pg_trgm`` GIN indexes on code and title, which the planner uses for
``LIKE`` and ``ILIKE`` by itself. A trigram needs three characters, so a search of one
or two (``心理``) is a plain ``LIKE`` over the rows the other filters leave (as is any
search on a PostgreSQL server without ``pg_trgm``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, literal_column, or_, select, table, text
from sqlmodel import Session, col

from procure.store.models import Project

TRIGRAM = 3
"""The fewest characters the trigram index can find."""


def contains_clause(session: Session, searched: str) -> ColumnElement[bool]:
    """Code or title holds ``searched``, ignoring case.

    Case-folding every row triples a scan's cost (PostgreSQL's ILIKE, ``lower()``), so it
    is done only where it can matter: codes are capitals by rule, so they are matched
    against the text in capitals; a title is matched with ILIKE only when the text has
    letters with a case (Chinese has none), and on SQLite never, whose LIKE already
    ignores the case of ASCII letters.
    """
    sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite and len(searched) >= TRIGRAM:
        return col(Project.id).in_(_fts_matches(searched))
    pattern = contains_pattern(searched)
    code = col(Project.code).like(contains_pattern(searched.upper()), escape="\\")
    title = col(Project.title)
    cased = searched.lower() != searched.upper()
    if cased and not sqlite:
        return or_(code, title.ilike(pattern, escape="\\"))
    return or_(code, title.like(pattern, escape="\\"))


def _fts_matches(searched: str) -> Select[tuple[Any]]:
    """The ids of the projects whose code or title holds ``searched`` (one FTS5 phrase:
    with the trigram tokenizer, a substring; quotes doubled, nothing else special)."""
    phrase = '"' + searched.replace('"', '""') + '"'
    return (
        select(literal_column("rowid"))
        .select_from(table("project_search"))
        .where(text("project_search MATCH :phrase").bindparams(phrase=phrase))
    )


def contains_pattern(searched: str) -> str:
    """A ``LIKE`` pattern (escape ``\\``) matching any text that holds ``searched``."""
    escaped = searched.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
