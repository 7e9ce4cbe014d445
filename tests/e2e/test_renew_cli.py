"""``procure renew`` and ``procure fixtures generate`` as a script or a person runs them."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from procure.store.keyfile import KEY_ENV
from tests.e2e.cli import PINNED_PROCURE, dump, ok, procure, sqlite_url

YEAR = "2019"


def _generated(tmp_path: Path, projects: int) -> tuple[str, Path]:
    path = tmp_path / "province.db"
    url = sqlite_url(path)
    ok("init", db=url)
    ok(
        "fixtures",
        "generate",
        "--year",
        YEAR,
        "--projects",
        str(projects),
        "--organizations",
        "200",
        db=url,
    )
    return url, path


def test_a_dry_run_prints_the_plan_and_changes_nothing(tmp_path: Path) -> None:
    url, _ = _generated(tmp_path, 120)
    before = dump(url)

    run = ok("renew", "--year", YEAR, db=url)
    plan = ok("renew", "--year", YEAR, "--json", db=url).json()

    assert "Dry run:" in run.stdout and "GS-LZ-2019-00001" in run.stdout
    assert sum(plan["counts"].values()) == 120 and plan["applied"] is False
    assert dump(url) == before


def test_apply_then_rerun_reports_zero_changes_and_the_chain_holds(tmp_path: Path) -> None:
    url, _ = _generated(tmp_path, 120)
    csv_file = tmp_path / "plan.csv"

    first = ok("renew", "--year", YEAR, "--apply", "--by", "gs-officer", "--json", db=url).json()
    ok("renew", "--year", YEAR, "--apply", "--by", "gs-officer", "--csv", str(csv_file), db=url)
    again = ok("renew", "--year", YEAR, "--apply", "--by", "gs-officer", "--json", db=url).json()

    assert first["changed"] == sum(first["counts"][a] for a in ("renew", "rectify", "drop"))
    assert again["changed"] == 0
    assert csv_file.read_text(encoding="utf-8").startswith("project,organization,uscc")
    batch = ok("audit", "batch", first["batch_id"], "--json", db=url).json()
    renewals = first["counts"]["renew"]
    assert len(batch) == first["changed"] + renewals
    ok("audit", "verify", db=url)


def test_apply_signs_the_chain_before_and_after_the_run(tmp_path: Path) -> None:
    url, _ = _generated(tmp_path, 30)
    run = ok("renew", "--year", YEAR, "--apply", "--by", "gs-officer", db=url)
    assert "Audit checkpoint" in run.stdout
    verified = ok("audit", "verify", db=url)
    assert "2 checkpoints hold" in verified.stdout


def test_apply_hands_its_last_checkpoint_to_the_configured_witness(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, _ = _generated(tmp_path, 30)
    folder = tmp_path / "witness"
    folder.mkdir()
    monkeypatch.setenv("PROCURE_WITNESS_FOLDERS", str(folder))

    run = ok("renew", "--year", YEAR, "--apply", "--by", "gs-officer", db=url)

    (written,) = folder.glob("*.json")
    assert f"Delivered to folder {folder}" in run.stdout
    verified = ok("audit", "verify", "--checkpoints", str(written), db=url)
    assert "0 rows after it not yet witnessed" in verified.stdout


def test_apply_without_a_key_warns_in_one_line_and_still_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, _ = _generated(tmp_path, 30)
    monkeypatch.setenv(KEY_ENV, str(tmp_path / "none.key"))
    run = procure("renew", "--year", YEAR, "--apply", "--by", "gs-officer", "--json", db=url)
    assert run.code == 0, str(run)
    assert run.json()["changed"] > 0 and run.json()["checkpoint"] is None
    assert run.stderr.count("\n") == 1 and "procure keys init" in run.stderr


def test_apply_refuses_a_group_readable_key_before_changing_anything(
    tmp_path: Path, audit_key: Path
) -> None:
    url, _ = _generated(tmp_path, 30)
    key = tmp_path / "loose.key"
    shutil.copy(audit_key, key)
    key.chmod(0o640)
    before = dump(url)
    run = procure(
        "renew", "--year", YEAR, "--apply", "--by", "gs-officer", "--key", str(key), db=url
    )
    assert run.code == 1 and "chmod 600" in run.stderr
    assert dump(url) == before


def test_a_barred_renewal_needs_a_decision_and_the_run_still_exits_0(tmp_path: Path) -> None:
    url, _ = _generated(tmp_path, 1000)  # 200 organizations: some dropped ones also renew
    plan = ok("renew", "--year", YEAR, "--json", db=url).json()  # a dry run: exit 0
    undecided = plan["counts"]["decide"]
    assert undecided > 0 and plan["counts"]["refused"] == 0

    applied = ok("renew", "--year", YEAR, "--apply", "--by", "gs-officer", db=url)
    again = ok("renew", "--year", YEAR, "--apply", "--by", "gs-officer", "--json", db=url)

    assert applied.stdout.count("Not done:") == undecided
    assert (
        "Needs a decision: the policy renews it" in applied.stdout and "Changed" in applied.stdout
    )
    assert again.json()["changed"] == 0
    assert [r["status"] for r in again.json()["results"]] == ["decide"] * undecided
    first = next(r["project"] for r in again.json()["results"])
    ok(
        "advance",
        first,
        "drop",
        "--as",
        "officer",
        "--by",
        "gs-officer",
        "--reason",
        "not renewed: barred",
        db=url,
    )
    last = ok("renew", "--year", YEAR, "--apply", "--by", "gs-officer", "--json", db=url).json()
    assert [r["status"] for r in last["results"]] == ["decide"] * (undecided - 1)
    assert "Exit code: 0 when every planned decision" in ok("renew", "--help").stdout


def test_an_unknown_purchaser_is_one_line_and_exit_1(tmp_path: Path) -> None:
    url, _ = _generated(tmp_path, 10)

    run = procure("renew", "--year", YEAR, "--purchaser", "NOPE", db=url)

    assert run.code == 1 and run.stderr.startswith("error: unknown purchaser 'NOPE'")


def _counts(path: Path) -> tuple[int, int, int]:
    with sqlite3.connect(path, timeout=30) as connection:
        decided, renewed = connection.execute(
            "SELECT count(*) FILTER (WHERE state != 'assessed'), "
            "count(*) FILTER (WHERE state = 'renewed') FROM project WHERE year = 2019"
        ).fetchone()
        following = connection.execute(
            "SELECT count(*) FROM project WHERE year = 2020 AND previous_project_id IS NOT NULL"
        ).fetchone()[0]
    return decided, renewed, following


KILLED_CHUNK = 500
"""Contracts per transaction of the run killed mid-way, named to tests/pinned_procure.py in
PROCURE_TESTS_RENEW_CHUNK: a year of 3,000 has six chunks, as a year of 60,000 has with
procure's own chunk."""


