"""Evaluation records for the browser: one project's file, a year's print request, an upload.

A record's file is cached where a year's batch prints it
(``records/<year>/<USCC>-<code>.pdf``) and reused while its trailer still carries the
record's verification code, so a second request, or a record the year's print already
made, renders nothing. A record carries the server's audit checkpoint when a signing
key is configured (as ``procure report`` does).
"""

from __future__ import annotations

import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from procure.domain.errors import InvalidInput, NotFound
from procure.domain.language import _
from procure.domain.visibility import unknown_project
from procure.reports.batch import holds_code, record_path, write_atomically
from procure.reports.data import build_record, record_codes, verification_code
from procure.reports.verify import Verification, read_embedded, verify_pdf
from procure.services.browse.visibility import project_clause, viewer_scope
from procure.services.lifecycle.project_actions import held_roles
from procure.services.trail.check import project_trail_problems
from procure.services.visibility.gate import role_sees_every
from procure.services.visibility.reading import require_visible
from procure.store import accounts as account_store
from procure.store import queries
from procure.store.files import records_dir
from procure.store.models import Contract, Project, Purchaser
from procure.store.trust_models import User

MAX_UPLOAD = 20 * 1024 * 1024
"""The largest PDF accepted for verification (a record is well under 1 MB)."""

_RENDERING = threading.Lock()  # WeasyPrint's shared font configuration is not thread-safe


@dataclass(frozen=True)
class RecordFile:
    """A record's file on disk, and whether this request rendered it."""

    path: Path
    code: str
    rendered: bool


def readable(session: Session, user: User, code: str) -> None:
    """Refuse a project ``user`` may not read exactly as an unknown code.

    Raises:
        NotFound: an unknown project, or one outside the account's scope.
    """
    require_visible(session, code, user.login, "evaluation_record")  # first: as fast as unknown
    if not held_roles(session, user, code):
        raise unknown_project(code)


def record_file(
    session: Session, user: User, code: str, files: Path, *, writer: Session
) -> RecordFile:
    """The current record of project ``code``: cached if its file holds the current code,
    else rendered now (with the server's checkpoint when a signing key is configured,
    taken through ``writer``; ``session`` only reads).

    Raises:
        NotFound: an unknown or unreadable project, or one without a contract.
        PrintingUnavailable: no CJK font is installed.
    """
    readable(session, user, code)
    record = build_record(session, code)
    session.commit()  # ends the read before rendering (on SQLite it would hold the lock)
    digest = verification_code(record)
    path = record_path(records_dir(files), record)
    if holds_code(path, digest):
        return RecordFile(path, digest, rendered=False)
    from procure.reports.render import render_pdf

    checkpoint = server_checkpoint(writer)
    with _RENDERING:
        if not holds_code(path, digest):  # another request may have just printed it
            write_atomically(path, render_pdf(record, checkpoint))
    return RecordFile(path, digest, rendered=True)


def server_checkpoint(session: Session) -> dict[str, Any] | None:
    """The checkpoint a record printed now carries (its exported form), or None without a
    configured signing key. Takes one (commits) only when the chain moved since the last."""
    from procure.services.trail.checkpoints import optional_signer, take_checkpoint

    signer, _path = optional_signer(None)
    if signer is None:
        return None
    return take_checkpoint(session, signer).to_dict()


def may_print(session: Session, user: User, purchaser: str | None) -> bool:
    """Whether ``user`` may print the year of ``purchaser`` (every purchaser: ``None``).

    A grant on that purchaser or one above it, of a role that the visibility policy lets
    see every evaluation record in its reach (the staff, by default; not a reviewer), will
    do; the whole year needs that for every top-level purchaser (a grant with no scope, or
    one on each root). Organizations download their own records one by one.

    Raises:
        NotFound: an unknown purchaser.
    """
    grants = [
        g
        for g in account_store.active_grants(session, user)
        if g.organization_id is None and role_sees_every(g.role, "evaluation_record")
    ]
    if any(g.purchaser_id is None for g in grants):
        return True
    granted = {g.purchaser_id for g in grants}
    if purchaser is None:
        roots = session.exec(select(Purchaser.id).where(col(Purchaser.parent_id).is_(None)))
        return all(root in granted for root in roots) and bool(granted)
    purchaser_id = queries.purchaser_by_code(session, purchaser).id
    assert purchaser_id is not None
    return any(p in granted for p in account_store.purchaser_chain(session, purchaser_id))


def printable_year(session: Session, user: User) -> int | None:
    """The funding year the print form starts with: the newest year with a signed contract
    among the projects the account may read (none: the field stays empty)."""
    clause = project_clause(viewer_scope(session, user.login))
    statement = (
        select(func.max(Project.year))
        .join(Contract, col(Contract.project_id) == col(Project.id))
        .where(clause)
    )
    year = session.exec(statement).one()
    return None if year is None else int(year)


def print_codes(session: Session, user: User, year: int, purchaser: str | None) -> list[str]:
    """The codes a print of ``year`` (for ``purchaser``) would print, once ``user`` may.

    Raises:
        NotFound: an unknown purchaser, or one the account may not print (said alike).
        InvalidInput: the year has no contracted project.
    """
    try:
        allowed = may_print(session, user, purchaser)
    except NotFound:
        allowed = False
    if not allowed:
        if purchaser:
            raise NotFound(
                _(
                    "No records of purchaser %(purchaser)s that you may print",
                    purchaser=repr(purchaser),
                )
            )
        raise NotFound(_("No records of every purchaser that you may print"))
    codes = record_codes(session, year=year, purchaser=purchaser)
    if not codes:
        if purchaser:
            raise InvalidInput(
                _(
                    "No contracted project in %(year)s for %(purchaser)s",
                    year=year,
                    purchaser=purchaser,
                )
            )
        raise InvalidInput(_("No contracted project in %(year)s", year=year))
    return codes


def verify_upload(session: Session, user: User, data: bytes, filename: str) -> Verification:
    """What ``procure report verify`` says of an uploaded record, pages re-rendered.

    The record's project must be one the account may read (the result shows its data).

    Raises:
        InvalidInput: not a PDF printed by procure, or too large.
        NotFound: the record's project is unknown or outside the account's scope.
    """
    if len(data) > MAX_UPLOAD:
        raise InvalidInput(
            _(
                "%(file)s is larger than %(size)s MB",
                file=filename,
                size=MAX_UPLOAD // (1024 * 1024),
            )
        )
    embedded = read_embedded(data, file=filename)
    project = embedded.record.get("project")
    code = project.get("code") if isinstance(project, dict) else None
    if not isinstance(code, str):
        raise InvalidInput(_("%(file)s names no project", file=filename))
    readable(session, user, code)
    with tempfile.TemporaryDirectory(prefix="procure-verify-") as folder:
        path = Path(folder) / "upload.pdf"
        path.write_bytes(data)
        with _RENDERING:
            result = verify_pdf(session, path, trail_check=project_trail_problems)
    session.commit()
    return _named(result, filename)


def _named(result: Verification, filename: str) -> Verification:
    from dataclasses import replace

    return replace(result, file=filename)
