"""A check reads one moment: verifying beside an officer recording payments finds nothing.

The chain check and the comparison of the tables with the trail read many tables in
many queries. Read at different moments, a payment committed between them is in the
table but not yet in the trail the check read, and an auditor is told the data was
tampered with when nothing was. Every reading engine (and :func:`snapshot` on any
engine) reads one snapshot.
"""

from __future__ import annotations

import multiprocessing
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from procure.services.lifecycle import fire as lc
from procure.services.loading.demo import DEMO_OFFICER
from procure.services.trail.check import trail_differences
from procure.services.trail.checkpoints import verify_trail
from procure.store.db import make_engine, new_session, snapshot
from tests.integration.concurrency.race import TIMEOUT, url_of

RECTIFYING = "SM-2019-004"  # 140,000 yuan of its contract still to pay
PAYMENTS = 40
VERIFICATIONS = 12


def _pay(url: str, started: Any) -> None:
    """Record one-yuan payments, each in its own transaction, as fast as they go."""
    engine = make_engine(url)
    try:
        started.set()
        for _ in range(PAYMENTS):
            with new_session(engine) as session:
                lc.record_payment(
                    session, RECTIFYING, DEMO_OFFICER, amount="1.00", paid_on="2019-12-01"
                )
                session.commit()
    finally:
        engine.dispose()


def _verify(session: Session) -> list[str]:
    """What ``procure audit verify`` reports: the chain's problems, then the differences."""
    report = verify_trail(session, [])
    return list(report.problems) + [str(d) for d in trail_differences(session)]


def _verify_beside_payments(engine: Engine, read: Any) -> tuple[int, list[str]]:
    """Verify ``VERIFICATIONS`` times (through ``read``) while another process pays."""
    context = multiprocessing.get_context("fork")
    started = context.Event()
    payer = context.Process(target=_pay, args=(url_of(engine), started))
    payer.start()
    alarms: list[str] = []
    try:
        assert started.wait(TIMEOUT)
        for _ in range(VERIFICATIONS):
            with read() as session:
                alarms += _verify(session)
    finally:
        payer.join(TIMEOUT)
    assert payer.exitcode == 0, "the officer's payments failed"
    return VERIFICATIONS, alarms


def test_audit_verify_beside_payments_never_raises_a_false_alarm(
    engine: Engine, starts_from_demo: None, backend: str
) -> None:
    reader = make_engine(url_of(engine), readonly=True)  # what `procure audit verify` reads with
    try:
        rounds, alarms = _verify_beside_payments(engine, lambda: new_session(reader))
    finally:
        reader.dispose()
    assert rounds == VERIFICATIONS
    assert alarms == []
    with snapshot(engine) as session:
        assert _verify(session) == []  # and the payments were all recorded, each explained


def test_a_snapshot_on_a_writing_engine_never_raises_a_false_alarm(
    engine: Engine, starts_from_demo: None, backend: str
) -> None:
    writer = make_engine(url_of(engine))  # what the verify job reads with
    try:
        _rounds, alarms = _verify_beside_payments(engine, lambda: snapshot(writer))
    finally:
        writer.dispose()
    assert alarms == []
