"""A bulk writer reads SQLite through no memory map: its mapped pages would count in its
RSS (the year-end renewal of 100,000 contracts peaked at 431 MB with the 1 GiB map, 181 MB
without; ``bench/renewal.py`` measures both)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from procure.services.renewal import run as renewal_run
from procure.store import db
from procure.store.db import BULK_MMAP_BYTES, SQLITE_MMAP_BYTES, make_engine


def _mapped(url: str, **options: Any) -> int:
    engine = make_engine(url, **options)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("PRAGMA mmap_size")).scalar_one())
    finally:
        engine.dispose()


def test_an_engine_maps_the_file_unless_built_for_bulk_writes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'procure.db'}"

    assert _mapped(url) == SQLITE_MMAP_BYTES
    assert _mapped(url, mmap_bytes=BULK_MMAP_BYTES) == 0


def test_a_renewal_given_a_url_opens_its_database_as_a_bulk_writer(
    starts_from_demo: None, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[int] = []

    def spying(url: str | None = None, **options: Any) -> Any:
        asked.append(options.get("mmap_bytes", SQLITE_MMAP_BYTES))
        return make_engine(url, **options)

    monkeypatch.setattr(db, "make_engine", spying)
    renewal_run.renew_year(sqlite_url, 2019)

    assert asked == [BULK_MMAP_BYTES]
