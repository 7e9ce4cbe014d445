"""Database and system failures said in one sentence, instead of a driver's traceback."""

from __future__ import annotations

from procure.domain.text import quoted

_SQLITE_SENTENCES = (
    ("readonly database", "the database file is read-only: procure cannot record the change"),
    (
        "unable to open database file",
        "the database file cannot be opened (does its folder exist and may procure write there?)",
    ),
    ("database is locked", "the database is busy with another procure; try again"),
    ("file is not a database", "the file given as the database is not a SQLite database"),
    ("database disk image is malformed", "the database file is damaged (malformed)"),
)


def describe_failure(exc: BaseException) -> str | None:
    """Return one line saying what failed, or ``None`` for a failure that is a bug.

    A database error is described by the driver's own message (not SQLAlchemy's wrapper,
    whose first line can be about autoflush); the common SQLite ones get a sentence.
    """
    from sqlalchemy.exc import SQLAlchemyError

    if isinstance(exc, SQLAlchemyError):
        cause = getattr(exc, "orig", None) or exc
        text = _first_line(cause)
        for needle, sentence in _SQLITE_SENTENCES:
            if needle in text.lower():
                return sentence
        return f"database error: {type(cause).__name__}: {text}"
    if isinstance(exc, OverflowError):
        return "a number given is too large to store"
    if isinstance(exc, RecursionError):
        return "the data is nested too deeply to process"
    if isinstance(exc, MemoryError):
        return "out of memory: the input is too large"
    if isinstance(exc, OSError):
        where = f" ({quoted(exc.filename)})" if exc.filename else ""
        return f"{exc.strerror or type(exc).__name__}{where}"
    return None


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
