"""`procure keys init`, `procure audit checkpoint` and `procure audit verify --checkpoints`
as a person runs them; on the Siming demo every tamper class is named, one line each."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlmodel import Session

from procure.store.db import make_engine, new_session
from procure.store.keyfile import KEY_ENV
from tests.e2e.cli import Run, ok, procure, sqlite_url
from tests.e2e.conftest import UnprintedDemo, copy_demo
from tests.integration import tampering


def test_keys_init_creates_an_owner_only_key_prints_its_public_half_and_never_overwrites(
    tmp_path: Path,
) -> None:
    key = tmp_path / "office" / "audit.key"
    run = ok("keys", "init", "--key", str(key))
    public = (tmp_path / "office" / "audit.key.pub").read_text()
    assert key.stat().st_mode & 0o777 == 0o600
    assert "Public key" in run.stdout and "BEGIN PUBLIC KEY" in public
    before = key.read_bytes()
    again = procure("keys", "init", "--key", str(key))
    assert again.code == 1
    assert again.stderr.count("\n") == 1 and "already exists" in again.stderr
    assert key.read_bytes() == before


@pytest.fixture(scope="module")
def demo(unprinted_demo: UnprintedDemo, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the session's demo folder (database, key, checkpoint), for this module."""
    assert f"→ {unprinted_demo.folder / 'checkpoints'}" in unprinted_demo.stdout
    return copy_demo(unprinted_demo, tmp_path_factory.mktemp("demo"))


def _copy(demo: Path, tmp_path: Path) -> str:
    shutil.copy(demo / "demo.db", tmp_path / "demo.db")
    return sqlite_url(tmp_path / "demo.db")


def _verify(demo: Path, url: str) -> tuple[int, list[str]]:
    run = _verify_run(demo, url)
    return run.code, run.stderr.splitlines()


def _verify_run(demo: Path, url: str) -> Run:
    return procure(
        "audit",
        "verify",
        "--checkpoints",
        str(demo / "checkpoints"),
        "--public-key",
        str(demo / "audit-signing.key.pub"),
        db=url,
    )


def test_the_demo_trail_verifies_with_its_checkpoint_held_outside(demo: Path) -> None:
    run = ok(
        "audit",
        "verify",
        "--checkpoints",
        str(demo / "checkpoints"),
        "--public-key",
        str(demo / "audit-signing.key.pub"),
        db=sqlite_url(demo / "demo.db"),
    )
    assert "Audit chain intact" in run.stdout
    assert "checkpoints hold; newest checkpoint 2020-01-07" in run.stdout


def _last_seq(demo: Path) -> int:
    return int(next((demo / "checkpoints").glob("*.json")).stem.rsplit("-", 1)[1])


TAMPERS: dict[str, Callable[[Session, int], None]] = {
    "tail cut, head moved back": lambda s, last: tampering.cut_tail(s, last - 20),
    "tail cut, rewritten past it": lambda s, last: (
        (
            tampering.cut_tail(s, last - 20),
            tampering.write_trail(s, 25, first=900),
        )
        and None
    ),
    "whole trail deleted": lambda s, last: tampering.delete_trail(s),
    "edit re-chained": lambda s, last: (
        (
            tampering.edit_row(s, 100, "改过的理由"),
            tampering.rechain(s, 100),
        )
        and None
    ),
    "forged row inserted": lambda s, last: tampering.insert_forged(s, 100),
    "rows swapped": lambda s, last: tampering.swap_rows(s, 100, 101),
}
EXPECTED = {
    "tail cut, head moved back": "row {seq} is missing",
    "tail cut, rewritten past it": "row {seq} hash differs",
    "whole trail deleted": "row {seq} is missing",
    "edit re-chained": "row {seq} hash differs",
    "forged row inserted": "row {seq} hash differs",
    "rows swapped": "row {seq} hash differs",
}


@pytest.mark.parametrize("tamper", list(TAMPERS))
def test_each_tamper_class_on_the_demo_is_named_in_one_line_and_exits_1(
    demo: Path, tmp_path: Path, tamper: str
) -> None:
    url = _copy(demo, tmp_path)
    seq = _last_seq(demo)
    engine = make_engine(url)
    try:
        with new_session(engine) as session:
            TAMPERS[tamper](session, seq)
    finally:
        engine.dispose()
    code, lines = _verify(demo, url)
    assert code == 1
    expected = EXPECTED[tamper].format(seq=seq)
    assert f"error: checkpoint 2020-01-07 #{seq} no longer matches: {expected}" in lines[0]
    assert all(line.startswith("error: ") for line in lines)
    assert len(lines) == (2 if tamper == "whole trail deleted" else 1), lines


