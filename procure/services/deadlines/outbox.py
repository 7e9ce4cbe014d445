"""The reminders outbox: queued once per deadline and account, sent by e-mail at most once.

:func:`queue_reminders` adds one row per (deadline key, login) with ``INSERT … ON CONFLICT
DO NOTHING``, so a second tick, or two at once, queue nothing new. :func:`send_pending`
delivers each unsent row in a transaction of its own: it claims the row (``UPDATE … WHERE
sent_at IS NULL``, which holds the row until commit, so a concurrent sender skips it),
sends it through the SMTP server, stamps ``sent_at`` and commits. A failed send is rolled
back to unsent with the error kept, and tried again by the next run.

The one window left: a crash (or a lost connection to the database) after the SMTP server
accepted a message and before the commit leaves the row unsent, and the next run sends it
again. Every message carries a Message-ID derived from its row, the same on a resend, so
a mail client can recognise the duplicate. Rows for an account with no e-mail address
wait, untouched, until an administrator gives it one (``procure users email``).
"""

from __future__ import annotations

import hashlib
import smtplib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from procure.domain.dates import BEIJING, chinese_date
from procure.domain.errors import InvalidInput
from procure.services.deadlines.due import DueItem
from procure.services.deadlines.due_view import rule_zh
from procure.services.lifecycle.clock import now_utc
from procure.store.deadline_models import Reminder
from procure.store.trust_models import User
from procure.workflow.roles import ROLE_ZH

SMTP_TIMEOUT_SECONDS = 20


@dataclass(frozen=True)
class SmtpSettings:
    """Where reminders are sent from: the ``PROCURE_SMTP_*`` environment variables."""

    host: str
    port: int
    sender: str
    user: str | None = None
    password: str | None = None
    starttls: bool = False


def smtp_settings(environ: Mapping[str, str]) -> SmtpSettings | None:
    """Read the SMTP settings; ``None`` when ``PROCURE_SMTP_HOST`` is not set.

    Variables: ``PROCURE_SMTP_HOST``, ``PROCURE_SMTP_PORT`` (default 25),
    ``PROCURE_SMTP_FROM`` (required with a host), ``PROCURE_SMTP_USER`` and
    ``PROCURE_SMTP_PASSWORD`` (optional), ``PROCURE_SMTP_STARTTLS`` (1 to upgrade).

    Raises:
        InvalidInput: a port that is not a number, or a host without a sender address.
    """
    host = environ.get("PROCURE_SMTP_HOST", "").strip()
    if not host:
        return None
    port_text = environ.get("PROCURE_SMTP_PORT", "25").strip()
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise InvalidInput(f"PROCURE_SMTP_PORT must be a port number, got {port_text!r}")
    sender = environ.get("PROCURE_SMTP_FROM", "").strip()
    if "@" not in sender:
        raise InvalidInput(
            "PROCURE_SMTP_FROM must name the sender's address (e.g. procure@example.org) "
            "when PROCURE_SMTP_HOST is set"
        )
    return SmtpSettings(
        host=host,
        port=int(port_text),
        sender=sender,
        user=environ.get("PROCURE_SMTP_USER") or None,
        password=environ.get("PROCURE_SMTP_PASSWORD") or None,
        starttls=environ.get("PROCURE_SMTP_STARTTLS", "").strip() in ("1", "true", "yes"),
    )


def compose(item: DueItem) -> tuple[str, str]:
    """The subject and body of a reminder of ``item`` (dates are Beijing days, said once)."""
    when = "已逾期，期限为" if item.status == "overdue" else "到期日"
    due = chinese_date(item.due_on) if item.due_on else "无法计算"
    if item.provisional:
        due += "（暂定）"
    subject = f"【procure】{item.project} {item.zh}：{when} {due}"
    lines = [
        f"项目：{item.project} {item.title}（{item.purchaser}）",
        f"期限：{item.zh}",
        f"{when}：{due}",
        f"起算日：{chinese_date(item.starts_on)}",
        f"规则：{rule_zh(item.deadline)}",
    ]
    if item.basis:
        lines.append(f"依据：{item.basis}")
    lines.append(f"由{ROLE_ZH.get(item.role, item.role)}办理；登录 procure 后在“到期事项”页查看。")
    lines.append("（日期均为北京时间。）")
    return subject[:300], "\n".join(lines) + "\n"


