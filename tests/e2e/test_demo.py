"""The demo runs the Siming District 2019 year end and shows every kind of decision."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.cli import ok

SIMING = Path(__file__).resolve().parents[2] / "fixtures" / "siming-2019.yaml"


@pytest.mark.skipif(not SIMING.exists(), reason="fixtures/siming-2019.yaml is not written yet")
def test_demo_renews_rectifies_and_drops_in_its_own_folder(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    run = ok("demo", "--dir", str(folder), cwd=tmp_path)
    assert "已续约" in run.stdout
    assert "整改中" in run.stdout
    assert "不再合作" in run.stdout
    assert (folder / "demo.db").exists()
    assert not (tmp_path / "procure.db").exists()
