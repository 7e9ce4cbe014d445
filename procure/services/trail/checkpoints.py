"""Use cases of signed checkpoints: create the key, sign the head, export, verify the trail.

A checkpoint is only signed over a chain that still recomputes from the previous checkpoint
signed with the same key, so a checkpoint never vouches for a tail that was already cut or
re-hashed. When the head has not moved since the newest checkpoint of that key, that one
is reused: printing the same data twice gives the same bytes.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import Session

from procure.domain import checkpoint as rules
from procure.domain.checkpoint import Checkpoint
from procure.domain.errors import InvalidInput, Refused
from procure.services.lifecycle.clock import now_utc
from procure.store import checkpoints as store
from procure.store import keyfile
from procure.store.audit import utc_stamp, verify_chain
from procure.store.files import write_whole


@dataclass(frozen=True)
class Signer:
    """The signing key, loaded from its file."""

    key: Ed25519PrivateKey
    path: Path

    @property
    def public_key(self) -> str:
        """Its public half, base64."""
        return rules.public_key_text(self.key.public_key())


def init_key(path: Path) -> str:
    """Create the signing key at ``path`` (refusing to overwrite); return its public key."""
    return keyfile.create_key(path)


def load_signer(path: Path) -> Signer:
    """Load the signing key at ``path`` (refusing a file group or others may read)."""
    return Signer(keyfile.load_signing_key(path), path)


def optional_signer(explicit: Path | None) -> tuple[Signer | None, Path]:
    """The configured signer, or None when no key file exists at the configured path.

    A key named explicitly (``--key``) must exist; a key that exists must be usable
    (owner-only, an Ed25519 key): both are checked before anything changes.

    Returns:
        The signer (or None) and the path it was looked for at.
    """
    path = keyfile.signing_key_path(explicit)
    if explicit is None and not path.exists():
        return None, path
    return load_signer(path), path


def take_checkpoint(
    session: Session, signer: Signer, *, at: datetime | None = None, reuse: bool = True
) -> Checkpoint:
    """Sign the chain's current head and store the checkpoint (commits).

    Args:
        session: an open session.
        signer: the signing key.
        at: the moment stated (default: now).
        reuse: return the newest checkpoint of this key unchanged when the head has not
            moved since it (nothing is written then).

    Raises:
        Refused: the trail is empty, or the chain does not recompute since the previous
            checkpoint of this key (nothing is signed then).
    """
    current = store.head(session)
    if current is None:
        session.rollback()
        raise Refused("no checkpoint taken: the audit trail is empty")
    last = store.newest(session, signer.public_key)
    if reuse and last is not None and (last.seq, last.hash) == (current.seq, current.hash):
        session.rollback()
        return last
    problem = store.chain_problem_since(session, last, current)
    if problem is not None:
        session.rollback()
        raise Refused(
            f"checkpoint refused: the audit chain does not hold ({problem}); "
            "run `procure audit verify`"
        )
    signed = rules.sign(
        signer.key,
        seq=current.seq,
        hash=current.hash,
        rows=current.rows,
        at=utc_stamp(at or now_utc()),
    )
    store.save(session, signed)
    session.commit()
    return signed


def file_name(checkpoint: Checkpoint) -> str:
    """The exported file's name: ``checkpoint-2020-01-07-227.json``."""
    return f"checkpoint-{checkpoint.at[:10]}-{checkpoint.seq}.json"


def export_checkpoint(checkpoint: Checkpoint, out: Path | str) -> Path:
    """Write the checkpoint as a small JSON file: ``out`` itself, or a file in folder ``out``.

    A folder is ``out`` when it exists as one or is written with a trailing slash.
    """
    folder = Path(out).is_dir() or str(out).endswith(("/", os.sep))
    target = Path(out) / file_name(checkpoint) if folder else Path(out)
    text = json.dumps(checkpoint.to_dict(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    write_whole(target, text)
    return target


def read_checkpoint_files(paths: list[Path]) -> tuple[list[tuple[str, Checkpoint]], list[str]]:
    """Read checkpoint files (a folder stands for its ``*.json`` files).

    Returns:
        ``(source, checkpoint)`` pairs, and one problem line per file that is not one.
    """
    found: list[tuple[str, Checkpoint]] = []
    problems: list[str] = []
    for path in paths:
        files = sorted(path.glob("*.json")) if path.is_dir() else [path]
        if path.is_dir() and not files:
            problems.append(f"{path} holds no checkpoint file (*.json)")
        for file in files:
            try:
                data = json.loads(file.read_text(encoding="utf-8"))
                if not isinstance(data, dict):
                    raise InvalidInput(f"{file} is not a procure audit checkpoint")
                found.append((str(file), rules.from_mapping(data, source=str(file))))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                problems.append(f"{file}: cannot read a checkpoint ({exc})")
            except InvalidInput as exc:
                problems.append(str(exc))
    return found, problems


@dataclass(frozen=True)
class TrailVerification:
    """The outcome of ``procure audit verify``: the chain, then every checkpoint."""

    rows: int
    ok: bool
    problems: list[str] = field(default_factory=list)
    checkpoints: int = 0
    newest: Checkpoint | None = None
    keys: list[str] = field(default_factory=list)
    trusted_key: str | None = None


def verify_trail(
    session: Session,
    given: list[tuple[str, Checkpoint]],
    *,
    trusted_key: str | None = None,
    file_problems: list[str] | None = None,
) -> TrailVerification:
    """Recompute the chain and check it still holds every checkpoint given and stored.

    Args:
        session: an open session; nothing is written.
        given: checkpoints held outside the database, with where each came from.
        trusted_key: the public key the checkpoints must be signed with (base64); without
            it, the keys of the given files are trusted, and a stored checkpoint signed
            with another key is named.
        file_problems: problems met reading the given files (reported first).

    Returns:
        Every problem, one line each (an empty list: the trail holds).
    """
    kept = store.stored(session)
    in_database = {(c.statement, c.signature) for c in kept}
    trusted = {trusted_key} if trusted_key else {c.public_key for _, c in given}
    checked: dict[tuple[str, str], tuple[str, Checkpoint]] = {}
    for source, held in given:
        checked.setdefault((held.statement, held.signature), (f"file {source}", held))
    for held in kept:
        checked.setdefault((held.statement, held.signature), ("stored", held))
    chain = verify_chain(session, watch={c.seq for _, c in checked.values()})
    problems = list(file_problems or [])
    if not chain.ok:
        problems.append(f"audit chain broken at row {chain.broken_seq}: {chain.problem}")
    for (statement, signature), (source, held) in checked.items():
        problems += rules.checkpoint_problems(held, source, trusted, chain.at_rows)
        if source != "stored" and (statement, signature) not in in_database:
            problems.append(
                f"{held.name} ({source}) is not stored in the database: its row was deleted"
            )
    every = [c for _, c in checked.values()]
    return TrailVerification(
        rows=chain.rows,
        ok=not problems,
        problems=problems,
        checkpoints=len(every),
        newest=max(every, key=lambda c: c.seq) if every else None,
        keys=sorted({c.public_key for c in every}),
        trusted_key=trusted_key,
    )
