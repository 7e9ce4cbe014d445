"""The tests' one pinned moment, and a clock that runs on from it.

Deadlines count working days from "now" (an award's notice and objection windows, an
objection's answer), and the working-day calendar refuses a year whose holidays were not
announced yet (issue 13). So the tests never act at the real "now": in process they run
on :func:`pinned_clock` (tests/conftest.py pins every test; the web app gets it through
``create_app(clock=...)``), and the ``procure`` subprocesses run through
tests/pinned_procure.py, which starts them at :data:`PINNED`.

:data:`PINNED` lies in a year the calendar knows, far enough before its end that every
default deadline counted from it (60 calendar days at most) ends in the same year.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from procure.services.lifecycle.clock import Clock

PINNED = datetime(2026, 10, 12, 2, 0, tzinfo=UTC)
"""Monday 12 October 2026, 10:00 in Beijing: a working day, after the National Day week."""


def pinned_clock(start: datetime = PINNED) -> Clock:
    """A clock that reads ``start`` now and runs on in real time (so moments stay ordered)."""
    began = time.monotonic()

    def now() -> datetime:
        return start + timedelta(seconds=time.monotonic() - began)

    return now
