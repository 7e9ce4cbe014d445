"""Database and system failures said in one sentence, instead of a driver's traceback."""

from __future__ import annotations

from procure.domain.language import N_, _
from procure.domain.text import quoted

_SQLITE_SENTENCES = (
    ("readonly database", N_("the database file is read-only: procure cannot record the change")),
    (
        "unable to open database file",
        N_(
            "the database file cannot be opened "
            "(does its folder exist and may procure write there?)"
        ),
    ),
    ("database is locked", N_("the database is busy with another procure; try again")),
    ("file is not a database", N_("the file given as the database is not a SQLite database")),
    ("database disk image is malformed", N_("the database file is damaged (malformed)")),
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
                return _(sentence)
        return _("database error: %(kind)s: %(text)s", kind=type(cause).__name__, text=text)
    if isinstance(exc, OverflowError):
        return _("a number given is too large to store")
    if isinstance(exc, RecursionError):
        return _("the data is nested too deeply to process")
    if isinstance(exc, MemoryError):
        return _("out of memory: the input is too large")
    if isinstance(exc, OSError):
        problem = exc.strerror or type(exc).__name__
        if exc.filename:
            return _("%(problem)s (%(file)s)", problem=problem, file=quoted(exc.filename))
        return problem
    return None


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
