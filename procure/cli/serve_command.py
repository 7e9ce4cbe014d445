"""``procure serve``: the web app (uvicorn) on the same database as the rest of the CLI.

Proxy headers: uvicorn reads ``X-Forwarded-Proto`` / ``X-Forwarded-For`` only from the
addresses given by ``--forwarded-allow-ips`` (default 127.0.0.1: a reverse proxy such as
nginx on the same host, terminating TLS). Behind it the app sees ``https`` and marks the
session cookie Secure; the same headers sent by anyone else are ignored, so a browser
cannot pretend to have come over https or from another address.
"""

from __future__ import annotations

import os

import click

from procure.cli.output import db_url, echo, open_session, shown_url
from procure.domain.language import N_, _

APP_FACTORY = "procure.web.app:app_from_environment"
"""What each worker imports when there are several (they share nothing but the database)."""

DATABASE_ENV = "PROCURE_DB"
"""The variable the workers read the database URL from (the one the CLI reads too)."""


@click.command(
    help=N_(
        "Serve procure in the browser at http://HOST:PORT on the database of "
        "--db / PROCURE_DB.\n\nThe database must be initialized at this "
        "release's schema (run `procure init`). Nothing is loaded from a CDN: "
        "the pages, styles and scripts are all served from here."
    )
)
@click.option("--host", default="127.0.0.1", show_default=True, help=N_("Address to listen on."))
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help=N_("Port.")
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help=N_("Worker processes (each opens its own connections to the database)."),
)
@click.option(
    "--forwarded-allow-ips",
    metavar="IPS",
    default="127.0.0.1",
    show_default=True,
    help=N_(
        "Comma-separated addresses of reverse proxies whose X-Forwarded-* headers are "
        "trusted ('*' for any: only when nothing else can reach the port)."
    ),
)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int, forwarded_allow_ips: str) -> None:
    import uvicorn

    from procure.jobs.ticking import daily_tick_settings, describe
    from procure.web.settings import SERVE_HOST_ENV, web_settings

    web_settings(db_url(ctx))  # a malformed PROCURE_PUBLIC_URL stops here

    url = db_url(ctx)
    daily = daily_tick_settings(os.environ)  # a malformed setting stops here, not in the worker
    with open_session(ctx, readonly=True):  # refuses a missing, uninitialized or old database
        pass
    os.environ[DATABASE_ENV] = url  # the workers' factory reads it
    os.environ[SERVE_HOST_ENV] = host  # the address listened on is a host the app answers
    address = f"http://{_shown_host(host)}:{port}/"
    echo(
        _(
            "procure is serving %(database)s at %(address)s (Ctrl+C to stop)",
            database=shown_url(url),
            address=address,
        )
    )
    if url.startswith("sqlite"):
        echo(
            _(
                "procure serve: background jobs in a worker process of its own; %(tick)s",
                tick=describe(daily),
            )
        )
    if workers == 1:
        from procure.web.app import app_from_environment

        target: object = app_from_environment()
    else:
        target = APP_FACTORY
    uvicorn.run(
        target,  # type: ignore[arg-type]
        factory=workers > 1,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips,
        server_header=False,
        log_level="info",
    )


def _shown_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
