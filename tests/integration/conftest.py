"""Fixtures shared by the integration tests of evaluation records."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from procure.store.db import make_engine
from tests.databases import DEMO, SqliteTemplates


@pytest.fixture(scope="module")
def siming(
    tmp_path_factory: pytest.TempPathFactory, sqlite_templates: SqliteTemplates
) -> Iterator[Engine]:
    """The Siming 2019 demo year on SQLite, decided by the renewal policy (a copy of the
    session's demo database, see tests/databases.py)."""
    path = tmp_path_factory.mktemp("siming") / "siming.db"
    sqlite_templates.copy_to(DEMO, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()
