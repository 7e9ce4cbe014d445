"""A cell bomb uploaded as a score sheet is refused quickly, with the server's memory bounded."""

from __future__ import annotations

import tracemalloc

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from procure.services.scoring.xlsx_scan import MAX_CELLS, MAX_COLUMNS, MAX_ROWS, MAX_UNPACKED_BYTES
from tests.integration.builders import CODE, QIHANG, REVIEWERS, project_at, snapshot
from tests.integration.web.support import set_passwords, sign_in
from tests.xlsx_bombs import cell_bomb

REVIEWER = REVIEWERS[0].name
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEMORY_LIMIT = 40 * 2**20
"""What the server may allocate while refusing a bomb (loading one took ~690 MB)."""


@pytest.fixture
def reviewing(session: Session) -> Session:
    project_at(session, "reviewing")
    set_passwords(session, REVIEWER)
    return session


@pytest.mark.parametrize(
    ("cells", "per_row", "says"),
    [
        (
            2_000_000,
            10,
            f"超过评分表可能的大小（最多 {MAX_UNPACKED_BYTES // 2**20} MB）",
        ),
        (200_000, 10, f"超过 {MAX_ROWS} 行"),
        (MAX_ROWS * 25, 25, f"超过 {MAX_CELLS} 个单元格"),
        (MAX_COLUMNS + 1, MAX_COLUMNS + 1, f"有一行超过 {MAX_COLUMNS} 列"),
    ],
    ids=["2-million-cells", "rows", "cells", "columns"],
)
def test_a_cell_bomb_is_refused_before_it_is_loaded_with_memory_bounded(
    client: TestClient, reviewing: Session, engine: Engine, cells: int, per_row: int, says: str
) -> None:
    csrf = sign_in(client, REVIEWER)
    blank = client.get(f"/projects/{CODE}/panel/template.xlsx").content
    bomb = cell_bomb(blank, cells, per_row=per_row)
    assert len(bomb) < 2 * 2**20  # within the upload limit
    before = snapshot(reviewing, engine)
    tracemalloc.start()
    try:
        response = client.post(
            f"/projects/{CODE}/panel/sheet/upload",
            data={"csrf_token": csrf, "organization": QIHANG},
            files={"sheet": ("bomb.xlsx", bomb, XLSX)},
        )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.status_code == 400
    assert says in response.text
    assert peak < MEMORY_LIMIT, f"the server allocated {peak // 2**20} MB refusing the bomb"
    assert snapshot(reviewing, engine) == before
