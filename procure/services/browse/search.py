"""Searching projects by part of their code or title, through an index made for it.

A search of three characters or more reads a trigram index (migration 0015): on SQLite
the FTS5 table ``project_search`` (code and title, trigram tokenizer, case folded), on
PostgreSQL the ``pg_trgm`` GIN indexes on code and title, which the planner uses for
``LIKE`` and ``ILIKE`` by itself. On SQLite the index is asked first for a bounded
number of matches (:func:`few_matches`): a rare text is then found by those ids, a
common one (thousands of titles hold it) by ``LIKE`` while reading a page in the sort's
order, which finds a page's worth early. A trigram needs three characters, so a search
of one or two (``心理``) is always a plain ``LIKE`` over the rows the other filters
leave (as is any search on a PostgreSQL server without ``pg_trgm``).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, literal, literal_column, or_, select, table, text
from sqlmodel import Session, col

from procure.store.models import Project

TRIGRAM = 3
"""The fewest characters the trigram index can find."""
ENOUGH = 2000
"""The fewest projects a quarter of the table is taken to be (see :func:`selective`)."""


def contains_clause(session: Session, searched: str) -> ColumnElement[bool]:
    """Code or title holds ``searched``, ignoring case.

    Case-folding every row triples a scan's cost (PostgreSQL's ILIKE, ``lower()``), so it
    is done only where it can matter: codes are capitals by rule, so they are matched
    against the text in capitals; a title is matched with ILIKE only when the text has
    letters with a case (Chinese has none), and on SQLite never, whose LIKE already
    ignores the case of ASCII letters.
    """
    sqlite = session.get_bind().dialect.name == "sqlite"
    pattern = contains_pattern(searched)
    code = col(Project.code).like(contains_pattern(searched.upper()), escape="\\")
    title = col(Project.title)
    cased = searched.lower() != searched.upper()
    if cased and not sqlite:
        return or_(code, title.ilike(pattern, escape="\\"))
    return or_(code, title.like(pattern, escape="\\"))


def few_matches(session: Session, searched: str, most: int) -> list[int] | None:
    """The ids of the projects whose code or title holds ``searched``, read from the
    SQLite trigram index, when there are at most ``most``; ``None`` when there are more,
    when the text is too short for a trigram, or on PostgreSQL (whose planner reads its
    trigram indexes for :func:`contains_clause` by itself)."""
    if session.get_bind().dialect.name != "sqlite" or len(searched) < TRIGRAM:
        return None
    phrase = '"' + searched.replace('"', '""') + '"'  # a substring; quotes are text
    matching = text("project_search MATCH :phrase").bindparams(phrase=phrase)
    rowid: ColumnElement[int] = literal_column("rowid")
    statement = select(rowid).select_from(table("project_search")).where(matching)
    ids = [row[0] for row in session.connection().execute(statement.limit(most + 1))]
    return ids if len(ids) <= most else None


def contains_pattern(searched: str) -> str:
    """A ``LIKE`` pattern (escape ``\\``) matching any text that holds ``searched``."""
    escaped = searched.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def selective(session: Session, clauses: list[ColumnElement[bool]]) -> bool:
    """Whether ``clauses`` keep fewer than a quarter of the projects (counted on their
    covering index, up to that quarter).

    A text searched by ``LIKE`` is read from each row the other filters keep: through
    their index when they keep few, one row at a time; when they keep a quarter of the
    projects or more, reading the table in its own order, in sequence, finds the matches
    sooner (SQLite's planner, without statistics, takes the index either way).
    """
    last = session.connection().execute(select(func.max(col(Project.id)))).scalar()
    quarter = max((last or 0) // 4, ENOUGH)
    kept = select(literal(1)).where(*clauses).limit(quarter)
    counted = session.connection().execute(select(func.count()).select_from(kept.subquery()))
    return int(counted.scalar_one()) < quarter
