"""The end-to-end tier signs with a key of its own: the user's configured key is never used.

Every ``procure`` run started by these tests sees ``PROCURE_AUDIT_KEY`` naming a fresh
owner-only key, so renewals and printed records take checkpoints as in a configured office.
A test of the no-key path names a missing key itself.

``procure demo`` costs seconds, and half a minute printing its records, so the tests that
read what a run in a fresh folder leaves (its output, its files) share one run per session
(:func:`printed_demo`, :func:`unprinted_demo`); a module that changes the folder works on
a copy (:func:`copy_demo`).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from procure.store.keyfile import KEY_ENV, create_key
from tests.e2e.cli import CHINESE, ok

DRAFT_YEAR = 2020
"""The year of the project the session's ``procure demo`` leaves in draft (``--draft-year``):
the browser walk of tests/e2e/web runs its servers on that year's dates."""


@pytest.fixture(scope="session", autouse=True)
def audit_key(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A signing key for the session's ``procure`` runs (its public half at ``KEY.pub``)."""
    path = tmp_path_factory.mktemp("keys") / "audit-signing.key"
    create_key(path)
    before = os.environ.get(KEY_ENV)
    os.environ[KEY_ENV] = str(path)
    yield path
    if before is None:
        os.environ.pop(KEY_ENV, None)
    else:
        os.environ[KEY_ENV] = before


@dataclass(frozen=True)
class PrintedDemo:
    """What ``procure demo --dir FOLDER`` (records printed) left, run from ``cwd``."""

    folder: Path
    cwd: Path
    stdout: str


@pytest.fixture(scope="session")
def printed_demo(tmp_path_factory: pytest.TempPathFactory) -> PrintedDemo:
    """``procure demo`` with its records, in a fresh folder of its own and its own key, run
    from another folder, in Chinese (the default); the tests using it only read it (a test
    that changes a demo folder prints its own, or copies this one)."""
    cwd = tmp_path_factory.mktemp("demo-run")
    folder = cwd / "demo"
    run = ok("demo", "--dir", str(folder), "--draft-year", str(DRAFT_YEAR), cwd=cwd, lang=CHINESE)
    return PrintedDemo(folder, cwd, run.stdout)


@dataclass(frozen=True)
class UnprintedDemo:
    """What ``procure demo --dir FOLDER --no-records`` left: the database, the demo's key and
    its checkpoint in ``folder``, and what it printed."""

    folder: Path
    stdout: str


@pytest.fixture(scope="session")
def unprinted_demo(tmp_path_factory: pytest.TempPathFactory) -> UnprintedDemo:
    """``procure demo --no-records`` in a fresh folder; the tests using it only read it."""
    folder = tmp_path_factory.mktemp("demo-unprinted")
    return UnprintedDemo(
        folder,
        ok("demo", "--dir", str(folder), "--no-records", "--draft-year", str(DRAFT_YEAR)).stdout,
    )


def copy_demo(demo: UnprintedDemo, folder: Path) -> Path:
    """A copy of the demo's folder at ``folder`` (the same key, modes kept), free to change."""
    shutil.copytree(demo.folder, folder, dirs_exist_ok=True)
    return folder
