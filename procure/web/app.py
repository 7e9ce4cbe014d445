"""Build the web app: engines, templates, security headers, error pages and routes."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from procure.domain import language
from procure.domain.errors import Busy, InvalidInput, NotFound, Refused
from procure.domain.language import _, pgettext
from procure.resources import resource_dir
from procure.services.browse.figures_cache import FiguresCache
from procure.services.browse.waiting_cache import WaitingCache
from procure.services.lifecycle.clock import Clock, using_clock
from procure.store.db import make_engine
from procure.web import pages
from procure.web.deps import LANGUAGE_COOKIE, SIGN_IN_PATH, Forbidden, SignInRequired
from procure.web.security import SecurityHeaders
from procure.web.settings import WebSettings, web_settings

_LOGGER = logging.getLogger(__name__)


def create_app(settings: WebSettings | None = None, *, clock: Clock | None = None) -> FastAPI:
    """Return the app serving the database of ``settings`` (default: :func:`web_settings`).

    Args:
        settings: the database and options (default: from the environment).
        clock: what "now" is for every request (default: the system clock). For tests
            only: a deadline counted from "now" needs a year whose holidays are known.
    """
    from procure.web import (
        routes_admin,
        routes_assessment,
        routes_audit,
        routes_auth,
        routes_backups,
        routes_browse,
        routes_calendar,
        routes_corrections,
        routes_documents,
        routes_due,
        routes_jobs,
        routes_objections,
        routes_organization,
        routes_projects,
        routes_public,
        routes_records,
        routes_renewal,
        routes_review,
    )

    settings = settings or web_settings()
    app = FastAPI(
        title="procure", docs_url=None, redoc_url=None, openapi_url=None, lifespan=_lifespan
    )
    app.state.settings = settings
    app.state.writer = make_engine(settings.database_url)
    app.state.reader = make_engine(settings.database_url, readonly=True)
    app.state.figures = FiguresCache()  # the dashboard's figures by year and purchaser
    app.state.waiting = WaitingCache()  # what waits for each viewer, across writes
    app.state.templates = pages.templates()
    app.add_middleware(SecurityHeaders)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.hosts, www_redirect=False)
    if clock is not None:
        app.add_middleware(RequestClock, clock=clock)
    app.add_middleware(RequestLanguage)
    app.mount("/static", StaticFiles(directory=resource_dir("templates") / "web" / "static"))
    for module in (
        routes_auth,
        routes_browse,
        routes_due,
        routes_projects,
        routes_corrections,
        routes_review,
        routes_audit,
        routes_admin,
        routes_backups,
        routes_calendar,
        routes_assessment,
        routes_organization,
        routes_records,
        routes_renewal,
        routes_jobs,
        routes_objections,
        routes_documents,
        routes_public,
    ):
        app.include_router(module.router)
    _add_error_pages(app)
    app.add_api_route("/healthz", _healthz, methods=["GET"], include_in_schema=False)
    return app


OLDEST_GENERATION_EVERY = 100
"""While serving, the oldest generation is collected after this many collections of the
middle one (CPython's default: 10)."""


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """On SQLite, run the app's own job worker while the app runs (see procure.jobs).

    What the server holds from its start (the modules, templates, catalogs, models and
    engines: some 180,000 objects) is moved out of the garbage collector's sight while it
    serves (:func:`gc.freeze`): otherwise every full collection walks it all, some 60 ms
    spent on whichever request happens to trigger it. With so few long-lived objects left
    in sight, CPython would collect them all every few hundred requests (3-4 ms each, on
    one request in thirty of a search): the oldest generation is collected ten times less
    often (:data:`OLDEST_GENERATION_EVERY`); a request's own objects die young, in the
    young generations, collected as before. Both are undone at shutdown.
    """
    settings: WebSettings = app.state.settings
    app.state.jobs = None
    if settings.runs_own_jobs:
        from procure.jobs.local import LocalJobs

        app.state.jobs = LocalJobs(settings.database_url, settings.files_dir)
        app.state.jobs.start()
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(thresholds[0], thresholds[1], OLDEST_GENERATION_EVERY)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
        if app.state.jobs is not None:
            app.state.jobs.stop()


class RequestClock:
    """Serve every request on ``clock``
    (see :func:`procure.services.lifecycle.clock.using_clock`)."""

    def __init__(self, app: ASGIApp, clock: Clock) -> None:
        self.app = app
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        with using_clock(self.clock):
            await self.app(scope, receive, send)


class RequestLanguage:
    """Serve every request in the language its reader chose (the ``lang`` cookie, which
    signing in sets from the account's choice), else the one the browser asks for first
    (``Accept-Language``), else Chinese."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with language.use_language(request_language(Request(scope))):
            await self.app(scope, receive, send)


def request_language(request: Request) -> language.Language:
    """The language a request is answered in (see :class:`RequestLanguage`)."""
    chosen = language.parse_language(request.cookies.get(LANGUAGE_COOKIE))
    return chosen or language.language_from_header(request.headers.get("accept-language"))


def _healthz() -> PlainTextResponse:
    """A trivial page: the server is up (it reads nothing, for probes and benchmarks)."""
    return PlainTextResponse("ok")


def app_from_environment() -> FastAPI:
    """The app for the database named by ``PROCURE_DB`` (what ``procure serve`` sets).

    ``procure serve --workers N`` gives uvicorn this factory's import string, so that each
    worker process builds its own app and engines.
    """
    return create_app(web_settings())


def _add_error_pages(app: FastAPI) -> None:
    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, _exc: SignInRequired) -> Response:
        target = request.url.path
        if request.url.query:
            target += f"?{request.url.query}"
        return RedirectResponse(pages.sign_in_url(target), status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        return pages.error_page(request, 403, pgettext("error page", "Forbidden"), str(exc))

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> Response:
        return pages.error_page(request, 404, pgettext("error page", "Not found"), str(exc))

    @app.exception_handler(Refused)
    async def _refused(request: Request, exc: Refused) -> Response:
        return pages.error_page(request, 403, pgettext("error page", "Refused"), str(exc))

    @app.exception_handler(InvalidInput)
    async def _invalid(request: Request, exc: InvalidInput) -> Response:
        return pages.error_page(request, 400, pgettext("error page", "Invalid input"), str(exc))

    @app.exception_handler(Busy)
    async def _busy(request: Request, exc: Busy) -> Response:
        _LOGGER.info("busy: %s", exc)
        # what was busy is said in the code's words; the reader is told what to do
        message = _("The database is busy with another change; try again in a moment.")
        return pages.error_page(request, 503, pgettext("error page", "Busy"), message)


__all__ = ["SIGN_IN_PATH", "app_from_environment", "create_app"]
