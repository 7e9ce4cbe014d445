"""Year-end renewal: renew, rectify or drop a whole year's contracts in one run.

:func:`renew_year` plans first: a few set-based queries read every contract of
the year with its final assessment, the renewal policy decides each one, and
the decision is fired through the one workflow machine (``rules.engine``) on a
scratch project row, so the same guards judge it as on a single project. With
``apply`` it then writes the plan a chunk at a time, each chunk one
transaction: the state changes, the next year's projects (awarded to the same
organization, the contract terms carried forward), the bars of dropped
organizations and the audit rows, all tagged with the run's batch id. An
interrupted run leaves every contract either fully processed or untouched; a
re-run skips what is already decided and finishes the rest.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from procure.domain.checkpoint import Checkpoint
from procure.domain.errors import InvalidInput, ProcureError
from procure.domain.language import _
from procure.services.accounts.authorization import Scope, acting
from procure.services.lifecycle.clock import now_utc
from procure.services.lifecycle.fire import check_actor
from procure.services.renewal.plan import (
    DECIDE,
    REFUSED,
    SKIP,
    Planned,
    Recheck,
    RenewalPlanItem,
    plan_year,
)
from procure.services.renewal.writes import DONE, RenewalResult, judged, to_write
from procure.services.trail.checkpoints import Signer, take_checkpoint
from procure.store import audit, bulk, conflicts, queries
from procure.store import checkpoints as store_checkpoints
from procure.store import renewal_rows as rows
from procure.workflow.context import Actor
from procure.workflow.rules import Rules, default_rules

_LOGGER = logging.getLogger(__name__)


CHUNK_SIZE = 10_000


DEFAULT_ACTOR = Actor("procure renew", "officer")


Progress = Callable[[int, int], None]


__all__ = ["RenewalPlanItem", "RenewalResult", "RenewalRun", "renew_year"]


class RenewalConflict(ProcureError):
    """Another writer changed a chunk's projects between the lock and the update."""


@dataclass
class RenewalRun:
    """A run's plan and, when applied, its results."""

    year: int
    purchaser: str | None
    applied: bool
    batch_id: str | None
    plan: list[RenewalPlanItem]
    results: list[RenewalResult] = field(default_factory=list)
    checkpoint: Checkpoint | None = None

    @property
    def counts(self) -> dict[str, int]:
        """How many contracts the plan renews, rectifies, drops, skips and refuses."""
        counted = Counter(item.action for item in self.plan)
        return {action: counted.get(action, 0) for action in _ACTIONS_SHOWN}

    @property
    def changed(self) -> int:
        """How many contracts this run changed (0 for a dry run or a finished year)."""
        return sum(1 for result in self.results if result.status == DONE)

    @property
    def refused(self) -> int:
        """How many contracts a rule refused while applying (``procure renew`` exits 1 then)."""
        return sum(1 for result in self.results if result.status == REFUSED)

    @property
    def failures(self) -> list[RenewalResult]:
        """The items a rule refused or another writer decided first, with the reason."""
        return [result for result in self.results if result.status != DONE]

    def to_dict(self) -> dict[str, Any]:
        """The run as plain data (for ``--json``)."""
        return {
            "year": self.year,
            "purchaser": self.purchaser,
            "applied": self.applied,
            "batch_id": self.batch_id,
            "counts": self.counts,
            "changed": self.changed,
            "plan": [asdict(item) for item in self.plan],
            "results": [asdict(result) for result in self.results],
            "checkpoint": self.checkpoint.to_dict() if self.checkpoint else None,
        }


_ACTIONS_SHOWN = ("renew", "rectify", "drop", SKIP, DECIDE, REFUSED)


def renew_year(
    session_or_url: Session | str,
    year: int,
    purchaser: str | None = None,
    apply: bool = False,
    *,
    actor: Actor | None = None,
    chunk_size: int = CHUNK_SIZE,
    progress: Progress | None = None,
    rules: Rules | None = None,
    at: datetime | None = None,
    signer: Signer | None = None,
) -> RenewalRun:
    """Plan, and with ``apply`` carry out, the renewal decisions of a funding year.

    Args:
        session_or_url: an open session, or a database URL to open (and close) here, read
            as a bulk writer (SQLite through no memory map).
        year: the funding year whose contracts are decided.
        purchaser: only this purchaser's contracts (its code); all purchasers if None.
        apply: write the plan; without it nothing in the database changes.
        actor: the officer account carrying the run out (needed with ``apply``).
        chunk_size: contracts per transaction.
        progress: called with ``(done, total)`` after each committed chunk; an
            exception it raises stops the run, keeping the chunks committed so far.
        rules: the loaded configuration (default: the installed ``workflows/``).
        at: the moment the decisions are taken (default: now); judges comment windows.
        signer: with ``apply``, sign a checkpoint of the audit chain before the run (so a
            chain that no longer holds refuses the run before it changes anything) and
            after it (``run.checkpoint``).

    Returns:
        The plan and, when applied, one result per planned decision.

    Raises:
        InvalidInput: a bad year, chunk size or actor.
        NotFound: an unknown purchaser.
    """
    if isinstance(session_or_url, str):
        from procure.store.db import BULK_MMAP_BYTES, make_engine, new_session

        engine = make_engine(session_or_url, mmap_bytes=BULK_MMAP_BYTES)
        try:
            with new_session(engine) as session:
                return renew_year(
                    session,
                    year,
                    purchaser,
                    apply,
                    actor=actor,
                    chunk_size=chunk_size,
                    progress=progress,
                    rules=rules,
                    at=at,
                    signer=signer,
                )
        finally:
            engine.dispose()
    session = session_or_url
    signing = signer if apply else None
    run = _run(
        session,
        year,
        purchaser,
        apply,
        actor,
        chunk_size,
        progress,
        rules,
        at or now_utc(),
        signing,
    )
    run.checkpoint = _checkpoint(session, signing)
    return run


