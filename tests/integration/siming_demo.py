"""The Siming 2019 demo year on a fresh database of either backend, for module fixtures.

Running the demo takes seconds, so a test module runs it once per backend and its tests
only read (``demo_session`` yields a session whose data is committed).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from sqlmodel import Session

from procure.services.loading.demo import run_demo
from procure.store.db import make_engine, new_session
from procure.store.migrate import upgrade
from tests.conftest import fresh_postgres_schema

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
"""The ``params`` of a module fixture that runs once per backend."""


def demo_session(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    """Run the demo on a fresh ``backend`` database and yield a session on it; drop it after."""
    with ExitStack() as stack:
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('siming')}/procure.db"
        else:
            url = stack.enter_context(fresh_postgres_schema())
        engine = make_engine(url)
        try:
            upgrade(engine)
            with new_session(engine) as session:
                run_demo(session)
                session.commit()
                yield session
        finally:
            engine.dispose()
