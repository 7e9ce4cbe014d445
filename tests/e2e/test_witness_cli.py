"""`procure tick` takes a checkpoint and hands it to the witnesses; `procure audit verify`
says how old the newest witnessed checkpoint is (in-process runner)."""

from __future__ import annotations

import json
from pathlib import Path

from procure.store.keyfile import create_key
from tests.e2e.test_deadlines_cli import db, run  # noqa: F401 (the database fixture)
from tests.integration.deadline_world import CLOCK


def _witnessed_env(tmp_path: Path) -> tuple[dict[str, str], Path]:
    create_key(tmp_path / "audit.key")
    folder = tmp_path / "witness"
    folder.mkdir()
    return {
        "PROCURE_AUDIT_KEY": str(tmp_path / "audit.key"),
        "PROCURE_WITNESS_FOLDERS": str(folder),
    }, folder


def test_audit_verify_says_when_no_checkpoint_was_witnessed_yet(
    db: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    env, _ = _witnessed_env(tmp_path)
    assert run(db, "audit", "checkpoint", env=env).code == 0  # stored, handed to no witness

    shown = run(db, "audit", "verify")

    assert shown.code == 0, shown.stderr
    assert "Newest witnessed checkpoint: none" in shown.stdout


def test_the_tick_checkpoints_and_audit_verify_reports_the_witnessed_checkpoint_s_age(
    db: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    env, folder = _witnessed_env(tmp_path)

    ticked = run(db, "tick", "--at", "2019-10-09", "--by", CLOCK, env=env)
    shown = run(db, "audit", "verify", env=env)
    listed = run(db, "audit", "verify", "--json", env=env)

    assert ticked.code == 0, ticked.stderr
    (written,) = folder.glob("*.json")
    seq = json.loads(written.read_text())["seq"]
    assert f"#{seq} (taken)" in ticked.stdout
    assert f"Delivered to folder {folder}" in ticked.stdout
    assert "Newest witnessed checkpoint: checkpoint " in shown.stdout
    assert f"#{seq}, 0 minutes old, 0 rows after it not yet witnessed" in shown.stdout
    newest = json.loads(listed.stdout)["newest_witnessed"]
    assert (newest["seq"], newest["rows_after"], newest["witnesses"]) == (
        seq,
        0,
        [f"folder {folder}"],
    )


def test_a_malformed_witness_setting_refuses_the_tick_before_it_runs(
    db: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    env, _ = _witnessed_env(tmp_path)
    env["PROCURE_WITNESS_URLS"] = "ftp://witness.example/cp"

    refused = run(db, "tick", "--at", "2019-10-09", "--by", CLOCK, env=env)

    assert refused.code == 1
    assert refused.stderr.strip() == (
        "error: PROCURE_WITNESS_URLS: 'ftp://witness.example/cp' is not an http(s) URL"
    )
    assert json.loads(run(db, "show", "SM-2019-001", "--json").stdout)["state"] == "soliciting"
