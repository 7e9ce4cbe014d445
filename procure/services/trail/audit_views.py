"""The audit trail as people read it in the browser, a page at a time, and its verification.

Who reads it: an active account holding the auditor or the admin role. A grant with
no scope reads every row. A grant on a purchaser reads the rows of the projects of
that purchaser and of every purchaser below it, and every row that belongs to no
project (the registry, accounts, grants, sign-ins): those rows are shared by all
who audit, since no purchaser owns them. A project outside the reader's reach is
reported as an unknown one.

Rows come newest first, :data:`PAGE_ROWS` at a time; the next page starts below the
last row shown (``before`` a sequence number), so a deep page costs what the first
one does. Times are stored in UTC; the pages show them, and read the days asked, in Beijing time.

Verification runs what ``procure audit verify`` runs with no checkpoint files: the
hash chain, every checkpoint stored in the database (optionally against one trusted
public key), then the replay comparing the tables with what the trail implies. The
chain and the checkpoints name rows and keys only, so every reader may run them; the
replay compares every table for a reader of everything, else one project in reach.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import ColumnElement, or_, true
from sqlmodel import Session, col, select

from procure.domain.bounded import ROW_ID
from procure.domain.checkpoint import fingerprint, public_key_text
from procure.domain.errors import InvalidInput, Refused
from procure.domain.identity import SETUP_LOGIN, actor_shown
from procure.domain.language import _
from procure.domain.text import quoted
from procure.domain.visibility import unknown_project
from procure.services.lifecycle.project_actions import FormInvalid
from procure.services.trail.check import trail_differences
from procure.services.trail.checkpoints import verify_trail
from procure.store import accounts as account_store
from procure.store.models import AuditHead, Project, Purchaser, TransitionLog
from procure.store.trust_models import User

AUDIT_ROLES = ("auditor", "admin")
PAGE_ROWS = 100
_TEXT_FILTERS = ("project", "batch", "actor", "trigger")


@dataclass(frozen=True)
class AuditReach:
    """Whose project rows a reader sees: every project's, or those of some purchasers."""

    everything: bool
    purchaser_ids: frozenset[int] = frozenset()

    def clause(self) -> ColumnElement[bool]:
        """A where-clause over the trail keeping the rows this reach sees."""
        if self.everything:
            return true()
        ids = sorted(self.purchaser_ids)
        in_reach = select(Project.code).where(col(Project.purchaser_id).in_(ids))
        return or_(
            col(TransitionLog.project_code).is_(None),
            col(TransitionLog.project_code).in_(in_reach),
        )


def audit_reach(session: Session, user: User) -> AuditReach:
    """Where ``user`` may read the trail.

    Raises:
        Refused: the account is deactivated or holds neither auditor nor admin.
    """
    grants = [g for g in account_store.active_grants(session, user) if g.role in AUDIT_ROLES]
    if not user.active or not grants:
        raise Refused(
            _(
                "Reading the audit trail refused: %(login)s (%(name)s) holds no auditor or"
                " administrator grant",
                login=user.login,
                name=user.name,
            )
        )
    if any(g.purchaser_id is None for g in grants):
        return AuditReach(everything=True)
    children: dict[int, list[int]] = {}
    for purchaser_id, parent_id in session.exec(select(Purchaser.id, Purchaser.parent_id)):
        if parent_id is not None and purchaser_id is not None:
            children.setdefault(parent_id, []).append(purchaser_id)
    reached: set[int] = set()
    frontier = [g.purchaser_id for g in grants if g.purchaser_id is not None]
    while frontier:
        current = frontier.pop()
        if current not in reached:  # a cycle in the tree must not loop forever
            reached.add(current)
            frontier.extend(children.get(current, ()))
    return AuditReach(everything=False, purchaser_ids=frozenset(reached))


def project_in_reach(session: Session, reach: AuditReach, code: str) -> str:
    """``code`` if the project is in ``reach``.

    Raises:
        NotFound: no such project in the reach (said alike for one outside it).
    """
    statement = select(Project.code).where(Project.code == code)
    if not reach.everything:
        statement = statement.where(col(Project.purchaser_id).in_(sorted(reach.purchaser_ids)))
    if session.exec(statement).first() is None:
        raise unknown_project(code)
    return code


