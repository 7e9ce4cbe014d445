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
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from procure.domain.dates import BEIJING, chinese_date
from procure.domain.errors import InvalidInput
from procure.domain.language import (
    DEFAULT,
    Language,
    _,
    both,
    current,
    parse_language,
    pgettext,
    use_language,
)
from procure.services.deadlines.due import DueItem
from procure.services.deadlines.due_view import rule_text
from procure.services.lifecycle.clock import now_utc
from procure.store.deadline_models import Reminder
from procure.store.trust_models import User
from procure.workflow.roles import role_label
from procure.workflow.rules import default_rules

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
        raise InvalidInput(
            _("PROCURE_SMTP_PORT must be a port number, not %(port)s", port=repr(port_text))
        )
    sender = environ.get("PROCURE_SMTP_FROM", "").strip()
    if "@" not in sender:
        raise InvalidInput(
            _(
                "PROCURE_SMTP_FROM must name the sender's address (e.g. procure@example.org) "
                "when PROCURE_SMTP_HOST is set"
            )
        )
    return SmtpSettings(
        host=host,
        port=int(port_text),
        sender=sender,
        user=environ.get("PROCURE_SMTP_USER") or None,
        password=environ.get("PROCURE_SMTP_PASSWORD") or None,
        starttls=environ.get("PROCURE_SMTP_STARTTLS", "").strip() in ("1", "true", "yes"),
    )


def compose(item: DueItem, language: Language | None = None) -> tuple[str, str]:
    """The subject and body of a reminder of ``item`` (dates are Beijing days, said once),
    in ``language`` (default: the one in use), the recipient account's."""
    with use_language(language or current()):
        return _compose(item)


def _compose(item: DueItem) -> tuple[str, str]:
    due = _day(item.due_on) if item.due_on else pgettext("deadline", "cannot be counted")
    if item.provisional:
        due = pgettext("deadline", "%(day)s (provisional)", day=due)
    values = {"code": item.project, "deadline": item.label, "day": due}
    if item.status == "overdue":
        subject = _("[procure] %(code)s %(deadline)s: overdue, the deadline was %(day)s", **values)
        when = _("Overdue, the deadline was: %(day)s", day=due)
    else:
        subject = _("[procure] %(code)s %(deadline)s: due on %(day)s", **values)
        when = pgettext("reminder e-mail", "Due on: %(day)s", day=due)
    lines = [
        pgettext(
            "reminder e-mail",
            "Project: %(code)s %(title)s (%(purchaser)s)",
            code=item.project,
            title=item.title,
            purchaser=item.purchaser,
        ),
        pgettext("reminder e-mail", "Deadline: %(deadline)s", deadline=item.label),
        when,
        pgettext("reminder e-mail", "Counted from: %(day)s", day=_day(item.starts_on)),
        pgettext("reminder e-mail", "Rule: %(rule)s", rule=rule_text(item.deadline)),
    ]
    basis = _basis(item)
    if basis:
        lines.append(pgettext("reminder e-mail", "Basis: %(basis)s", basis=basis))
    lines.append(
        _(
            "To be done by the %(role)s; sign in to procure and see the “Due” page.",
            role=role_label(item.role),
        )
    )
    lines.append(_("(All dates are Beijing time.)"))
    return subject[:300], "\n".join(lines) + "\n"


def _day(day: date) -> str:
    """A day as the reader's language writes it: 2019年4月1日, 1 April 2019."""
    if current() == "zh_CN":
        return chinese_date(day)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def _basis(item: DueItem) -> str:
    """Where the deadline comes from, in the language in use (the rule's English basis when
    it has one, else the Chinese it was given in)."""
    rule = default_rules().deadlines.rule(item.deadline)
    english = rule.basis_en if rule is not None else ""
    return both(item.basis, english or item.basis)


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
    recipients = list(recipients)
    languages = _languages(session, {login for _item, login in recipients})
    for item, login in recipients:
        subject, body = compose(item, languages.get(login))
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


def _languages(session: Session, logins: set[str]) -> dict[str, Language]:
    """The language each account reads (its ``language``; Chinese for one not found)."""
    if not logins:
        return {}
    rows = session.exec(select(User.login, User.language).where(col(User.login).in_(logins)))
    return {login: parse_language(chosen) or DEFAULT for login, chosen in rows}


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
        server = f"{settings.host}:{settings.port}"
        raise InvalidInput(
            _(
                "Cannot reach the SMTP server %(server)s (%(problem)s); what was to be sent "
                "stays for the next run",
                server=server,
                problem=exc,
            )
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
