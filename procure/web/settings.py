"""Settings of the web app, built in a function (nothing is read at import time)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from procure.services.accounts.signin import IDLE_MINUTES
from procure.store.db import database_url
from procure.store.files import files_dir

JOB_WORKER_ENV = "PROCURE_JOB_WORKER"


@dataclass(frozen=True)
class WebSettings:
    """Where the data and files are, how long a signed-in browser may stay idle, and whether
    the app runs its own job worker (on SQLite)."""

    database_url: str
    idle_minutes: int = IDLE_MINUTES
    files: str = ""  # the files folder; empty: the database's (see procure.store.files)
    job_worker: bool = False

    @property
    def files_dir(self) -> Path:
        """Where printed records and job results are kept."""
        return files_dir(self.database_url, self.files or None)

    @property
    def runs_own_jobs(self) -> bool:
        """Whether this app starts a worker process for its jobs (SQLite; PostgreSQL has
        ``procure worker``)."""
        return self.job_worker and self.database_url.startswith("sqlite")


def web_settings(url: str | None = None) -> WebSettings:
    """The settings: the database of ``url``, else ``PROCURE_DB``, else ./procure.db.

    ``PROCURE_IDLE_MINUTES`` changes how long a session may stay idle; on SQLite the app
    runs its own job worker unless ``PROCURE_JOB_WORKER=0``.
    """
    idle = os.environ.get("PROCURE_IDLE_MINUTES")
    return WebSettings(
        database_url(url),
        int(idle) if idle else IDLE_MINUTES,
        job_worker=os.environ.get(JOB_WORKER_ENV, "1") != "0",
    )
