"""Rules for signed checkpoints: one statement text, a signature only its key makes."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from procure.domain.checkpoint import (
    CHECKPOINT_FORMAT,
    Checkpoint,
    containment_problem,
    fingerprint,
    from_mapping,
    sign,
    signature_problem,
    statement_text,
)
from procure.domain.errors import InvalidInput

HEAD = {"seq": 227, "hash": "ab" * 32, "rows": 227, "at": "2020-01-07T01:00:00.000000Z"}


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def test_statement_is_canonical_json_of_format_seq_hash_rows_and_time() -> None:
    text = statement_text(**HEAD)
    assert json.loads(text) == {"format": CHECKPOINT_FORMAT, **HEAD}
    assert text == statement_text(**HEAD)
    assert " " not in text


def test_signed_checkpoint_verifies_and_is_named_by_date_and_row(key: Ed25519PrivateKey) -> None:
    held = sign(key, **HEAD)
    assert signature_problem(held) is None
    assert held.name == "checkpoint 2020-01-07 #227"
    assert held.statement == statement_text(**HEAD)


def test_the_same_key_and_head_give_the_same_signature(key: Ed25519PrivateKey) -> None:
    assert sign(key, **HEAD) == sign(key, **HEAD)


def test_a_tampered_signature_is_invalid(key: Ed25519PrivateKey) -> None:
    held = sign(key, **HEAD)
    forged = sign(key, **{**HEAD, "seq": 228})
    swapped = Checkpoint(**{**held.__dict__, "signature": forged.signature})
    assert signature_problem(swapped) == "its signature is not valid"


def test_fields_edited_beside_the_statement_are_invalid(key: Ed25519PrivateKey) -> None:
    held = sign(key, **HEAD)
    edited = Checkpoint(**{**held.__dict__, "hash": "cd" * 32})
    assert signature_problem(edited) == "its fields differ from the statement it signs"


def test_a_statement_signed_by_another_key_is_invalid(key: Ed25519PrivateKey) -> None:
    held = sign(key, **HEAD)
    other = sign(Ed25519PrivateKey.generate(), **HEAD)
    wrong_key = Checkpoint(**{**held.__dict__, "public_key": other.public_key})
    assert signature_problem(wrong_key) == "its signature is not valid"
    assert other.key_fingerprint != held.key_fingerprint


def test_garbage_key_or_signature_is_named() -> None:
    held = Checkpoint(
        **HEAD, public_key="not base64!", signature="x", statement=statement_text(**HEAD)
    )
    assert "not valid base64" in str(signature_problem(held))
    assert fingerprint("not base64!") == "?" * 16


def test_exported_form_reads_back_the_same(key: Ed25519PrivateKey) -> None:
    held = sign(key, **HEAD)
    assert from_mapping(json.loads(json.dumps(held.to_dict())), source="f.json") == held


def test_a_file_whose_shown_fields_were_edited_is_refused(key: Ed25519PrivateKey) -> None:
    data = sign(key, **HEAD).to_dict()
    data["seq"] = 300
    with pytest.raises(InvalidInput, match="its seq .300. differs from the signed statement"):
        from_mapping(data, source="f.json")


def test_a_file_that_is_not_a_checkpoint_is_refused() -> None:
    with pytest.raises(InvalidInput, match="not a procure audit checkpoint"):
        from_mapping({"format": "something-else"}, source="f.json")
    with pytest.raises(InvalidInput, match="no statement, public_key, signature"):
        from_mapping({}, source="f.json")


def test_containment_names_a_missing_row_a_differing_hash_or_a_changed_count(
    key: Ed25519PrivateKey,
) -> None:
    held = sign(key, **HEAD)
    assert containment_problem(held, computed_hash=None, rows_up_to=0) == "row 227 is missing"
    assert (
        containment_problem(held, computed_hash="cd" * 32, rows_up_to=227) == "row 227 hash differs"
    )
    assert "holds 226 rows" in str(
        containment_problem(held, computed_hash="ab" * 32, rows_up_to=226)
    )
    assert containment_problem(held, computed_hash="ab" * 32, rows_up_to=227) is None