def _checkpoint(session: Session, signer: Signer | None) -> Checkpoint | None:
    """Sign the chain's head (or reuse the newest checkpoint); nothing for an empty trail."""
    if signer is None:
        return None
    if store_checkpoints.head(session) is None:
        session.rollback()
        return None
    return take_checkpoint(session, signer)


def _run(
    session: Session,
    year: int,
    purchaser: str | None,
    apply: bool,
    actor: Actor | None,
    chunk_size: int,
    progress: Progress | None,
    rules: Rules | None,
    at: datetime,
    signer: Signer | None = None,
) -> RenewalRun:
    if apply:
        if actor is None:
            raise InvalidInput("applying a renewal run needs the officer acting (actor=…)")
        actor = check_actor(actor)
    actor = actor or DEFAULT_ACTOR
    if chunk_size < 1:
        raise InvalidInput(f"chunk size must be at least 1, got {chunk_size}")
    batch_id = f"renew-{year}-{at:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}" if apply else None
    try:
        plan, work = plan_year(
            session, year, purchaser, rules or default_rules(), actor, at, batch_id
        )
        if apply:
            actor = _authorized(session, actor, year, {p.purchaser_code for p in work})
    finally:
        session.rollback()  # planning only reads; end its transaction (and SQLite's lock)
    _checkpoint(session, signer)  # a chain that no longer holds refuses the run here
    run = RenewalRun(year, purchaser, apply, batch_id, plan)
    if apply:
        run.results = _refusals(plan) + _apply(session, work, actor, batch_id, chunk_size, progress)
        _LOGGER.info("renewal run %s changed %d contracts", batch_id, run.changed)
    return run


def _authorized(session: Session, actor: Actor, year: int, purchasers: set[str]) -> Actor:
    """The actor, checked as an officer of every purchaser whose contracts the run decides."""
    checked = actor
    for code in sorted(purchasers):
        scope = Scope(purchaser=queries.purchaser_by_code(session, code))
        checked = acting(
            session, actor, scope, _("The renewal of %(year)s for %(code)s", year=year, code=code)
        )
    return checked


def _refusals(plan: list[RenewalPlanItem]) -> list[RenewalResult]:
    return [
        RenewalResult(item.project, item.action, item.action, item.reason)
        for item in plan
        if item.action in (REFUSED, DECIDE)
    ]


def _apply(
    session: Session,
    work: list[Planned],
    actor: Actor,
    batch_id: str | None,
    chunk_size: int,
    progress: Progress | None,
) -> list[RenewalResult]:
    results: list[RenewalResult] = []
    for start in range(0, len(work), chunk_size):
        chunk = work[start : start + chunk_size]
        try:
            results += _apply_chunk(session, chunk, actor, batch_id)
            session.commit()
        except BaseException as exc:
            session.rollback()
            if conflicts.is_busy(exc):  # chunks committed so far stay; a re-run finishes
                raise conflicts.busy(
                    f"renewal of contracts {start + 1}–{start + len(chunk)}"
                ) from exc
            raise
        if progress is not None:
            progress(start + len(chunk), len(work))
    return results


def _apply_chunk(
    session: Session,
    chunk: list[Planned],
    actor: Actor,
    batch_id: str | None,
) -> list[RenewalResult]:
    """Write one chunk under its purchasers' locks, each item judged again first.

    The state changes, next-year projects and bars are sent without waiting
    (:class:`bulk.Writes`): the database applies them while the audit rows are
    built and hashed. They are hashed onto the chain's head as last committed and,
    once the head is locked (after the state changes, as every writer locks it
    last), hashed again only if another writer appended in between.
    """
    rows.lock_purchasers(session, {planned.row.purchaser_id for planned in chunk})
    locked = rows.lock_projects(session, [planned.row.project_id for planned in chunk])
    results, moving = judged(chunk, locked, Recheck(session, chunk[0].year))
    after = audit.peek_head(session)
    writes = bulk.Writes(session.connection())
    try:
        rows.move_projects(writes, [(p.row.project_id, p.row.state, p.to_state) for p in moving])
        projects, bars, entries = to_write(moving, locked, actor, batch_id)
        rows.insert_projects(writes, projects)
        rows.insert_bars(writes, bars)
        chained = audit.chain(*after, entries)  # on the head as last read: checked below
        if writes.sync() != len(moving):
            raise RenewalConflict("another writer changed projects of this chunk; run it again")
        head = audit.locked_head(session)
        if not chained.follows(head):  # another writer appended meanwhile: chain again
            chained = audit.chain(head.seq, head.last_hash, entries)
        audit.insert_chained(writes, chained)
    except BaseException as error:
        writes.close(error)
        raise
    writes.close()
    audit.move_head(session, head, chained)
    return results
