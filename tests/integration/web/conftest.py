"""A web app on the migrated test database, with the Siming people and one drafted project."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from procure.web.app import create_app
from procure.web.settings import WebSettings
from tests.clock import pinned_clock
from tests.integration.builders import (
    AUDITOR,
    OFFICER,
    REVIEWERS,
    create_project,
    project_at,
    setup_registry,
)
from tests.integration.web.support import set_passwords


@pytest.fixture
def registered(session: Session) -> Session:
    """The people, purchaser and organizations registered, and SM-2019-001 drafted."""
    setup_registry(session)
    create_project(session)
    return session


@pytest.fixture
def client(engine: Engine, database_url: str) -> Iterator[TestClient]:
    """A browser on the app serving the test database."""
    app = create_app(WebSettings(database_url, allowed_hosts=("testserver",)), clock=pinned_clock())
    with TestClient(app) as browser:
        yield browser
    app.state.writer.dispose()
    app.state.reader.dispose()


@pytest.fixture
def https_client(engine: Engine, database_url: str) -> Iterator[TestClient]:
    """A browser reaching the app over https."""
    app = create_app(WebSettings(database_url, allowed_hosts=("testserver",)), clock=pinned_clock())
    with TestClient(app, base_url="https://testserver") as browser:
        yield browser
    app.state.writer.dispose()
    app.state.reader.dispose()


@pytest.fixture
def reviewing(session: Session) -> Session:
    """SM-2019-001 under review with two proposals; reviewers, officer and auditor can sign in."""
    project_at(session, "reviewing")
    set_passwords(session, *(r.name for r in REVIEWERS), OFFICER.name, AUDITOR.name)
    return session
