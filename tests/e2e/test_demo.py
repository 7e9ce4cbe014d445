"""The demo runs the Siming District 2019 year end and shows every kind of decision."""

from __future__ import annotations

from pathlib import Path

import pytest

from procure.services.accounts.manage import check_password
from procure.services.loading.demo import DEMO_PASSWORD, demo_draft
from procure.store.db import make_engine, new_session
from tests.e2e.cli import ok, sqlite_url
from tests.e2e.conftest import DRAFT_YEAR, PrintedDemo, UnprintedDemo

SIMING = Path(__file__).resolve().parents[2] / "fixtures" / "siming-2019.yaml"


@pytest.mark.skipif(not SIMING.exists(), reason="fixtures/siming-2019.yaml is not written yet")
def test_demo_renews_rectifies_and_drops_in_its_own_folder(printed_demo: PrintedDemo) -> None:
    assert "已续约" in printed_demo.stdout
    assert "整改中" in printed_demo.stdout
    assert "不再合作" in printed_demo.stdout
    assert (printed_demo.folder / "demo.db").exists()
    assert not (printed_demo.cwd / "procure.db").exists()


@pytest.mark.skipif(not SIMING.exists(), reason="fixtures/siming-2019.yaml is not written yet")
def test_demo_signs_its_trail_with_its_own_key_and_says_where_the_checkpoint_is(
    unprinted_demo: UnprintedDemo,
) -> None:
    folder, stdout = unprinted_demo.folder, unprinted_demo.stdout
    key = folder / "audit-signing.key"
    assert key.stat().st_mode & 0o777 == 0o600
    held = list((folder / "checkpoints").glob("checkpoint-2020-01-07-*.json"))
    assert len(held) == 1
    assert f"→ {held[0]}" in stdout
    assert f"--public-key {key}.pub" in stdout


@pytest.mark.skipif(not SIMING.exists(), reason="fixtures/siming-2019.yaml is not written yet")
def test_demo_ends_with_its_accounts_the_demo_password_and_how_to_sign_in(
    unprinted_demo: UnprintedDemo,
) -> None:
    folder, stdout = unprinted_demo.folder, unprinted_demo.stdout
    accounts_table = stdout[stdout.index("Demo accounts") :]
    for login, role in (
        ("李秀梅", "Project officer"),
        ("张志远", "Leader in charge"),
        ("何静", "Auditor"),
    ):
        line = next(line for line in accounts_table.splitlines() if f" {login} " in line)
        assert f"{role} (SM-FED)" in line
    assert DEMO_PASSWORD in stdout and "demo only" in stdout
    assert "make serve" in stdout and "http://127.0.0.1:8000/" in stdout
    url = sqlite_url(folder / "demo.db")
    engine = make_engine(url)
    try:
        with new_session(engine) as session:
            assert check_password(session, "李秀梅", DEMO_PASSWORD)
            assert check_password(session, "qihang", DEMO_PASSWORD)
    finally:
        engine.dispose()


@pytest.mark.skipif(not SIMING.exists(), reason="fixtures/siming-2019.yaml is not written yet")
def test_demo_leaves_a_2020_project_in_draft_created_by_the_officer(
    unprinted_demo: UnprintedDemo,
) -> None:
    url = sqlite_url(unprinted_demo.folder / "demo.db")
    code = demo_draft(DRAFT_YEAR).code  # the session's demo is run with --draft-year
    shown = ok("show", code, "--json", db=url).json()
    assert (shown["year"], shown["state"]) == (DRAFT_YEAR, "draft")
    history = ok("history", code, "--json", db=url).json()
    assert [(row["trigger"], row["actor"]) for row in history] == [("create", "李秀梅")]
