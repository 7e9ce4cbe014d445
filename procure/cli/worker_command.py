"""``procure worker``: run background jobs (a year's records) on this machine.

On PostgreSQL it runs procrastinate's worker on procure's queue (any number of them, on
any machine that reaches the database and the files folder). On SQLite ``procure
serve`` already runs a worker of its own; this runs the same loop in the foreground.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from procure.cli.output import db_url, echo, open_session, shown_url
from procure.domain.language import N_, _


@click.command(
    help=N_(
        "Run queued background jobs (a year's records, a renewal, the daily "
        "tick) until stopped (Ctrl+C).\n\nWith PROCURE_TICK_BY naming an "
        "account, the worker also asks once a day for `procure tick` (from "
        "PROCURE_TICK_AT, default 06:00 Beijing time): one tick a day, however "
        "many workers run."
    )
)
@click.option(
    "--files",
    type=click.Path(path_type=Path, file_okay=False),
    help=N_(
        "The files folder shared with procure serve (default: PROCURE_FILES, else beside "
        "a SQLite database, else ./procure-files)."
    ),
)
@click.option("--once", is_flag=True, help=N_("Run the jobs queued now, then stop."))
@click.pass_context
def worker(ctx: click.Context, files: Path | None, once: bool) -> None:
    from procure.jobs.checkpointing import auto_settings
    from procure.jobs.checkpointing import describe as describe_checkpoints
    from procure.jobs.ticking import daily_tick_settings, describe
    from procure.store.files import files_dir

    url = db_url(ctx)
    daily = daily_tick_settings(os.environ)
    with open_session(ctx, readonly=True):  # refuses a missing, uninitialized or old database
        pass
    folder = files_dir(url, str(files) if files else None)
    echo(
        _(
            "procure worker: jobs of %(database)s, files in %(folder)s (Ctrl+C to stop)",
            database=shown_url(url),
            folder=folder,
        )
    )
    echo(_("procure worker: %(what)s", what=describe(daily)))
    echo(_("procure worker: %(what)s", what=describe_checkpoints(auto_settings())))
    if url.startswith("postgresql"):
        from procure.jobs.queue import run_worker

        run_worker(url, folder, wait=not once, daily=daily)
        return
    from procure.jobs.local import run_next, work
    from procure.jobs.ticking import TickScheduler
    from procure.services.lifecycle.clock import now_utc

    if once:
        TickScheduler(url, daily).check(now_utc())
        while run_next(url, folder):
            pass
        return
    try:
        work(url, folder, stop=lambda: False, daily=daily)
    except KeyboardInterrupt:
        echo(_("procure worker: stopped"))
