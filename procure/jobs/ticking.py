"""The daily tick as a background job: the job worker runs ``procure tick`` once a day.

With ``PROCURE_TICK_BY`` naming the account the tick acts through, every job worker (the
one ``procure serve`` starts on SQLite, ``procure worker`` on PostgreSQL) asks, about once
a minute, for the tick of the Beijing day once its hour (``PROCURE_TICK_AT``, default
06:00) has come. The job's key is the day, and a tick job of that day in any state (queued,
running, done or failed) stops another being asked for: one tick a day, whatever the
number of workers; a failed one is retried by the job runner, not by a new request. The
tick itself is idempotent, so a cron job running ``procure tick`` as well does no harm.

Without ``PROCURE_TICK_BY`` nothing is scheduled (cron may run the tick instead).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from procure.domain.errors import InvalidInput
from procure.domain.identity import normalize_login
from procure.domain.language import _
from procure.jobs.kind import JobKind, JobRun, state_label
from procure.jobs.reasons import reason_text
from procure.services.loading.replay import BEIJING
from procure.store.files import job_results_dir, write_whole

if TYPE_CHECKING:
    from sqlmodel import Session

_LOGGER = logging.getLogger(__name__)
KIND = "tick"
KEY_PREFIX = "tick:"
BY_ENV = "PROCURE_TICK_BY"
AT_ENV = "PROCURE_TICK_AT"
DEFAULT_HOUR = time(6)
"""The Beijing time from which a day's tick is asked for (before the office opens)."""


@dataclass(frozen=True)
class DailyTick:
    """Who the daily tick acts through, and from what time of the Beijing day it runs."""

    login: str
    not_before: time


def daily_tick_settings(environ: Mapping[str, str]) -> DailyTick | None:
    """The daily tick's settings; None when ``PROCURE_TICK_BY`` is not set.

    Raises:
        InvalidInput: a malformed login, or a ``PROCURE_TICK_AT`` that is not ``HH:MM``.
    """
    login = environ.get(BY_ENV, "").strip()
    if not login:
        return None
    text = environ.get(AT_ENV, "").strip()
    if not text:
        return DailyTick(normalize_login(login), DEFAULT_HOUR)
    try:
        not_before = time.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{AT_ENV} must be a time of day such as 06:00, got {text!r}") from None
    return DailyTick(normalize_login(login), not_before.replace(tzinfo=None))


def tick_key(day: date) -> str:
    """The job key of one day's tick: ``tick:YYYY-MM-DD``."""
    return f"{KEY_PREFIX}{day.isoformat()}"


def schedule(url: str, moment: datetime, settings: DailyTick | None) -> int | None:
    """Ask for the tick of ``moment``'s Beijing day if its time has come and no tick job of
    that day exists; return the new job's id, or None when nothing was asked for."""
    from procure.jobs.submit import submit
    from procure.store import jobs as job_store
    from procure.store.db import make_engine, new_session

    if settings is None:
        return None
    local = moment.astimezone(BEIJING)
    if local.time() < settings.not_before:
        return None
    key = tick_key(local.date())
    engine = make_engine(url)
    try:
        with new_session(engine) as session:
            if job_store.latest(session, key) is not None:
                session.commit()
                return None
            asked = submit(
                session,
                kind=KIND,
                key=key,
                params={"by": settings.login, "on": local.date().isoformat()},
                requested_by=settings.login,
                at=moment,
            )
            return None if asked.joined else asked.job.id
    finally:
        engine.dispose()


def run_tick(run: JobRun) -> str:
    """Tick as of the job's day through its account, send the reminders when SMTP is set,
    and write what it did as JSON; return that file (relative to the files folder).

    Raises:
        InvalidInput: the SMTP settings are malformed (the job fails with that message).
    """
    from procure.services.deadlines import outbox
    from procure.services.deadlines.tick import tick
    from procure.store.db import make_engine, new_session

    on = date.fromisoformat(str(run.params["on"]))
    smtp = outbox.smtp_settings(os.environ)
    engine = make_engine(run.url)
    try:
        with new_session(engine) as session:
            result = tick(session, by=str(run.params["by"]), on=on)
            delivery = outbox.send_pending(session, smtp) if smtp is not None else None
    finally:
        engine.dispose()
    run.report(1, 1)
    summary = {**asdict(result), "delivery": None if delivery is None else asdict(delivery)}
    target = job_results_dir(run.files) / f"{run.job_id}-tick-{on.isoformat()}.json"
    write_whole(target, json.dumps(summary, ensure_ascii=False, default=str, indent=1))
    return str(target.relative_to(run.files))


class TickScheduler:
    """Asks for the day's tick from a worker's loop, at most once every ``every`` seconds.

    A failure to ask (the database busy, say) is logged and tried again at the next
    check: it must not stop the worker that runs every other job.
    """

    def __init__(self, url: str, settings: DailyTick | None, *, every: float = 60.0) -> None:
        self.url = url
        self.settings = settings
        self.every = every
        self._checked: datetime | None = None

    def check(self, moment: datetime) -> int | None:
        """Ask for the tick if a check is due; return the new job's id, if one was asked for."""
        if self.settings is None:
            return None
        if self._checked is not None and (moment - self._checked).total_seconds() < self.every:
            return None
        self._checked = moment
        try:
            return schedule(self.url, moment, self.settings)
        except Exception:
            _LOGGER.exception("asking for the daily tick failed; next try in %.0f s", self.every)
            return None


def describe(settings: DailyTick | None) -> str:
    """One line for the worker's start: whether and how the daily tick runs."""
    if settings is None:
        return f"daily tick: off ({BY_ENV} not set; run `procure tick` by cron instead)"
    start = settings.not_before.strftime("%H:%M")
    return f"daily tick: as {settings.login}, from {start} Beijing time"


@dataclass(frozen=True)
class LastTick:
    """The newest daily tick job, as the due page mentions it (no project detail: a tick
    covers every purchaser, the reader may not)."""

    on: str
    state_label: str
    reason: str


def last_daily_tick(session: Session) -> LastTick | None:
    """The newest daily tick job, if any ran or is under way."""
    from procure.store import jobs as job_store

    job = job_store.latest_of_kind(session, KIND)
    if job is None:
        return None
    day = job.key.removeprefix(KEY_PREFIX)
    return LastTick(day, state_label(job.state), reason_text(job.reason))


JOB = JobKind(
    kind=KIND,
    run=run_tick,
    title=lambda params: _("Daily deadline check of %(day)s", day=params.get("on", "")),
    back=lambda params: ("/due", _("Due items")),
)
