"""Signed checkpoints: an outside holder of one detects every rewrite of the trail before it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session

from procure.domain.errors import Refused
from procure.services.trail.checkpoints import (
    Signer,
    export_checkpoint,
    load_signer,
    read_checkpoint_files,
    take_checkpoint,
    verify_trail,
)
from procure.store.keyfile import create_key
from tests.integration import tampering
from tests.integration.tampering import write_trail

AT = datetime(2020, 1, 7, 1, 0, tzinfo=UTC)
NAME = "checkpoint 2020-01-07 #30"


@pytest.fixture
def signer(tmp_path: Path) -> Signer:
    create_key(tmp_path / "audit.key")
    return load_signer(tmp_path / "audit.key")


@pytest.fixture
def held(session: Session, signer: Signer, tmp_path: Path) -> Path:
    """A trail of 30 rows, checkpointed; the checkpoint's file kept outside the database."""
    write_trail(session, 30)
    signed = take_checkpoint(session, signer, at=AT)
    return export_checkpoint(signed, tmp_path / "held/")


def problems(session: Session, held: Path, trusted: str | None = None) -> list[str]:
    given, unreadable = read_checkpoint_files([held])
    session.expire_all()
    report = verify_trail(session, given, trusted_key=trusted, file_problems=unreadable)
    assert report.ok == (not report.problems)
    return report.problems


def test_a_clean_trail_holds_its_stored_and_exported_checkpoints(
    session: Session, held: Path, signer: Signer
) -> None:
    assert problems(session, held, signer.public_key) == []
    write_trail(session, 5, first=30)
    take_checkpoint(session, signer)
    assert problems(session, held, signer.public_key) == []


def test_the_newest_checkpoint_is_reused_until_the_head_moves(
    session: Session, held: Path, signer: Signer
) -> None:
    first = take_checkpoint(session, signer, at=AT)
    assert take_checkpoint(session, signer) == first
    write_trail(session, 1, first=30)
    moved = take_checkpoint(session, signer)
    assert (moved.seq, moved.rows) == (31, 31)
    assert moved != first


def test_an_empty_trail_has_nothing_to_checkpoint(session: Session, signer: Signer) -> None:
    with pytest.raises(Refused, match="the audit trail is empty"):
        take_checkpoint(session, signer)


def test_a_cut_tail_with_the_head_moved_back_names_the_missing_row(
    session: Session, held: Path
) -> None:
    tampering.cut_tail(session, 20)
    write_trail(session, 5, first=100)  # the head moves on, to 25
    assert problems(session, held) == [f"{NAME} no longer matches: row 30 is missing (file {held})"]


def test_a_cut_tail_rewritten_past_the_checkpoint_names_the_differing_hash(
    session: Session, held: Path
) -> None:
    tampering.cut_tail(session, 20)
    write_trail(session, 15, first=100)  # the head moves past 30 again
    assert problems(session, held) == [
        f"{NAME} no longer matches: row 30 hash differs (file {held})"
    ]


def test_a_deleted_trail_is_detected_by_the_checkpoint_held_outside(
    session: Session, held: Path
) -> None:
    tampering.delete_trail(session)
    assert problems(session, held) == [
        f"{NAME} no longer matches: row 30 is missing (file {held})",
        f"{NAME} (file {held}) is not stored in the database: its row was deleted",
    ]


def test_an_edit_re_chained_behind_it_changes_the_checkpoints_row(
    session: Session, held: Path
) -> None:
    tampering.edit_row(session, 10, "改过的理由")
    tampering.rechain(session, 10)
    assert problems(session, held) == [
        f"{NAME} no longer matches: row 30 hash differs (file {held})"
    ]


def test_an_edit_left_unhashed_breaks_the_chain_and_the_checkpoint(
    session: Session, held: Path
) -> None:
    tampering.edit_row(session, 10, "改过的理由")
    assert problems(session, held) == [
        "audit chain broken at row 10: its content does not match its hash",
        f"{NAME} no longer matches: row 30 hash differs (file {held})",
    ]


def test_a_forged_row_inserted_before_the_checkpoint_is_detected(
    session: Session, held: Path
) -> None:
    tampering.insert_forged(session, 10)
    assert problems(session, held) == [
        f"{NAME} no longer matches: row 30 hash differs (file {held})"
    ]


def test_swapped_rows_before_the_checkpoint_are_detected(session: Session, held: Path) -> None:
    tampering.swap_rows(session, 10, 11)
    assert problems(session, held) == [
        f"{NAME} no longer matches: row 30 hash differs (file {held})"
    ]


def test_a_checkpoint_re_signed_with_another_key_is_named(
    session: Session, held: Path, signer: Signer, tmp_path: Path
) -> None:
    tampering.edit_row(session, 10, "改过的理由")
    tampering.rechain(session, 10)
    create_key(tmp_path / "attacker.key")
    forged = take_checkpoint(session, load_signer(tmp_path / "attacker.key"), at=AT)
    found = problems(session, held, signer.public_key)
    assert found == [
        f"{NAME} no longer matches: row 30 hash differs (file {held})",
        f"{NAME} (stored) is signed with key {forged.key_fingerprint}, "
        f"not the trusted key {signer_fingerprint(signer)}",
    ]


def take_checkpoint_of_another_head(data: dict[str, object]) -> str:
    """A valid signature, by a fresh key, of another statement: not this file's signature."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from procure.domain.checkpoint import sign

    return sign(Ed25519PrivateKey.generate(), seq=1, hash="0" * 64, rows=1, at="x").signature


def signer_fingerprint(signer: Signer) -> str:
    from procure.domain.checkpoint import fingerprint

    return fingerprint(signer.public_key)


def test_a_tampered_signature_in_a_held_file_is_named(session: Session, held: Path) -> None:
    file = held
    data = json.loads(file.read_text())
    other = take_checkpoint_of_another_head(data)
    data["signature"] = other
    file.write_text(json.dumps(data))
    assert problems(session, held) == [
        f"{NAME} (file {file}): its signature is not valid",
        f"{NAME} (file {file}) is not stored in the database: its row was deleted",
    ]


def test_signing_is_refused_over_a_chain_cut_since_the_last_checkpoint(
    session: Session, held: Path, signer: Signer
) -> None:
    tampering.cut_tail(session, 20)
    write_trail(session, 15, first=100)
    with pytest.raises(Refused, match="checkpoint refused: .*row 30 hash differs"):
        take_checkpoint(session, signer)
