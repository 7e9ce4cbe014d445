"""Automatic checkpoints, each delivered to the witnesses the federation names.

A rollback after the newest checkpoint (the trail's tail and the business rows removed
together, consistently) cannot be seen from inside the database; the defence is frequent
checkpoints held elsewhere. :func:`checkpoint_and_witness` signs the chain's head (after a
batch, or when the newest checkpoint of the key is older than
``PROCURE_CHECKPOINT_MINUTES`` and the head moved) and hands the checkpoint to every
configured witness that does not hold it yet:

- a folder (``PROCURE_WITNESS_FOLDERS``, separated by ``os.pathsep``; in production a
  folder on another machine): the checkpoint's JSON file, written whole;
- an HTTP endpoint (``PROCURE_WITNESS_URLS``, separated by spaces): the JSON ``POST``-ed,
  any 2xx answer accepted;
- the auditors' mailboxes (``PROCURE_WITNESS_MAIL=1``, through the ``PROCURE_SMTP_*``
  server of the reminders): one message per active account holding an auditor grant and
  an e-mail address, the JSON attached.

Each delivery is recorded (``checkpoint_witness``); a failed one is reported and tried
again on the next round. :func:`newest_witnessed` says which checkpoint a witness holds
last and how old it is, for ``audit verify``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, col, select

from procure.domain.checkpoint import Checkpoint
from procure.domain.errors import InvalidInput, Refused
from procure.services.deadlines.outbox import SmtpSettings, connect_smtp, smtp_settings
from procure.services.lifecycle.clock import now_utc
from procure.services.trail.checkpoints import Signer, export_checkpoint, file_name, take_checkpoint
from procure.store import checkpoints as checkpoint_store
from procure.store.models import AuditHead
from procure.store.trust_models import RoleGrant, User
from procure.store.witness_models import CheckpointWitness

_LOGGER = logging.getLogger(__name__)
MINUTES_ENV = "PROCURE_CHECKPOINT_MINUTES"
DEFAULT_MINUTES = 60
HTTP_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Witnesses:
    """Where each checkpoint goes, and how often one is taken at least."""

    folders: tuple[Path, ...] = ()
    urls: tuple[str, ...] = ()
    smtp: SmtpSettings | None = None  # set: e-mail every auditor with an address
    minutes: int = DEFAULT_MINUTES

    @property
    def any(self) -> bool:
        """Whether any witness is configured."""
        return bool(self.folders or self.urls or self.smtp)

    def describe(self) -> str:
        """One line naming the witnesses, for a worker's start and the CLI."""
        named = [f"folder {folder}" for folder in self.folders] + [f"http {u}" for u in self.urls]
        if self.smtp is not None:
            named.append("e-mail to the auditors")
        return ", ".join(named) if named else "none configured"


def witness_settings(environ: Mapping[str, str]) -> Witnesses:
    """Read the witnesses and the interval from the environment.

    Raises:
        InvalidInput: an interval that is not a positive number of minutes, a URL that is
            not http(s), or e-mail witnesses without an SMTP server.
    """
    minutes_text = environ.get(MINUTES_ENV, str(DEFAULT_MINUTES)).strip()
    if not minutes_text.isdigit() or int(minutes_text) < 1:
        raise InvalidInput(f"{MINUTES_ENV} must be a whole number of minutes, got {minutes_text!r}")
    folders = tuple(
        Path(part) for part in environ.get("PROCURE_WITNESS_FOLDERS", "").split(os.pathsep) if part
    )
    urls = tuple(environ.get("PROCURE_WITNESS_URLS", "").split())
    for url in urls:
        if not url.startswith(("http://", "https://")):
            raise InvalidInput(f"PROCURE_WITNESS_URLS: {url[:60]!r} is not an http(s) URL")
    smtp = None
    if environ.get("PROCURE_WITNESS_MAIL", "").strip() in ("1", "true", "yes"):
        smtp = smtp_settings(environ)
        if smtp is None:
            raise InvalidInput(
                "PROCURE_WITNESS_MAIL is set but PROCURE_SMTP_HOST is not: name the server "
                "the checkpoints are mailed through"
            )
    return Witnesses(folders, urls, smtp, int(minutes_text))


@dataclass
class Witnessed:
    """What one round did: the checkpoint (new or reused), and where it went."""

    checkpoint: Checkpoint | None
    taken: bool = False
    delivered: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    skipped: str | None = None  # why no checkpoint was taken


def checkpoint_and_witness(
    session: Session,
    signer: Signer,
    witnesses: Witnesses,
    *,
    after_batch: bool,
    at: datetime | None = None,
) -> Witnessed:
    """Take a checkpoint when one is due, then deliver the newest to every witness lacking it.

    Args:
        session: an open session (commits its own transactions).
        signer: the signing key.
        witnesses: where checkpoints go.
        after_batch: a batch just ended: sign the head now if it moved. Otherwise only when
            the newest checkpoint of the key is older than the interval and the head moved.
        at: the moment (default: now).
    """
    moment = at or now_utc()
    newest = checkpoint_store.newest(session, signer.public_key)
    due = after_batch or newest is None or _older_than(newest, moment, witnesses.minutes)
    session.rollback()
    result = Witnessed(newest)
    if due:
        try:
            signed = take_checkpoint(session, signer, at=moment)
        except Refused as exc:
            result.skipped = str(exc)
        else:
            result.taken = newest is None or signed.seq != newest.seq
            result.checkpoint = signed
    if result.checkpoint is not None:
        _deliver(session, result, witnesses, moment)
    return result