_PROJECT = "(SELECT id FROM project WHERE code = '{code}')"
BUSINESS_EDITS: dict[str, tuple[str, str]] = {
    "contract amount": (
        f"UPDATE contract SET amount = amount + 100000 WHERE project_id = "
        f"{_PROJECT.format(code='SM-2019-002')}",
        "contract 思总工购〔2019〕2号: amount is 776000.00 in the trail, 777000.00",
    ),
    "project state": (
        "UPDATE project SET state = 'renewed' WHERE code = 'SM-2019-005'",
        "project SM-2019-005: state is dropped in the trail, renewed in the database",
    ),
    "deleted bar": ("DELETE FROM bar", "in the trail, missing from the database"),
    "cleared veto": (
        f"UPDATE assessment SET veto = '[]' WHERE project_id = "
        f"{_PROJECT.format(code='SM-2019-006')}",
        "veto is",
    ),
    "deleted payment": (
        f"DELETE FROM payment WHERE contract_id = (SELECT id FROM contract WHERE project_id = "
        f"{_PROJECT.format(code='SM-2019-001')}) AND tranche = 1",
        "in the trail, missing from the database",
    ),
    "swapped awarded organization": (
        "UPDATE project SET awarded_organization_id = (SELECT id FROM organization "
        "WHERE uscc = '51350203MJ0265480G') WHERE code = 'SM-2019-004'",
        "project SM-2019-004: awarded is 52350203MJ05391468 in the trail, 51350203MJ0265480G",
    ),
}


@pytest.mark.parametrize("edit", list(BUSINESS_EDITS))
def test_each_direct_edit_of_the_demos_tables_is_named_with_both_values(
    demo: Path, tmp_path: Path, edit: str
) -> None:
    import sqlite3

    url = _copy(demo, tmp_path)
    statement, says = BUSINESS_EDITS[edit]
    with sqlite3.connect(tmp_path / "demo.db") as connection:
        assert connection.execute(statement).rowcount >= 1
    run = _verify_run(demo, url)
    assert run.code == 1, str(run)
    assert "checkpoints hold" in run.stdout  # the chain itself was not touched
    assert says in run.stdout, str(run)
    assert run.stderr.startswith("error: the trail does not explain the data")


def test_audit_checkpoint_exports_a_file_that_verify_accepts(demo: Path, tmp_path: Path) -> None:
    url = _copy(demo, tmp_path)
    run = ok("audit", "checkpoint", "--out", str(tmp_path / "held") + "/", db=url)
    assert "Exported" in run.stdout
    held = list((tmp_path / "held").glob("checkpoint-*.json"))
    assert len(held) == 1
    both = ("--checkpoints", str(held[0]), "--checkpoints", str(demo / "checkpoints"))
    assert "2 checkpoints hold" in ok("audit", "verify", *both, db=url).stdout
    alone = procure("audit", "verify", "--checkpoints", str(held[0]), db=url)
    assert alone.code == 1  # the demo's stored checkpoint is not signed with the file's key
    assert "(stored) is signed with key" in alone.stderr


def test_a_key_readable_by_others_is_refused_in_one_line(
    demo: Path, tmp_path: Path, audit_key: Path
) -> None:
    url = _copy(demo, tmp_path)
    key = tmp_path / "loose.key"
    shutil.copy(audit_key, key)
    key.chmod(0o644)
    run = procure("audit", "checkpoint", "--key", str(key), db=url)
    assert run.code == 1
    assert run.stderr == (
        f"error: refused: the key file {key} is readable by group or others (mode 0644); "
        f"make it owner-only: chmod 600 {key}\n"
    )


def test_checkpoint_without_a_key_says_how_to_create_one(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_ENV, str(tmp_path / "none.key"))
    run = procure("audit", "checkpoint", db=_copy(demo, tmp_path))
    assert run.code == 1
    assert "procure keys init" in run.stderr and run.stderr.count("\n") == 1


def test_a_checkpoint_signed_with_an_untrusted_key_is_named(
    demo: Path, tmp_path: Path, audit_key: Path
) -> None:
    url = _copy(demo, tmp_path)
    ok("audit", "checkpoint", "--key", str(audit_key), db=url)  # a key that is not the demo's
    code, lines = _verify(demo, url)
    assert code == 1
    assert len(lines) == 1
    assert "(stored) is signed with key" in lines[0] and "not the trusted key" in lines[0]
