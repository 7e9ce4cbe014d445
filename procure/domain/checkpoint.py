"""Signed checkpoints of the audit chain: the statement, its Ed25519 signature, the checks.

A checkpoint says "at time T the audit chain's head was row S with hash H, and the chain
held N rows", signed with a key kept outside the database. The signed text (the
*statement*) is canonical JSON, so anyone can re-derive it; the exported file repeats its
fields for people and carries the public key and the signature (both base64). Pure rules:
no file, no database.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from procure.domain.audit_chain import canonical_json
from procure.domain.errors import InvalidInput

CHECKPOINT_FORMAT = "procure-audit-checkpoint/1"
_STATEMENT_FIELDS = ("format", "seq", "hash", "rows", "at")


@dataclass(frozen=True)
class Checkpoint:
    """One signed statement of the chain's head (the fields of the ``audit_checkpoint`` table)."""

    seq: int
    hash: str
    rows: int
    at: str
    public_key: str
    signature: str
    statement: str

    @property
    def name(self) -> str:
        """How a person names it: ``checkpoint 2020-01-07 #227``."""
        return f"checkpoint {self.at[:10]} #{self.seq}"

    @property
    def key_fingerprint(self) -> str:
        """The signing key's short fingerprint (see :func:`fingerprint`)."""
        return fingerprint(self.public_key)

    def to_dict(self) -> dict[str, Any]:
        """The exported JSON file's content: the statement's fields, key, signature, statement."""
        return {"format": CHECKPOINT_FORMAT, **asdict(self)}


def statement_text(*, seq: int, hash: str, rows: int, at: str) -> str:
    """The exact text a checkpoint signs: canonical JSON of format, seq, hash, rows, at."""
    return canonical_json(
        {"format": CHECKPOINT_FORMAT, "seq": seq, "hash": hash, "rows": rows, "at": at}
    )


def sign(private_key: Ed25519PrivateKey, *, seq: int, hash: str, rows: int, at: str) -> Checkpoint:
    """Sign the statement of a head (Ed25519 signatures are deterministic: same key, same text,
    same signature)."""
    statement = statement_text(seq=seq, hash=hash, rows=rows, at=at)
    signature = private_key.sign(statement.encode())
    return Checkpoint(
        seq=seq,
        hash=hash,
        rows=rows,
        at=at,
        public_key=public_key_text(private_key.public_key()),
        signature=base64.b64encode(signature).decode(),
        statement=statement,
    )


def public_key_text(key: Ed25519PublicKey) -> str:
    """A public key as base64 of its 32 raw bytes (44 characters)."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return base64.b64encode(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def fingerprint(public_key: str) -> str:
    """A public key's short name: the first 16 hex digits of the SHA-256 of its raw bytes."""
    try:
        raw = base64.b64decode(public_key, validate=True)
    except (binascii.Error, ValueError):
        return "?" * 16
    return hashlib.sha256(raw).hexdigest()[:16]


def signature_problem(checkpoint: Checkpoint) -> str | None:
    """Why the checkpoint's signature or statement does not hold, or None when it does.

    The statement must be the canonical text of the checkpoint's own fields, and the
    signature must verify over it with the public key the checkpoint names.
    """
    expected = statement_text(
        seq=checkpoint.seq, hash=checkpoint.hash, rows=checkpoint.rows, at=checkpoint.at
    )
    if checkpoint.statement != expected:
        return "its fields differ from the statement it signs"
    try:
        raw_key = base64.b64decode(checkpoint.public_key, validate=True)
        signature = base64.b64decode(checkpoint.signature, validate=True)
        key = Ed25519PublicKey.from_public_bytes(raw_key)
    except (binascii.Error, ValueError):
        return "its public key or signature is not valid base64 Ed25519 data"
    try:
        key.verify(signature, checkpoint.statement.encode())
    except InvalidSignature:
        return "its signature is not valid"
    return None


