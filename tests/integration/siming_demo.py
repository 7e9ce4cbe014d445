"""The Siming 2019 demo year on a database of its own of either backend, for module fixtures.

Running the demo takes seconds, so the session runs it once per backend (tests/databases.py)
and a test module gets a copy of it that its tests only read (``demo_session`` yields a
session whose data is committed).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from sqlmodel import Session

from procure.store.db import make_engine, new_session
from tests.databases import DEMO, PostgresSchemas, SqliteTemplates

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
"""The ``params`` of a module fixture that runs once per backend."""


def demo_session(request: pytest.FixtureRequest) -> Iterator[Session]:
    """A session on a copy of the demo year on the backend ``request.param`` names, for a
    module fixture with ``params=BACKENDS``; dropped after."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            folder = request.getfixturevalue("tmp_path_factory").mktemp("siming")
            templates: SqliteTemplates = request.getfixturevalue("sqlite_templates")
            templates.copy_to(DEMO, folder / "procure.db")
            url = f"sqlite:///{folder}/procure.db"
        else:
            schemas: PostgresSchemas = request.getfixturevalue("postgres_schemas")
            url = stack.enter_context(schemas.dedicated(DEMO))
        engine = make_engine(url)
        try:
            with new_session(engine) as session:
                yield session
        finally:
            engine.dispose()