def _older_than(checkpoint: Checkpoint, moment: datetime, minutes: int) -> bool:
    return moment - _moment(checkpoint.at) >= timedelta(minutes=minutes)


def _moment(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def _deliver(session: Session, result: Witnessed, witnesses: Witnesses, moment: datetime) -> None:
    checkpoint = result.checkpoint
    assert checkpoint is not None
    body = json.dumps(checkpoint.to_dict(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    held = _holders(session, checkpoint)
    targets: list[tuple[str, object]] = [(f"folder {f}", f) for f in witnesses.folders]
    targets += [(f"http {url}", url) for url in witnesses.urls]
    if witnesses.smtp is not None:
        targets += [(f"mail {user.login}", user) for user in _auditors(session)]
    session.rollback()
    for label, target in targets:
        if label in held:
            continue
        try:
            if isinstance(target, Path):
                _to_folder(checkpoint, target)
            elif isinstance(target, str):
                _to_endpoint(body, target)
            else:
                assert isinstance(target, User) and witnesses.smtp is not None
                _to_mailbox(checkpoint, body, target, witnesses.smtp)
        except InvalidInput as exc:
            _LOGGER.warning("checkpoint %s not delivered to %s: %s", checkpoint.name, label, exc)
            result.failed.append(f"{label}: {exc}")
            continue
        session.add(
            CheckpointWitness(
                seq=checkpoint.seq,
                hash=checkpoint.hash,
                public_key=checkpoint.public_key,
                checkpoint_at=checkpoint.at,
                witness=label[:300],
                delivered_at=moment,
            )
        )
        session.commit()
        result.delivered.append(label)


def _holders(session: Session, checkpoint: Checkpoint) -> set[str]:
    statement = select(CheckpointWitness.witness).where(
        CheckpointWitness.seq == checkpoint.seq,
        CheckpointWitness.public_key == checkpoint.public_key,
    )
    return set(session.exec(statement))


def _auditors(session: Session) -> list[User]:
    statement = (
        select(User)
        .join(RoleGrant, col(RoleGrant.user_id) == col(User.id))
        .where(col(User.active).is_(True), col(RoleGrant.role) == "auditor")
        .where(col(RoleGrant.revoked_at).is_(None), col(User.email).is_not(None))
        .distinct()
        .order_by(col(User.login))
    )
    return [user for user in session.exec(statement) if user.email]


def _to_folder(checkpoint: Checkpoint, folder: Path) -> None:
    if not folder.is_dir():
        raise InvalidInput(f"the folder {folder} does not exist (or is not mounted)")
    try:
        export_checkpoint(checkpoint, folder / file_name(checkpoint))
    except OSError as exc:
        raise InvalidInput(f"cannot write into {folder} ({exc.strerror or exc})") from exc


def _to_endpoint(body: str, url: str) -> None:
    request = urllib.request.Request(  # http(s) only: checked in the settings
        url,
        data=body.encode(),
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as answer:
            status = answer.status
    except urllib.error.HTTPError as exc:
        raise InvalidInput(f"the endpoint answered {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise InvalidInput(f"the endpoint cannot be reached ({exc})") from exc
    if not 200 <= status < 300:
        raise InvalidInput(f"the endpoint answered {status}")


def _to_mailbox(checkpoint: Checkpoint, body: str, user: User, smtp: SmtpSettings) -> None:
    import smtplib

    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = formataddr((user.name, user.email or ""))
    message["Subject"] = f"审计检查点 audit checkpoint #{checkpoint.seq} ({checkpoint.at[:10]})"
    digest = hashlib.sha256(f"{checkpoint.statement}:{user.login}".encode()).hexdigest()
    message["Message-ID"] = f"<checkpoint.{checkpoint.seq}.{digest[:16]}@procure>"
    message.set_content(
        f"{user.name}：\n\n附件是审计链第 {checkpoint.seq} 条的签名检查点（{checkpoint.at}）。"
        "请保存在数据库之外；核对时用 procure audit verify --checkpoints 文件。\n\n"
        f"Attached: the signed checkpoint of audit row {checkpoint.seq}. Keep it outside "
        "the database; check the trail with procure audit verify --checkpoints FILE.\n"
    )
    message.add_attachment(
        body.encode(), maintype="application", subtype="json", filename=file_name(checkpoint)
    )
    try:
        with connect_smtp(smtp) as server:
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise InvalidInput(f"the message was not sent ({exc})") from exc


@dataclass(frozen=True)
class NewestWitnessed:
    """The newest checkpoint a witness holds: which, where, how old, and what it misses."""

    name: str
    seq: int
    at: str
    witnesses: list[str]
    age_minutes: int
    rows_after: int


def newest_witnessed(session: Session, *, now: datetime | None = None) -> NewestWitnessed | None:
    """The newest checkpoint delivered to a witness (None when none ever was)."""
    seq = session.exec(select(func.max(CheckpointWitness.seq))).one()
    if seq is None:
        return None
    rows = session.exec(select(CheckpointWitness).where(CheckpointWitness.seq == seq)).all()
    head = session.exec(select(AuditHead)).first()
    at = rows[0].checkpoint_at
    age = (now or now_utc()) - _moment(at)
    return NewestWitnessed(
        name=f"checkpoint {at[:10]} #{seq}",
        seq=int(seq),
        at=at,
        witnesses=sorted({row.witness for row in rows}),
        age_minutes=max(0, int(age.total_seconds() // 60)),
        rows_after=max(0, (head.seq if head is not None else seq) - seq),
    )
