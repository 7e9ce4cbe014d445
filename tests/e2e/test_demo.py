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


@pytest.mark.skipif(not SIMING.exists(), reason="fixtures/siming-2019.yaml is not written yet")
def test_demo_signs_its_trail_with_its_own_key_and_says_where_the_checkpoint_is(
    tmp_path: Path,
) -> None:
    run = ok("demo", "--dir", str(tmp_path), "--no-records")
    key = tmp_path / "audit-signing.key"
    assert key.stat().st_mode & 0o777 == 0o600
    held = list((tmp_path / "checkpoints").glob("checkpoint-2020-01-07-*.json"))
    assert len(held) == 1
    assert f"→ {held[0]}" in run.stdout
    assert f"--public-key {key}.pub" in run.stdout
