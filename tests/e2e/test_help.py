"""Asking for help is instant and harmless: no database opened or created, no PDF engine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.cli import CHINESE, ENGLISH, PROCURE, ok

PROBE = """
import json, sys
from procure.cli import main
code = main(["--help"])
heavy = ["weasyprint", "sqlalchemy", "sqlmodel", "procure.store.db", "procure.reports"]
print(json.dumps({"code": code, "loaded": [name for name in heavy if name in sys.modules]}))
"""


def test_help_exits_zero_and_lists_every_command(tmp_path: Path) -> None:
    run = ok("--help", cwd=tmp_path)
    for command in ("init", "load", "demo", "projects", "show", "actions", "advance", "history"):
        assert command in run.stdout
    assert "audit" in run.stdout and "workflow" in run.stdout


def test_the_installed_console_script_runs_on_the_real_clock(tmp_path: Path) -> None:
    """Every other CLI test runs procure at the tests' pinned moment (tests/pinned_procure.py)."""
    completed = subprocess.run(
        [str(PROCURE), "--help"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=tmp_path,
        env={**os.environ, "LANG": ENGLISH, "LC_ALL": ENGLISH},
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("Usage: procure ")


def test_help_creates_no_database_in_the_working_folder(tmp_path: Path) -> None:
    ok("--help", cwd=tmp_path)
    ok("advance", "--help", cwd=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_showing_the_workflow_needs_no_database(tmp_path: Path) -> None:
    assert "已续约" in ok("workflow", "show", cwd=tmp_path, lang=CHINESE).stdout
    assert list(tmp_path.iterdir()) == []


def test_help_imports_neither_the_pdf_engine_nor_the_database_layer(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=True,
    )
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert report == {"code": 0, "loaded": []}


def test_advance_help_names_every_step_that_cannot_be_undone(tmp_path: Path) -> None:
    """The list in ``procure advance --help`` is the workflow's ``irreversible`` triggers."""
    from procure.workflow.rules import default_rules

    definition = default_rules().engine.definition
    irreversible = {t.trigger: t.zh for t in definition.transitions if t.irreversible}
    english = " ".join(ok("advance", "--help", cwd=tmp_path).stdout.split())
    chinese = " ".join(ok("advance", "--help", cwd=tmp_path, lang=CHINESE).stdout.split())

    assert "cannot be undone" in english and "不能撤销" in chinese
    assert {"award", "sign_contract", "finalize_assessment", "drop"} <= set(irreversible)
    for trigger, zh in irreversible.items():
        assert f"{trigger} {zh}" in chinese
        assert f"{trigger} (" in english
    assert "record_payment" not in english and "record_payment" not in chinese


def test_renew_help_says_that_apply_cannot_be_undone(tmp_path: Path) -> None:
    run = ok("renew", "--help", cwd=tmp_path)

    assert "Cannot be undone" in " ".join(run.stdout.split())


@pytest.mark.parametrize(
    ("command", "consequence"),
    [
        (("correct",), "a wrong correction is fixed only by another one"),
        (("amend",), "only a later amendment changes them"),
        (("approve",), "only a later correction or amendment changes it"),
        (("approve", "correction"), "only a later correction changes the value"),
        (("approve", "amendment"), "only a later amendment changes the contract"),
        (("refuse",), "never counts and cannot be revived"),
        (("refuse", "correction"), "correction never counts and cannot be revived"),
        (("refuse", "amendment"), "amendment never counts and cannot be revived"),
    ],
)
def test_correction_commands_say_in_help_what_cannot_be_undone(
    tmp_path: Path, command: tuple[str, ...], consequence: str
) -> None:
    """Like advance and renew, each change of a recorded fact says what cannot be undone."""
    text = " ".join(ok(*command, "--help", cwd=tmp_path).stdout.split())
    chinese = ok(*command, "--help", cwd=tmp_path, lang=CHINESE).stdout

    assert "Cannot be undone" in text and "不能撤销" in chinese
    assert consequence in text