def queue_reminders(
    session: Session,
    recipients: Iterable[tuple[DueItem, str]],
    *,
    batch_id: str,
    at: datetime | None = None,
) -> int:
    """Queue one reminder per (item, login) not queued before (inside the caller's
    transaction).

    Returns:
        How many were new.
    """
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    moment = at or now_utc()
    added = 0
    for item, login in recipients:
        subject, body = compose(item)
        values = {
            "deadline_key": item.key,
            "project_code": item.project,
            "deadline": item.deadline,
            "login": login,
            "role": item.role,
            "due_on": item.due_on,
            "subject": subject,
            "body": body,
            "batch_id": batch_id,
            "queued_at": moment,
            "attempts": 0,
        }
        statement = insert(Reminder).values(**values)
        statement = statement.on_conflict_do_nothing(index_elements=["deadline_key", "login"])
        if session.execute(statement.returning(col(Reminder.id))).first() is not None:
            added += 1
    return added


@dataclass(frozen=True)
class Delivery:
    """What one sending run did."""

    sent: int
    failed: list[str]  # one line per reminder that could not be sent
    unaddressed: list[str]  # logins with reminders waiting for an e-mail address


def pending(session: Session) -> list[tuple[Reminder, User | None]]:
    """The unsent reminders, oldest first, with their account."""
    statement = (
        select(Reminder, User)
        .join(User, col(User.login) == col(Reminder.login), isouter=True)
        .where(col(Reminder.sent_at).is_(None))
        .order_by(col(Reminder.id))
    )
    return [(reminder, user) for reminder, user in session.exec(statement)]


def message_id(reminder: Reminder) -> str:
    """The Message-ID of a reminder: the same on every attempt."""
    digest = hashlib.sha256(f"{reminder.id}:{reminder.deadline_key}".encode()).hexdigest()
    return f"<reminder.{reminder.id}.{digest[:16]}@procure>"


def _message(reminder: Reminder, user: User, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = formataddr((user.name, user.email or ""))
    message["Subject"] = reminder.subject
    message["Message-ID"] = message_id(reminder)
    message["Date"] = format_datetime(now_utc().astimezone(BEIJING))  # Beijing time, +0800
    message.set_content(reminder.body)
    return message


def send_pending(session: Session, settings: SmtpSettings) -> Delivery:
    """Send every unsent reminder whose account has an address, each exactly once."""
    waiting = pending(session)
    session.rollback()
    unaddressed = sorted({r.login for r, user in waiting if user is None or not user.email})
    ready = [(r.id, user) for r, user in waiting if user is not None and user.email]
    if not ready:
        return Delivery(0, [], unaddressed)
    sent, failed = 0, []
    with connect_smtp(settings) as smtp:
        for reminder_id, user in ready:
            problem = _send_one(session, smtp, reminder_id, user, settings.sender)
            if problem is None:
                sent += 1
            elif problem:
                failed.append(problem)
    return Delivery(sent, failed, unaddressed)


def connect_smtp(settings: SmtpSettings) -> smtplib.SMTP:
    """Open a connection to the configured SMTP server (reminders and checkpoint mail).

    Raises:
        InvalidInput: the server cannot be reached or refuses the login.
    """
    try:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=SMTP_TIMEOUT_SECONDS)
        if settings.starttls:
            smtp.starttls()
        if settings.user:
            smtp.login(settings.user, settings.password or "")
    except (OSError, smtplib.SMTPException) as exc:
        raise InvalidInput(
            f"cannot reach the SMTP server {settings.host}:{settings.port} ({exc}); "
            "what was to be sent stays for the next run"
        ) from exc
    return smtp


def _send_one(
    session: Session, smtp: smtplib.SMTP, reminder_id: int | None, user: User, sender: str
) -> str | None:
    """Claim, send and stamp one reminder; the error line if it failed, ``""`` if another
    sender had it."""
    claim = (
        update(Reminder)
        .where(col(Reminder.id) == reminder_id, col(Reminder.sent_at).is_(None))
        .values(attempts=col(Reminder.attempts) + 1)
    )
    if session.execute(claim).rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        return ""
    reminder = session.get(Reminder, reminder_id, populate_existing=True)
    assert reminder is not None
    try:
        smtp.send_message(_message(reminder, user, sender))
    except (OSError, smtplib.SMTPException) as exc:
        session.rollback()
        reminder = session.get(Reminder, reminder_id)
        assert reminder is not None
        reminder.last_error = f"{type(exc).__name__}: {exc}"[:500]
        reminder.attempts += 1
        session.add(reminder)
        session.commit()
        return f"{reminder.project_code} {reminder.deadline} to {reminder.login}: {exc}"
    reminder.sent_at = now_utc()
    reminder.last_error = None
    session.add(reminder)
    session.commit()
    return None
