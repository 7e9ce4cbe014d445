"""``/admin/calendar`` (admins only): the working-day calendar's years, and entering a year's
holiday notice (放假通知) as ``procure calendar add`` does.

The page first finds the signed-in account to be an administrator (403 otherwise, before
anything is read); the form carries the session's CSRF token like every other form. The
notice is checked whole before anything changes: a bad file is shown with the line at fault
and changes nothing; a good one turns the year official and lists the deadlines it moved.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from procure.domain.errors import InvalidInput, NotFound, Refused
from procure.domain.language import _
from procure.services.accounts import administration
from procure.services.deadlines.calendar_entry import add_notice, recent_moves
from procure.services.deadlines.calendar_state import calendar_for, calendar_line, year_state
from procure.services.deadlines.due import beijing_day
from procure.services.lifecycle.clock import now_utc
from procure.web import pages
from procure.web.deps import Account, CheckedUpload, Reader, Writer

router = APIRouter()

NOTICE_LIMIT = 64 * 1024


def _page(request: Request, session: Session, *, status: int = 200, **state: Any) -> Response:
    today = beijing_day(now_utc())
    calendar = calendar_for(session)
    years = [year_state(session, year, calendar) for year in range(today.year - 1, today.year + 3)]
    latest = recent_moves(session)
    context = {
        "years": years,
        "line": calendar_line(session, today, calendar),
        "latest": latest,
        "next_year": today.year + 1,
        "message": state.get("message", ""),
        "values": state.get("values", {}),
        "done": state.get("done", ""),
    }
    return pages.render(request, "admin_calendar.html", context, status=status)


@router.get("/admin/calendar")
def calendar_page(request: Request, account: Account, session: Reader) -> Response:
    """The calendar's years (official or provisional) and the form to enter a notice."""
    administration.admin_actor(session, account.user)
    return _page(request, session, done=request.query_params.get("done", ""))


@router.post("/admin/calendar")
def enter_notice(
    request: Request, account: Account, upload: CheckedUpload, session: Writer, reader: Reader
) -> Response:
    """Enter a year's notice from an uploaded file or pasted YAML."""
    by = administration.admin_actor(reader, account.user)
    fields = upload.fields
    values = {"year": fields.get("year", ""), "text": fields.get("text", "")}
    name, content = upload.files.get("file", ("", b""))
    if not content:
        name, content = _("pasted.yaml"), values["text"].encode("utf-8")
    try:
        year_text = values["year"].strip()
        if not year_text.isascii() or not year_text.isdigit():
            raise InvalidInput(
                _("The year %(year)s is not a year (such as 2027)", year=repr(year_text))
            )
        if not content.strip():
            raise InvalidInput(_("Upload the holiday notice file (YAML or CSV), or paste the YAML"))
        if len(content) > NOTICE_LIMIT:
            raise InvalidInput(
                _(
                    "%(where)s: the file is over %(size)s KB, too large for a holiday notice",
                    where=name,
                    size=NOTICE_LIMIT // 1024,
                )
            )
        added = add_notice(session, int(year_text), content, name or "notice.yaml", by)
    except (InvalidInput, NotFound) as exc:
        session.rollback()
        return _page(request, reader, status=400, message=str(exc), values=values)
    except Refused as exc:
        session.rollback()
        return _page(request, reader, status=403, message=str(exc), values=values)
    return RedirectResponse(f"/admin/calendar?done={added.year}", status_code=303)
