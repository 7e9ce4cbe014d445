"""The Siming 2019 demo year on a fresh database of either backend, for module fixtures.

Running the demo takes seconds, so a test module runs it once per backend and its tests
only read (``demo_session`` yields a session whose data is committed).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import Session

from procure.services.demo import run_demo
from procure.store.db import make_engine, new_session
from procure.store.migrate import upgrade
from tests.conftest import POSTGRES_SKIP, postgres_url

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
"""The ``params`` of a module fixture that runs once per backend."""


def demo_session(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    """Run the demo on a fresh ``backend`` database and yield a session on it; drop it after."""
    server = postgres_url()
    schema = ""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('siming')}/procure.db"
    else:
        if server is None:
            pytest.skip(POSTGRES_SKIP)
        schema = f"t_{uuid.uuid4().hex[:12]}"
        _admin(server, f'CREATE SCHEMA "{schema}"')
        separator = "&" if "?" in server else "?"
        url = f"{server}{separator}options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        with new_session(engine) as session:
            run_demo(session)
            session.commit()
            yield session
    finally:
        engine.dispose()
        if schema and server:
            _admin(server, f'DROP SCHEMA "{schema}" CASCADE')


def _admin(server: str, statement: str) -> None:
    admin = create_engine(server)
    try:
        with admin.begin() as connection:
            connection.execute(text(statement))
    finally:
        admin.dispose()
