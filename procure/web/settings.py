"""Settings of the web app, built in a function (nothing is read at import time)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from procure.domain.errors import InvalidInput
from procure.domain.language import _
from procure.domain.text import quoted
from procure.services.accounts.signin import IDLE_MINUTES
from procure.store.db import database_url
from procure.store.files import files_dir

JOB_WORKER_ENV = "PROCURE_JOB_WORKER"
PUBLIC_URL_ENV = "PROCURE_PUBLIC_URL"
ALLOWED_HOSTS_ENV = "PROCURE_ALLOWED_HOSTS"
SERVE_HOST_ENV = "PROCURE_SERVE_HOST"
"""Set by ``procure serve --host ADDRESS`` so the address it listens on is a known host."""
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
"""The hosts a browser on this machine names; allowed unless PROCURE_ALLOWED_HOSTS is set."""


@dataclass(frozen=True)
class WebSettings:
    """Where the data and files are, how long a signed-in browser may stay idle, and whether
    the app runs its own job worker (on SQLite)."""

    database_url: str
    idle_minutes: int = IDLE_MINUTES
    files: str = ""  # the files folder; empty: the database's (see procure.store.files)
    job_worker: bool = False
    public_url: str = ""  # where people reach the app, e.g. https://procure.example.org
    allowed_hosts: tuple[str, ...] = LOCAL_HOSTS  # the Host headers answered; others: 400

    @property
    def hosts(self) -> list[str]:
        """The hosts answered: :attr:`allowed_hosts` and the host of :attr:`public_url`."""
        public = urlsplit(self.public_url).hostname if self.public_url else None
        return [*self.allowed_hosts, *([public] if public else [])]

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
    runs its own job worker unless ``PROCURE_JOB_WORKER=0``. ``PROCURE_PUBLIC_URL`` is where
    people reach the app (absolute links, as in the Atom feed, are built on it);
    ``PROCURE_ALLOWED_HOSTS`` (comma-separated, ``*.example.org`` allowed) replaces the local
    hosts answered; the public URL's host is always answered.
    """
    idle = os.environ.get("PROCURE_IDLE_MINUTES")
    listed = os.environ.get(ALLOWED_HOSTS_ENV, "")
    hosts = tuple(h.strip().lower() for h in listed.split(",") if h.strip()) or LOCAL_HOSTS
    serve_host = os.environ.get(SERVE_HOST_ENV, "").strip().lower()
    if serve_host and serve_host not in ("0.0.0.0", "::") and serve_host not in hosts:
        hosts = (*hosts, serve_host)
    return WebSettings(
        database_url(url),
        int(idle) if idle else IDLE_MINUTES,
        job_worker=os.environ.get(JOB_WORKER_ENV, "1") != "0",
        public_url=public_url(os.environ.get(PUBLIC_URL_ENV, "")),
        allowed_hosts=hosts,
    )


def public_url(text: str) -> str:
    """The public base URL ``text`` (``http(s)://host[:port][/path]``), without a final "/".

    Raises:
        InvalidInput: not an http or https URL naming a host.
    """
    text = text.strip()
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise InvalidInput(
            _(
                "%(setting)s %(value)s is not a public address such as https://procure.example.org",
                setting=PUBLIC_URL_ENV,
                value=quoted(text),
            )
        )
    return text.rstrip("/")
