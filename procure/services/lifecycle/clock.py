"""The one clock: what "now" is for every service, page, command and job.

Every moment procure stamps or judges by, when nobody passed one (``at=``), comes from
:func:`now_utc`. It reads the system clock. Code that must run at another moment (the
tests: a deadline counted in working days from "now" needs a year whose holidays are
known) runs inside :func:`using_clock`, which sets the clock for the current context
only (a context variable: the block, and the threads and tasks started from it), or
builds the web app with ``create_app(clock=...)``. There is deliberately no setting,
option or environment variable that moves the clock of a running installation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

Clock = Callable[[], datetime]
"""A function returning the current moment as an aware ``datetime``."""

_CLOCK: ContextVar[Clock | None] = ContextVar("procure_clock", default=None)


def system_clock() -> datetime:
    """The system's current moment, in UTC."""
    return datetime.now(UTC)


def now_utc() -> datetime:
    """Return the current moment in UTC: the clock of :func:`using_clock`, else the system's."""
    clock = _CLOCK.get()
    return system_clock() if clock is None else clock().astimezone(UTC)


@contextmanager
def using_clock(clock: Clock) -> Iterator[None]:
    """Make ``clock`` the current one for the ``with`` block (this context only)."""
    token = _CLOCK.set(clock)
    try:
        yield
    finally:
        _CLOCK.reset(token)
