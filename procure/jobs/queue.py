"""The PostgreSQL backend: procrastinate carries the jobs, the job table shows them.

A job is deferred in the request's own transaction (procrastinate's defer runs on the
session's connection), with the job's key as both its ``queueing_lock`` (one queued
job per key) and its ``lock`` (one running job per key: a year is printed by one job
at a time). ``procure worker`` runs :func:`run_worker`: procrastinate's worker, plus a
watch that retries the jobs of workers that died (no heartbeat for
:data:`STALLED_SECONDS`), up to :data:`~procure.jobs.runner.MAX_ATTEMPTS`, then fails
them with the reason.

procrastinate is imported only here (it is installed with the ``postgres`` extra).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from procure.domain.language import N_
from procure.jobs.checkpointing import CheckpointScheduler
from procure.jobs.deferral import QUEUE, TASK, conninfo
from procure.jobs.reasons import stored
from procure.jobs.runner import MAX_ATTEMPTS, claim, run_job, worker_name
from procure.jobs.ticking import DailyTick, TickScheduler
from procure.services.lifecycle.clock import now_utc
from procure.store import jobs as job_store
from procure.store.db import make_engine, new_session
from procure.store.job_models import Job

if TYPE_CHECKING:
    from procrastinate import App

_LOGGER = logging.getLogger(__name__)
STALLED_SECONDS = 30.0
"""A job whose worker sent no heartbeat for this long is taken as abandoned."""
WATCH_SECONDS = 10.0


def queue_app(url: str, files: Path) -> App:
    """The procrastinate app on ``url`` with procure's one task (run a job by its id)."""
    from procrastinate import App, JobContext, PsycopgConnector, RetryStrategy

    app = App(connector=PsycopgConnector(conninfo=conninfo(url)))

    @app.task(
        name=TASK,
        queue=QUEUE,
        pass_context=True,
        retry=RetryStrategy(max_attempts=MAX_ATTEMPTS - 1, wait=1),
    )
    def run(context: JobContext, job_id: int) -> None:
        attempt = claim(url, job_id, worker=worker_name(), any_state=True)
        if attempt is None:
            return  # the job ended (or its row is gone): nothing to do
        run_job(url, files, job_id, final_attempt=attempt >= MAX_ATTEMPTS)

    return app


def run_worker(
    url: str,
    files: Path,
    *,
    wait: bool = True,
    concurrency: int = 1,
    daily: DailyTick | None = None,
) -> None:
    """Run procrastinate's worker on procure's queue, and watch for abandoned jobs.

    Args:
        url: the database URL.
        files: the files folder (shared with the web server).
        wait: keep waiting for jobs (False: stop once the queue is empty).
        concurrency: jobs run at once by this worker.
        daily: the daily tick's settings: the watch asks for the day's tick when its
            time comes (None: no daily tick).
    """
    app = queue_app(url, files)
    scheduler = TickScheduler(url, daily)
    if not wait:
        scheduler.check(now_utc())  # a run that stops once the queue is empty looks once first

    async def main() -> None:
        async with app.open_async():
            watch = asyncio.create_task(_watch(app, url, scheduler))
            try:
                await app.run_worker_async(
                    queues=[QUEUE],
                    wait=wait,
                    concurrency=concurrency,
                    name=worker_name(),
                    update_heartbeat_interval=min(10.0, STALLED_SECONDS / 3),
                    stalled_worker_timeout=STALLED_SECONDS,
                    delete_jobs="successful",
                )
            finally:
                watch.cancel()

    asyncio.run(main())


async def _watch(app: App, url: str, scheduler: TickScheduler) -> None:
    checkpoints = CheckpointScheduler(url)
    while True:
        await asyncio.to_thread(scheduler.check, now_utc())
        await asyncio.to_thread(checkpoints.check, now_utc())
        try:
            await retry_stalled(app, url)
        except Exception:  # the watch must not stop the worker
            _LOGGER.exception("looking for abandoned jobs failed")
        await asyncio.sleep(WATCH_SECONDS)


async def retry_stalled(app: App, url: str, seconds: float = STALLED_SECONDS) -> list[int]:
    """Retry the jobs of workers that stopped sending heartbeats, or fail them (with the
    reason on their row) after :data:`MAX_ATTEMPTS`; return the job rows' ids."""
    from procrastinate.jobs import Status

    recovered = []
    for stalled in await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=seconds):
        job_id = int(str(stalled.task_kwargs["job_id"]))
        engine = make_engine(url)
        try:
            with new_session(engine) as session:
                row = session.get(Job, job_id)
                attempts = row.attempts if row is not None else MAX_ATTEMPTS
                stopped_on_each = stored(
                    N_(
                        "The worker running it stopped mid-job on each of %(attempts)s "
                        "attempts; no half-written record was kept."
                    ),
                    attempts=attempts,
                )
                stopped_once = stored(
                    N_(
                        "The worker running it stopped mid-job (attempt %(attempt)s of "
                        "%(max)s); retried."
                    ),
                    attempt=attempts,
                    max=MAX_ATTEMPTS,
                )
                if attempts >= MAX_ATTEMPTS:
                    await app.job_manager.finish_job(
                        stalled, status=Status.FAILED, delete_job=False
                    )
                    job_store.fail(
                        session,
                        job_id,
                        reason=stopped_on_each,
                        at=now_utc(),
                    )
                else:
                    await app.job_manager.retry_job(stalled)
                    job_store.requeue(
                        session,
                        job_id,
                        reason=stopped_once,
                    )
                session.commit()
        finally:
            engine.dispose()
        recovered.append(job_id)
    return recovered
