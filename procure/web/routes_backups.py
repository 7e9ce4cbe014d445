"""The backups page (admins only): how old the last backup and the newest witnessed
checkpoint are, and the recent backups.

Backups are written by ``procure backup`` (a copy of a live database is a job for the
machine that holds it, not for a browser); this page only says whether one is recent.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import col, select

from procure.services.accounts import administration
from procure.services.lifecycle.clock import now_utc
from procure.services.trail.backups import last_backup
from procure.services.trail.witnesses import newest_witnessed
from procure.store.witness_models import BackupRecord
from procure.web import pages
from procure.web.deps import Account, Reader

router = APIRouter()
RECENT = 10


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
    }
    return pages.render(request, "admin_backups.html", context)
