"""Run a change in a transaction of its own, turning clashes with other writers into words.

Two officers acting at the same moment can collide in ways a row lock does not
prevent: both insert the same contract number, the same bar or the first audit
head; PostgreSQL may pick one of two transactions as a deadlock victim. Such a
clash is retried a few times from scratch: on the retry the rule that guards it
sees the other officer's committed row and refuses in its own words (or the
benign clash simply succeeds). A wait for a lock that runs out (PostgreSQL's
``lock_timeout``, SQLite's busy timeout) becomes :class:`Busy`: "try again".
Nothing here commits half a change: every failed attempt is rolled back whole.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from procure.domain.errors import Busy, Refused
from procure.domain.language import _

_LOGGER = logging.getLogger(__name__)

ATTEMPTS = 4
T = TypeVar("T")

_RETRIED_SQLSTATES = frozenset({"40001", "40P01"})  # serialization failure, deadlock
_BUSY_SQLSTATES = frozenset({"55P03"})  # lock_not_available: lock_timeout ran out


def _sqlstate(exc: BaseException) -> str | None:
    original = getattr(exc, "orig", None)
    state = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    return str(state) if state else None


def is_clash(exc: BaseException) -> bool:
    """Whether ``exc`` is a clash with a concurrent writer that a fresh attempt may resolve."""
    if isinstance(exc, IntegrityError | StaleDataError):
        return True
    return isinstance(exc, DBAPIError) and _sqlstate(exc) in _RETRIED_SQLSTATES


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` says a lock could not be had within the wait allowed."""
    if isinstance(exc, DBAPIError) and _sqlstate(exc) in _BUSY_SQLSTATES:
        return True
    return isinstance(exc, OperationalError) and "database is locked" in str(exc)


def busy(what: str) -> Busy:
    """The refusal of a change that waited too long for another officer's."""
    return Busy(
        _(
            "%(what)s: the database is busy with another change; try again in a moment",
            what=what,
        )
    )


def clash(what: str) -> Refused:
    """The refusal of a change that kept colliding with other officers' changes."""
    return Refused(
        _(
            "%(what)s refused: it collided with another change saved at the same moment;"
            " look again and retry",
            what=what,
        )
    )


def committed(session: Session, change: Callable[[], T], *, what: str) -> T:
    """Run ``change`` and commit; retry it on a clash; roll back whole on any error.

    Args:
        session: the session whose transaction ``change`` works in.
        change: the work, re-runnable from scratch (it reads what it needs each time).
        what: the change in a few words, for a refusal ("sign_contract on SM-2019-001").

    Raises:
        Busy: a lock was not had within the wait allowed.
        Refused: the rule's own refusal, or a clash that persisted after every retry.
    """
    last: BaseException | None = None
    for attempt in range(1, ATTEMPTS + 1):
        try:
            result = change()
            session.commit()
            return result
        except BaseException as exc:
            session.rollback()
            if is_busy(exc):
                raise busy(what) from exc
            if not is_clash(exc):
                raise
            _LOGGER.info("%s clashed with another writer (attempt %d): %s", what, attempt, exc)
            last = exc
    raise clash(what) from last


def rehearsed(session: Session, change: Callable[[], T]) -> T:
    """Run ``change`` and roll it back whatever happens: what it would do, with its
    refusals, and nothing stored (a confirmation page restates it before it is done)."""
    try:
        return change()
    finally:
        session.rollback()


def carried_out(
    session: Session, change: Callable[[], T], *, what: str, rehearse: bool = False
) -> T:
    """:func:`committed`, or with ``rehearse`` only :func:`rehearsed`."""
    return rehearsed(session, change) if rehearse else committed(session, change, what=what)