@dataclass(frozen=True)
class TrailFilter:
    """What the reader narrowed the trail to (every field optional)."""

    project: str | None = None
    batch: str | None = None
    actor: str | None = None
    trigger: str | None = None
    since: date | None = None
    until: date | None = None
    before: int | None = None

    def query(self, **changes: object) -> dict[str, str]:
        """The filter as query parameters (empty ones left out), with ``changes`` applied."""
        values = {
            "project": self.project,
            "batch": self.batch,
            "actor": self.actor,
            "trigger": self.trigger,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "before": self.before,
            **changes,
        }
        return {name: str(value) for name, value in values.items() if value not in (None, "")}


def parse_filter(query: Mapping[str, str]) -> TrailFilter:
    """The filter of a page's query parameters.

    Raises:
        FormInvalid: a date or page position that is not one, named beside its field.
    """
    errors: dict[str, str] = {}
    text = {name: (query.get(name) or "").strip() or None for name in _TEXT_FILTERS}
    since = _date(query.get("since"), "since", errors)
    until = _date(query.get("until"), "until", errors)
    if since and until and until < since:
        errors["until"] = _("The end date is before the start date")
    before = None
    raw_before = (query.get("before") or "").strip()
    if raw_before:
        try:
            ROW_ID.parse(raw_before)
        except InvalidInput:
            errors["before"] = _("Not a row number: %(value)s", value=quoted(raw_before))
        else:
            before = int(raw_before)
    if errors:
        raise FormInvalid(errors)
    return TrailFilter(
        project=text["project"],
        batch=text["batch"],
        actor=text["actor"],
        trigger=text["trigger"],
        since=since,
        until=until,
        before=before,
    )


