"""Run the ``procure`` command line with the whole process's clock at the tests' moment.

Tests only: ``python tests/pinned_procure.py ARGS`` is ``procure ARGS`` started at
:data:`tests.clock.PINNED` (and running on from it). The end-to-end tests run the CLI and
``procure serve`` in subprocesses, which a clock object cannot reach; time-machine (a dev
dependency) moves this process's clock instead: ``datetime``, ``date`` and ``time``. The
travel starts when this module is imported, not under ``__main__``, on purpose: the job
worker that ``procure serve`` spawns re-imports the parent's main module, so it runs at
the pinned moment too. A test that needs another moment (a year the working-day calendar
does not know) names it in ``PINNED_AT_ENV``, read here only. Nothing in procure itself can
move its clock.

A test of a ``procure renew`` killed between two chunks names a smaller chunk in
``RENEW_CHUNK_ENV``, so a year of a few thousand contracts has several chunks (procure's
own chunk is 10,000 contracts, a year ten times that size would cost the test a minute).
"""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path

import time_machine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.clock import PINNED  # noqa: E402  (the repository root is on the path now)

PINNED_AT_ENV = "PROCURE_TESTS_PINNED_AT"
"""An ISO moment with its offset, e.g. ``2026-12-28T10:00:00+08:00`` (default: PINNED)."""

RENEW_CHUNK_ENV = "PROCURE_TESTS_RENEW_CHUNK"
"""Contracts per transaction of ``procure renew`` in this process (default: procure's own)."""

_moment = os.environ.get(PINNED_AT_ENV)
time_machine.travel(datetime.fromisoformat(_moment) if _moment else PINNED, tick=True).start()

_chunk = os.environ.get(RENEW_CHUNK_ENV)
if _chunk:
    from procure.services.renewal.run import renew_year

    assert renew_year.__kwdefaults__ is not None and "chunk_size" in renew_year.__kwdefaults__
    renew_year.__kwdefaults__["chunk_size"] = int(_chunk)

if __name__ == "__main__":
    from procure.cli import run

    sys.argv[0] = "procure"
    run()
