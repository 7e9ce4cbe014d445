"""The embedded worker: runs queued jobs from the job table in a process of its own.

``procure serve`` on SQLite starts one (:class:`LocalJobs`, from the app's lifespan) so
that nothing else needs starting; ``procure worker`` on SQLite runs the same loop in
the foreground. A worker claims the oldest queued job in one write transaction, so
several (one per ``serve`` process) never run the same job.

A worker that dies mid-job leaves its job marked running under its ``host:pid``; the
next worker to look finds that process gone (or its heartbeat stale) and puts the job
back in the queue, or fails it with the reason after :data:`MAX_ATTEMPTS`. Records and
zips are written whole or not at all, so a retried job picks up what is already done.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from multiprocessing.process import BaseProcess
from pathlib import Path

from sqlmodel import Session

from procure.domain.language import N_
from procure.jobs.checkpointing import CheckpointScheduler
from procure.jobs.reasons import stored
from procure.jobs.runner import MAX_ATTEMPTS, claim, run_job, worker_name
from procure.jobs.ticking import DailyTick, TickScheduler, daily_tick_settings, describe
from procure.services.lifecycle.clock import now_utc
from procure.store import jobs as job_store
from procure.store.conflicts import is_busy
from procure.store.db import make_engine, new_session
from procure.store.job_models import Job

_LOGGER = logging.getLogger(__name__)
POLL_SECONDS = 0.5
QUICK_DEATH = 5.0  # seconds: a worker that dies sooner is restarted after a growing pause
MAX_PAUSE = 60.0
STALE_AFTER = timedelta(minutes=10)
"""A running job whose worker (on another host) reported nothing for this long is abandoned."""


def work(
    url: str,
    files: Path,
    *,
    stop: Callable[[], bool],
    poll: float = POLL_SECONDS,
    daily: DailyTick | None = None,
) -> None:
    """Run queued jobs until ``stop()`` says so (checked between jobs and while idle); with
    ``daily``, ask for the day's tick when its time comes (:mod:`procure.jobs.ticking`);
    take the periodic checkpoint when it is due (:mod:`procure.jobs.checkpointing`)."""
    name = worker_name()
    scheduler = TickScheduler(url, daily)
    checkpoints = CheckpointScheduler(url)
    _LOGGER.info("job worker %s on %s; %s", name, files, describe(daily))
    while not stop():
        scheduler.check(now_utc())
        try:
            checkpoints.check(now_utc())
            ran = run_next(url, files, name)
        except Exception as exc:
            if not is_busy(exc):
                raise
            # another writer holds the database longer than the lock wait: wait, try again
            _LOGGER.warning("job worker %s: the database is busy (%s); trying again", name, exc)
            ran = False
        if not ran:
            time.sleep(poll)


def run_next(url: str, files: Path, name: str | None = None) -> bool:
    """Recover abandoned jobs, then claim and run the oldest queued one; False if none."""
    name = name or worker_name()
    engine = make_engine(url)
    try:
        with new_session(engine) as session:
            recover(session)
            session.commit()
            queued = job_store.next_queued(session)
            session.commit()
    finally:
        engine.dispose()
    if queued is None or queued.id is None:
        return False
    attempt = claim(url, queued.id, worker=name)
    if attempt is None:
        return True  # another worker took it: look again at once
    try:
        run_job(url, files, queued.id, final_attempt=attempt >= MAX_ATTEMPTS)
    except Exception:  # recorded on the job row (queued again, or failed)
        _LOGGER.debug("job %s ended in error", queued.id, exc_info=True)
    return True


def recover(session: Session) -> list[int]:
    """Put back (or fail) every running job whose worker is gone; return their ids."""
    recovered = []
    for job in job_store.running(session):
        if job.id is None or not abandoned(job):
            continue
        if job.attempts >= MAX_ATTEMPTS:
            job_store.fail(session, job.id, reason=_gone(job, final=True), at=now_utc())
        else:
            job_store.requeue(session, job.id, reason=_gone(job, final=False))
        recovered.append(job.id)
    return recovered


def _gone(job: Job, *, final: bool) -> str:
    """Why a job whose worker died is retried (or, on its last attempt, failed)."""
    if final:
        return stored(
            N_(
                "The worker running it (%(worker)s) stopped mid-job on each of %(attempts)s "
                "attempts; no half-written record was kept."
            ),
            worker=job.worker or "—",
            attempts=job.attempts,
        )
    return stored(
        N_(
            "The worker running it (%(worker)s) stopped mid-job (attempt %(attempt)s of "
            "%(max)s); retried."
        ),
        worker=job.worker or "—",
        attempt=job.attempts,
        max=MAX_ATTEMPTS,
    )


def abandoned(job: Job) -> bool:
    """Whether a running job's worker is gone: its process on this host has ended, or (on
    another host) it reported nothing for :data:`STALE_AFTER`."""
    host, _, pid = job.worker.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        return not _alive(int(pid))
    beat = job.heartbeat_at or job.started_at
    return beat is None or now_utc() - beat > STALE_AFTER


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _worker_main(url: str, files: str, parent: int) -> None:
    """The worker process: run jobs while the server that started it lives."""
    logging.basicConfig(level=logging.INFO)
    daily = daily_tick_settings(os.environ)  # checked by ``procure serve`` before it started us
    work(url, Path(files), stop=lambda: os.getppid() != parent, daily=daily)


class LocalJobs:
    """The server's own worker process, restarted if it dies, stopped with the server."""

    def __init__(self, url: str, files: Path, *, check_every: float = 1.0) -> None:
        self.url = url
        self.files = files
        self.check_every = check_every
        self._process: BaseProcess | None = None
        self._stopping = threading.Event()
        self._monitor: threading.Thread | None = None

    @property
    def pid(self) -> int | None:
        """The worker process's id (None before it starts)."""
        return self._process.pid if self._process is not None else None

    def start(self) -> None:
        """Start the worker process and a thread that restarts it if it dies."""
        self._process = self._spawn()
        self._monitor = threading.Thread(target=self._watch, name="procure-jobs", daemon=True)
        self._monitor.start()

    def _spawn(self) -> BaseProcess:
        context = multiprocessing.get_context("spawn")
        process = context.Process(
            target=_worker_main,
            args=(self.url, str(self.files), os.getpid()),
            name="procure-job-worker",
        )
        process.start()
        return process

    def _watch(self) -> None:
        quick_deaths, started = 0, time.monotonic()
        while not self._stopping.wait(self.check_every):
            process = self._process
            if process is None or process.is_alive():  # is_alive reaps a dead one
                continue
            lived = time.monotonic() - started
            quick_deaths = quick_deaths + 1 if lived < QUICK_DEATH else 0
            pause = min(MAX_PAUSE, 2.0**quick_deaths - 1)  # failing as it starts: back off
            _LOGGER.warning(
                "job worker %s ended (exit code %s); starting another in %.0f s",
                process.pid,
                process.exitcode,
                pause,
            )
            if pause and self._stopping.wait(pause):
                return
            started = time.monotonic()
            self._process = self._spawn()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the worker (a job it was running is retried by the next worker)."""
        self._stopping.set()
        if self._monitor is not None:
            self._monitor.join(timeout)
        process = self._process
        if process is not None and process.is_alive():
            process.terminate()
            process.join(timeout)
            if process.is_alive():
                process.kill()
                process.join(timeout)
