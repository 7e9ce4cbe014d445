"""What the server holds from its start stays out of the garbage collector's sight while it
serves: a full collection does not walk the whole loaded app on some request at random."""

from __future__ import annotations

import gc

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from procure.web.app import OLDEST_GENERATION_EVERY, create_app
from procure.web.settings import WebSettings


def test_the_startup_objects_are_frozen_while_serving_and_thawed_at_shutdown(
    engine: Engine, database_url: str
) -> None:
    app = create_app(WebSettings(database_url, allowed_hosts=("testserver",)))
    before = gc.get_threshold()
    try:
        with TestClient(app) as browser:
            assert gc.get_freeze_count() > 10_000  # the modules, templates and models
            assert gc.get_threshold()[2] == OLDEST_GENERATION_EVERY  # few left to walk
            assert browser.get("/healthz").status_code == 200
        assert gc.get_freeze_count() == 0
        assert gc.get_threshold() == before
    finally:
        app.state.writer.dispose()
        app.state.reader.dispose()