def _date(raw: str | None, name: str, errors: dict[str, str]) -> date | None:
    value = (raw or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[name] = _("Not a date: %(value)s (write it as 2019-03-01)", value=quoted(value))
        return None


@dataclass(frozen=True)
class TrailRow:
    """One audit row as a table shows it."""

    seq: int
    at: str
    actor: str
    actor_name: str
    role: str
    project: str | None
    trigger: str
    from_state: str | None
    to_state: str | None
    reason: str
    batch_id: str | None

    @property
    def shows_login(self) -> bool:
        """Whether the login is shown beside the name (an account's; the setup actor's login
        is a code, not shown)."""
        return self.actor != SETUP_LOGIN and self.actor_name != self.actor


@dataclass(frozen=True)
class TrailPage:
    """One page of the trail, newest first, and where the next (older) page starts."""

    rows: list[TrailRow]
    older: int | None  # ``before`` of the next page; None on the last page


def trail_page(
    session: Session, reach: AuditReach, filters: TrailFilter, *, limit: int = PAGE_ROWS
) -> TrailPage:
    """The rows matching ``filters`` that ``reach`` sees, newest first, ``limit`` of them.

    Raises:
        NotFound: the filter names a project outside the reach (or none at all).
    """
    statement = select(TransitionLog).where(reach.clause())
    if filters.project is not None:
        code = project_in_reach(session, reach, filters.project)
        statement = statement.where(TransitionLog.project_code == code)
    if filters.batch is not None:
        statement = statement.where(TransitionLog.batch_id == filters.batch)
    if filters.actor is not None:
        statement = statement.where(TransitionLog.actor == filters.actor)
    if filters.trigger is not None:
        statement = statement.where(TransitionLog.trigger == filters.trigger)
    # the trail's times read "2019-03-01T08:00:00.000000Z"; the days asked are Beijing days
    if filters.since is not None:
        statement = statement.where(col(TransitionLog.at) >= _beijing_midnight(filters.since))
    if filters.until is not None:
        end = _beijing_midnight(filters.until + timedelta(days=1))
        statement = statement.where(col(TransitionLog.at) < end)
    if filters.before is not None:
        statement = statement.where(col(TransitionLog.seq) < filters.before)
    found = list(session.exec(statement.order_by(col(TransitionLog.seq).desc()).limit(limit + 1)))
    rows = [_row(log) for log in found[:limit]]
    return TrailPage(rows, rows[-1].seq if len(found) > limit else None)


def _beijing_midnight(day: date) -> str:
    """The first moment of ``day`` in Beijing, written as the trail writes its UTC times."""
    return f"{day - timedelta(days=1):%Y-%m-%d}T16:00:00"


def _row(log: TransitionLog) -> TrailRow:
    try:
        data = json.loads(log.data)
    except ValueError:
        data = {}
    name = data.get("actor_name") if isinstance(data, dict) else None
    return TrailRow(
        seq=log.seq,
        at=log.at,
        actor=log.actor,
        actor_name=actor_shown(log.actor, name),
        role=log.role,
        project=log.project_code,
        trigger=log.trigger,
        from_state=log.from_state,
        to_state=log.to_state,
        reason=log.reason,
        batch_id=log.batch_id,
    )


@dataclass(frozen=True)
class VerifyResult:
    """``procure audit verify`` field by field, as the page shows it."""

    rows: int
    chain_ok: bool
    problems: list[str]
    checkpoints: int
    newest: str | None  # "checkpoint 2020-01-07 #227 (key ab12…)"
    keys: list[str]  # fingerprints of the keys the checkpoints are signed with
    trusted_key: str | None  # its fingerprint
    compared: bool
    compared_scope: str  # "" for every table, else a project code
    not_compared: str  # why the replay did not run
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the chain holds and the replay (if it ran) found no difference."""
        return self.chain_ok and not self.differences


def trusted_key_of(text: str) -> str | None:
    """The trusted public key typed in (base64 of its 32 bytes), or None when blank.

    Raises:
        FormInvalid: text that is not an Ed25519 public key.
    """
    value = text.strip()
    if not value:
        return None
    try:
        raw = base64.b64decode(value, validate=True)
        return public_key_text(Ed25519PublicKey.from_public_bytes(raw))
    except (binascii.Error, ValueError):
        raise FormInvalid(
            {"public_key": _("Not an Ed25519 public key (one line of base64, 44 characters)")}
        ) from None


def trail_length(session: Session) -> int:
    """How many rows the trail holds (the head's sequence number: no count needed)."""
    seq = session.exec(select(AuditHead.seq)).first()
    return seq or 0


def verify(
    session: Session,
    reach: AuditReach,
    *,
    project: str | None = None,
    trusted_key: str | None = None,
) -> VerifyResult:
    """Verify the chain and the stored checkpoints, then compare the tables with the trail.

    Args:
        session: an open session; nothing is written.
        reach: where the reader may read (see :func:`audit_reach`).
        project: compare only this project's rows.
        trusted_key: the public key every checkpoint must be signed with (base64).

    Raises:
        NotFound: ``project`` is outside the reach.
    """
    code = project_in_reach(session, reach, project) if project else None
    report = verify_trail(session, [], trusted_key=trusted_key)
    not_compared = ""
    if not report.ok:
        not_compared = _("The chain does not hold: the data was not compared")
    elif code is None and not reach.everything:
        not_compared = _("Choose a project in your scope to compare its data")
    compared = not not_compared
    differences = (
        [str(d) for d in trail_differences(session, project_code=code)] if compared else []
    )
    newest = report.newest
    return VerifyResult(
        rows=report.rows,
        chain_ok=report.ok,
        problems=list(report.problems),
        checkpoints=report.checkpoints,
        newest=(
            _(
                "Checkpoint %(day)s #%(seq)s (key %(key)s)",
                day=newest.at[:10],
                seq=newest.seq,
                key=newest.key_fingerprint,
            )
            if newest
            else None
        ),
        keys=[fingerprint(key) for key in report.keys],
        trusted_key=fingerprint(trusted_key) if trusted_key else None,
        compared=compared,
        compared_scope=code or "",
        not_compared=not_compared,
        differences=differences,
    )
