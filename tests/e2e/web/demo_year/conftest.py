"""The demo walk's database and server: one ``procure demo`` database for the module, served
from the walk's first morning and started again when its calendar moves on."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.conftest import UnprintedDemo
from tests.e2e.web.demo import WALK_STARTS, DemoServer, demo_database


@pytest.fixture(scope="module")
def demo_db(unprinted_demo: UnprintedDemo, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A fresh ``procure demo`` database (a copy of the session's): its URL."""
    return demo_database(unprinted_demo, tmp_path_factory.mktemp("demo-year"))


@pytest.fixture(scope="module")
def server(demo_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    """The demo's server for this module, started at :data:`WALK_STARTS`."""
    running = DemoServer(demo_db, tmp_path_factory.mktemp("demo-server"))
    running.start_at(WALK_STARTS)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def base_url(server: DemoServer) -> str:
    """Where the pages open (the same port whenever the server is started again)."""
    return server.base