def from_mapping(data: Mapping[str, Any], *, source: str) -> Checkpoint:
    """Read a checkpoint from its exported JSON form (or a stored row's fields).

    The fields are taken from the signed statement; the copies beside it must agree (a
    file whose shown fields were edited is refused, naming the field).

    Raises:
        InvalidInput: not a procure checkpoint, or its fields disagree with its statement.
    """
    if data.get("format", CHECKPOINT_FORMAT) != CHECKPOINT_FORMAT:
        raise InvalidInput(f"{source} is not a procure audit checkpoint ({CHECKPOINT_FORMAT})")
    missing = [
        name
        for name in ("statement", "public_key", "signature")
        if not isinstance(data.get(name), str)
    ]
    if missing:
        raise InvalidInput(f"{source} is not a procure audit checkpoint: no {', '.join(missing)}")
    try:
        stated = json.loads(str(data["statement"]))
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{source}: its statement is not JSON ({exc})") from exc
    if not isinstance(stated, dict) or stated.get("format") != CHECKPOINT_FORMAT:
        raise InvalidInput(f"{source}: its statement is not a checkpoint statement")
    values = {name: stated.get(name) for name in _STATEMENT_FIELDS[1:]}
    if not (
        isinstance(values["seq"], int)
        and isinstance(values["rows"], int)
        and isinstance(values["hash"], str)
        and isinstance(values["at"], str)
    ):
        raise InvalidInput(f"{source}: its statement lacks seq, hash, rows or at")
    for name, value in values.items():
        if name in data and data[name] != value:
            raise InvalidInput(
                f"{source}: its {name} ({data[name]!r}) differs from the signed statement "
                f"({value!r})"
            )
    return Checkpoint(
        seq=values["seq"],
        hash=values["hash"],
        rows=values["rows"],
        at=values["at"],
        public_key=str(data["public_key"]),
        signature=str(data["signature"]),
        statement=str(data["statement"]),
    )


def containment_problem(
    checkpoint: Checkpoint, *, computed_hash: str | None, rows_up_to: int
) -> str | None:
    """Whether the chain as recomputed today still holds the checkpoint's head.

    Args:
        checkpoint: the checkpoint.
        computed_hash: the hash of row ``checkpoint.seq`` recomputed from the first row
            (None when that row is missing).
        rows_up_to: how many rows the chain holds up to and including that row.

    Returns:
        Why it no longer matches (``row 227 is missing``, ``row 227 hash differs``), or None.
    """
    if computed_hash is None:
        return f"row {checkpoint.seq} is missing"
    if computed_hash != checkpoint.hash:
        return f"row {checkpoint.seq} hash differs"
    if rows_up_to != checkpoint.rows:
        return (
            f"the chain holds {rows_up_to} rows up to #{checkpoint.seq}, it held {checkpoint.rows}"
        )
    return None


def checkpoint_problems(
    held: Checkpoint, source: str, trusted: set[str], at_rows: Mapping[int, tuple[str, int]]
) -> list[str]:
    """Every problem of one checkpoint, one line each: signature, key, place in the chain.

    Args:
        held: the checkpoint.
        source: where it came from, as shown (``file checkpoints/….json``, ``stored``).
        trusted: the public keys it may be signed with (empty: any key).
        at_rows: the recomputed chain's hash and row count at each row it still holds.
    """
    problems = []
    invalid = signature_problem(held)
    if invalid:
        problems.append(f"{held.name} ({source}): {invalid}")
    if trusted and held.public_key not in trusted:
        names = ", ".join(sorted(fingerprint(key) for key in trusted))
        problems.append(
            f"{held.name} ({source}) is signed with key {held.key_fingerprint}, "
            f"not the trusted key {names}"
        )
    computed, rows_up_to = at_rows.get(held.seq, (None, 0))
    mismatch = containment_problem(held, computed_hash=computed, rows_up_to=rows_up_to)
    if mismatch:
        problems.append(f"{held.name} no longer matches: {mismatch} ({source})")
    return problems
