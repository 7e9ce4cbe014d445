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
    """The calendar's years (official or 暂定) and the form to enter a notice."""
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
        name, content = "粘贴的内容.yaml", values["text"].encode("utf-8")
    try:
        year_text = values["year"].strip()
        if not year_text.isascii() or not year_text.isdigit():
            raise InvalidInput(f"年份 {year_text!r} 不是一个年份（如 2027）")
        if not content.strip():
            raise InvalidInput("请上传放假通知文件（YAML 或 CSV），或粘贴 YAML 内容")
        if len(content) > NOTICE_LIMIT:
            raise InvalidInput(f"{name}：文件超过 {NOTICE_LIMIT // 1024} KB，不像一份放假通知")
        added = add_notice(session, int(year_text), content, name or "notice.yaml", by)
    except (InvalidInput, NotFound) as exc:
        session.rollback()
        return _page(request, reader, status=400, message=str(exc), values=values)
    except Refused as exc:
        session.rollback()
        return _page(request, reader, status=403, message=str(exc), values=values)
    return RedirectResponse(f"/admin/calendar?done={added.year}", status_code=303)