def test_a_run_killed_mid_way_leaves_whole_chunks_and_a_rerun_finishes(tmp_path: Path) -> None:
    url, path = _generated(tmp_path, 3_000)
    env = {**os.environ, "PROCURE_DB": url, "PROCURE_TESTS_RENEW_CHUNK": str(KILLED_CHUNK)}
    child = subprocess.Popen(
        [*PINNED_PROCURE, "renew", "--year", YEAR, "--apply", "--by", "gs-officer", "--json"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while _counts(path)[0] == 0 and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.01)
    child.send_signal(signal.SIGKILL)
    child.wait()

    decided, renewed, following = _counts(path)
    assert following == renewed  # every renewal has its next-year project, no more
    ok("audit", "verify", db=url)

    finished = procure("renew", "--year", YEAR, "--apply", "--by", "gs-officer", "--json", db=url)
    finish = finished.json()

    assert finished.code == (1 if finish["counts"]["refused"] else 0), finished.stderr
    assert decided % KILLED_CHUNK == 0 or finish["changed"] == 0  # whole chunks only
    decided_after, renewed_after, following_after = _counts(path)
    assert finish["changed"] == decided_after - decided
    assert following_after == renewed_after
    assert finish["counts"]["skip"] == decided
    ok("audit", "verify", db=url)
