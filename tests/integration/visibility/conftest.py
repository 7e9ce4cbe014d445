"""One world per module: the demo with SM-2020-010 under review, a browser on it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from procure.services.loading.demo import DEMO_PASSWORD
from procure.store.db import new_session
from procure.web.app import create_app
from procure.web.settings import WebSettings
from tests.clock import pinned_clock
from tests.integration.visibility.world import drive_to_review
from tests.integration.web.support import sign_in


@pytest.fixture(scope="module")
def world(siming: Engine) -> Engine:
    """The demo database (a copy for this module) with SM-2020-010 under review."""
    with new_session(siming) as session:
        drive_to_review(session)
    return siming


@pytest.fixture(scope="module")
def app_client(world: Engine) -> Iterator[TestClient]:
    """A browser on the app serving the world (sign in with ``as_account``)."""
    url = world.url.render_as_string(hide_password=False)
    app = create_app(WebSettings(url, allowed_hosts=("testserver",)), clock=pinned_clock())
    with TestClient(app) as browser:
        yield browser
    app.state.writer.dispose()
    app.state.reader.dispose()


class Browsers:
    """One signed-in session per account on the same app, signed in once each."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.jars: dict[str, dict[str, str]] = {}

    def get(self, login: str | None, path: str) -> Any:
        """GET ``path`` as ``login`` (``None``: not signed in)."""
        self.client.cookies.clear()
        if login is not None:
            if login not in self.jars:
                sign_in(self.client, login, DEMO_PASSWORD)
                self.jars[login] = dict(self.client.cookies.items())
            for name, value in self.jars[login].items():
                self.client.cookies.set(name, value)
        return self.client.get(path, follow_redirects=False)


@pytest.fixture(scope="module")
def browsers(app_client: TestClient) -> Browsers:
    """Pages as each account sees them."""
    return Browsers(app_client)
