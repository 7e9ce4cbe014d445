"""The backups page (admins only): how old the last backup and the newest witnessed
checkpoint are, and the recent backups.

Backups are written by ``procure backup`` (a copy of a live database is a job for the
machine that holds it, not for a browser); this page only says whether one is recent.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import col, select

from procure.domain.language import N_, _
from procure.services.accounts import administration
from procure.services.lifecycle.clock import now_utc
from procure.services.trail.backups import last_backup
from procure.services.trail.witnesses import newest_witnessed
from procure.store.backup_copy import PG_METHOD, SQLITE_METHOD
from procure.store.witness_models import BackupRecord
from procure.web import pages
from procure.web.deps import Account, Reader

router = APIRouter()
RECENT = 10
METHODS = {SQLITE_METHOD: N_("SQLite online backup"), PG_METHOD: N_("PostgreSQL dump")}
"""How a backup was copied, as people read it."""


def method_label(method: str) -> str:
    """A backup's method in the language in use."""
    return _(METHODS[method]) if method in METHODS else method


@router.get("/admin/backups")
def backups_page(request: Request, account: Account, session: Reader) -> Response:
    """The last backup's age, the newest witnessed checkpoint's, and the recent backups."""
    administration.admin_actor(session, account.user)
    now = now_utc()
    recent = session.exec(
        select(BackupRecord).order_by(col(BackupRecord.taken_at).desc()).limit(RECENT)
    ).all()
    context = {
        "last": last_backup(session, now=now),
        "witnessed": newest_witnessed(session, now=now),
        "recent": recent,
        "method_label": method_label,
    }
    return pages.render(request, "admin_backups.html", context)
