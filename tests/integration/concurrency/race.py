"""Release N processes at the same moment on one database and tally what each got.

Each process opens its own engine and session, runs ``prepare`` (e.g. looks the
project up, as a screen would before the officer clicks), waits at a barrier with
the others, then runs ``act``. The outcome is ``ok``, ``refused`` (a procure error:
one line in plain words) or ``raw`` (anything else: a database error reaching the
user). :func:`check_invariants` then reads the database back.
"""

from __future__ import annotations

import multiprocessing
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from procure.domain.errors import ProcureError
from procure.store import audit, queries
from procure.store.db import make_engine, new_session
from procure.store.models import Bar, Contract, Payment, Project, Purchaser, TransitionLog

WORKERS = 8
TIMEOUT = 60
Act = Callable[[Session, int], Any]


@dataclass
class Tally:
    """What the processes got: successes, clean refusals and raw errors (with their text)."""

    case: str
    ok: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    @property
    def attempts(self) -> int:
        return len(self.ok) + len(self.refused) + len(self.raw)

    def line(self, violations: int) -> str:
        return (
            f"{self.case}: attempts {self.attempts}, successes {len(self.ok)}, "
            f"clean refusals {len(self.refused)}, raw errors {len(self.raw)}, "
            f"invariant violations {violations}; slowest {max(self.seconds, default=0):.2f} s"
        )


def _worker(
    url: str,
    prepare: Act | None,
    act: Act,
    index: int,
    barrier: Any,
    results: Any,
) -> None:
    engine = make_engine(url)
    outcome: tuple[str, str]
    started = time.perf_counter()
    try:
        with new_session(engine) as session:
            session.connection()  # connected before the barrier: all start level
            if prepare is not None:
                prepare(session, index)
            session.commit()
            barrier.wait(TIMEOUT)
            started = time.perf_counter()
            try:
                value = act(session, index)
                session.commit()
                outcome = ("ok", repr(value))
            except ProcureError as exc:
                session.rollback()
                outcome = ("refused", str(exc))
            except Exception as exc:  # what would reach the officer as a raw error
                session.rollback()
                outcome = ("raw", f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
    except Exception:
        outcome = ("raw", traceback.format_exc(limit=3))
    finally:
        engine.dispose()
    results.put((index, *outcome, time.perf_counter() - started))


def race(
    case: str, url: str, act: Act, *, prepare: Act | None = None, workers: int = WORKERS
) -> Tally:
    """Run ``act`` in ``workers`` processes released together; return the tally."""
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(workers)
    results = context.Queue()
    processes = [
        context.Process(target=_worker, args=(url, prepare, act, i, barrier, results))
        for i in range(workers)
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=TIMEOUT) for _ in processes]
    for process in processes:
        process.join(TIMEOUT)
    tally = Tally(case)
    for _index, kind, text, seconds in sorted(outcomes):
        getattr(tally, kind).append(text)
        tally.seconds.append(seconds)
    return tally


def check_invariants(engine: Engine) -> list[str]:
    """Read the database back; return every broken invariant, in words."""
    problems: list[str] = []
    with new_session(engine) as session:
        report = audit.verify_chain(session)
        if not report.ok:
            problems.append(f"audit chain broken at {report.broken_seq}: {report.problem}")
        for project in session.exec(select(Project)):
            problems += _trail_problems(session, project)
        problems += _funds_problems(session)
        problems += _renewals_after_bars(session)
        problems += _payment_problems(session)
    return problems


def _trail_problems(session: Session, project: Project) -> list[str]:
    rows = audit.rows_for_project(session, project.code)
    problems: list[str] = []
    state: str | None = None
    for row in rows:
        if row.from_state is not None and row.from_state != state:
            problems.append(
                f"{project.code}: row {row.seq} ({row.trigger}) fired from {row.from_state}, "
                f"but the trail had it in {state}"
            )
        state = row.to_state if row.to_state is not None else state
    if state != project.state:
        problems.append(f"{project.code}: state {project.state}, its trail ends in {state}")
    return problems


def _funds_problems(session: Session) -> list[str]:
    problems: list[str] = []
    for purchaser in session.exec(select(Purchaser)):
        years = set(session.exec(select(Project.year).where(Project.purchaser_id == purchaser.id)))
        for year in years:
            committed = queries.committed_budget(session, purchaser.id or 0, year, excluding=-1)
            if committed > purchaser.annual_funds:
                funds = purchaser.annual_funds
                problems.append(f"{purchaser.code} {year}: {committed} committed, funds {funds}")
    return problems


def _renewals_after_bars(session: Session) -> list[str]:
    """No renewal is recorded after the bar that forbids it."""
    problems: list[str] = []
    for bar in session.exec(select(Bar)):
        dropped = session.get(Project, bar.project_id)
        assert dropped is not None
        placed = [
            r.seq for r in audit.rows_for_project(session, dropped.code) if r.trigger == "drop"
        ]
        renewed = session.exec(
            select(Project)
            .join(Contract, col(Contract.project_id) == col(Project.id))
            .where(
                Contract.organization_id == bar.organization_id,
                Project.purchaser_id == bar.purchaser_id,
                Project.year == bar.year - 1,
                Project.state == "renewed",
            )
        )
        for project in renewed:
            for row in audit.rows_for_project(session, project.code):
                if row.to_state == "renewed" and placed and row.seq > placed[0]:
                    problems.append(
                        f"{project.code} renewed (row {row.seq}) after the bar of "
                        f"{dropped.code} (row {placed[0]})"
                    )
    return problems


def _payment_problems(session: Session) -> list[str]:
    problems: list[str] = []
    for contract in session.exec(select(Contract)):
        paid = sum(
            session.exec(select(col(Payment.amount)).where(Payment.contract_id == contract.id)),
            Decimal("0.00"),
        )
        if paid > contract.amount:
            problems.append(f"contract {contract.number}: paid {paid} above {contract.amount}")
    return problems


def transitions(engine: Engine, code: str, trigger: str) -> int:
    """How many audit rows record ``trigger`` on project ``code``."""
    with new_session(engine) as session:
        statement = select(TransitionLog).where(
            TransitionLog.project_code == code, TransitionLog.trigger == trigger
        )
        return len(list(session.exec(statement)))


FIGURES: list[str] = []
"""One line per raced case (printed in the test summary: the issue's closing figures)."""


def settle(tally: Tally, engine: Engine, backend: str) -> list[str]:
    """Check the invariants after a race, record the case's figures and return the problems."""
    problems = check_invariants(engine)
    tally.case = f"[{backend}] {tally.case}"
    FIGURES.append(tally.line(len(problems)))
    for sample in sorted(set(tally.refused))[:2] + tally.raw[:2]:
        FIGURES.append(f"    e.g. {sample}")
    return problems


def url_of(engine: Engine) -> str:
    """The engine's URL as the processes need it (password included)."""
    return engine.url.render_as_string(hide_password=False)
