"""Back up a live database, with its newest checkpoint beside it, and restore a backup.

``procure backup -o FILE --by ADMIN`` writes a consistent copy (see
:mod:`procure.store.backup_copy`), then the newest checkpoint as ``FILE.checkpoint.json``
beside it: signed now when a signing key is configured (the head moved since the newest
one), else the newest stored. Each backup is recorded (``backup_record``: when, how, the
file's name, size and SHA-256, the checkpoint, who), and the admin page shows the last
one's age. ``procure restore FILE`` copies a backup into an empty database; ``procure
audit verify --checkpoints FILE.checkpoint.json`` then proves no row at or before the
checkpoint was lost or changed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from procure.domain.checkpoint import Checkpoint
from procure.domain.errors import Refused
from procure.domain.language import _
from procure.services.accounts.authorization import Scope, authorize
from procure.services.lifecycle.clock import now_utc
from procure.services.trail.checkpoints import Signer, export_checkpoint, take_checkpoint
from procure.store import backup_copy
from procure.store import checkpoints as checkpoint_store
from procure.store.witness_models import BackupRecord
from procure.workflow.context import Actor

CHECKPOINT_SUFFIX = ".checkpoint.json"


@dataclass(frozen=True)
class Backup:
    """A backup written: where, how, its size and digest, and the checkpoint beside it."""

    file: Path
    method: str
    size: int
    sha256: str
    checkpoint: Checkpoint | None
    checkpoint_file: Path | None


def checkpoint_file_of(file: Path) -> Path:
    """Where a backup's checkpoint is written: ``FILE.checkpoint.json`` beside it."""
    return file.with_name(file.name + CHECKPOINT_SUFFIX)


def back_up(
    session: Session, engine: Engine, target: Path, *, by: str, signer: Signer | None
) -> Backup:
    """Write a consistent copy of the database to ``target`` and its newest checkpoint
    beside it, and record the backup.

    Args:
        session: a session on the database (the record is committed through it).
        engine: the engine of that database (the copy reads through its URL).
        target: the backup file to write (never overwritten).
        by: the login of the admin taking it.
        signer: the signing key, to checkpoint the head first (None: the newest stored).

    Raises:
        Refused: ``by`` is not an active admin, ``target`` exists, or a tool is missing.
        InvalidInput: the copy failed.
    """
    user = authorize(session, Actor(by, "admin"), Scope(any_purchaser=True), _("backup"))
    login = user.login if user is not None else by
    beside = checkpoint_file_of(target)
    if beside.exists():
        raise Refused(f"{beside} already exists: name a new file (a backup never overwrites)")
    session.rollback()
    checkpoint = _newest_checkpoint(session, signer)
    method = backup_copy.copy_database(engine, target)
    written = export_checkpoint(checkpoint, beside) if checkpoint is not None else None
    size, digest = _measure(target)
    session.add(
        BackupRecord(
            taken_at=now_utc(),
            method=method,
            file_name=target.name[:255],
            size=size,
            sha256=digest,
            checkpoint_seq=checkpoint.seq if checkpoint is not None else None,
            taken_by=login,
        )
    )
    session.commit()
    return Backup(target, method, size, digest, checkpoint, written)


def _newest_checkpoint(session: Session, signer: Signer | None) -> Checkpoint | None:
    if signer is not None:
        try:
            return take_checkpoint(session, signer)
        except Refused:  # an empty trail: nothing to sign; a broken chain: keep the stored one
            session.rollback()
    stored = checkpoint_store.stored(session)
    session.rollback()
    return max(stored, key=lambda c: c.seq) if stored else None


def _measure(file: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    with file.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return file.stat().st_size, digest.hexdigest()


def restore(file: Path, engine: Engine) -> str:
    """Restore the backup ``file`` into the empty database behind ``engine``.

    Returns:
        The kind of database restored (``sqlite`` or ``postgresql``).

    Raises:
        Refused: the database is not empty, or the backup is of the other kind.
        InvalidInput: the file is not a backup, or the restore failed.
    """
    backup_copy.restore_database(file, engine)
    return backup_copy.backup_kind(file)


@dataclass(frozen=True)
class LastBackup:
    """The newest backup, as the admin page shows it."""

    taken_at: datetime
    age_hours: int
    file_name: str
    method: str
    size: int
    taken_by: str
    checkpoint_seq: int | None


def last_backup(session: Session, *, now: datetime | None = None) -> LastBackup | None:
    """The newest recorded backup (None when none was ever taken)."""
    row = session.exec(
        select(BackupRecord).order_by(col(BackupRecord.taken_at).desc()).limit(1)
    ).first()
    if row is None:
        return None
    age = (now or now_utc()) - row.taken_at
    return LastBackup(
        taken_at=row.taken_at,
        age_hours=max(0, int(age.total_seconds() // 3600)),
        file_name=row.file_name,
        method=row.method,
        size=row.size,
        taken_by=row.taken_by,
        checkpoint_seq=row.checkpoint_seq,
    )
