"""What is due or overdue for the signed-in account: the list of ``procure due --as LOGIN``,
under one line on the state of the working-day calendar (official or provisional) and the deadlines
the latest holiday notice entered moved."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from procure.domain.errors import InvalidInput
from procure.domain.language import _
from procure.jobs.ticking import last_daily_tick
from procure.services.deadlines.calendar_entry import recent_moves
from procure.services.deadlines.calendar_state import calendar_for, calendar_line
from procure.services.deadlines.due import beijing_day, due_items
from procure.services.deadlines.due_view import days_text, due_view, rule_text
from procure.services.lifecycle.clock import now_utc
from procure.web import pages
from procure.web.deps import Account, Reader
from procure.workflow.roles import role_label

router = APIRouter()

WITHIN_CHOICES = (7, 14, 30, 90)


@router.get("/due")
def due_page(
    request: Request, account: Account, session: Reader, within: str = "30", overdue: str = ""
) -> Response:
    """The deadlines this account must act on: overdue first, then by due date."""
    if not within.isascii() or not within.isdigit() or int(within) not in WITHIN_CHOICES:
        choices = ", ".join(str(days) for days in WITHIN_CHOICES)
        raise InvalidInput(
            _(
                "The period must be one of %(choices)s days, not %(within)s",
                choices=choices,
                within=repr(within),
            )
        )
    today = beijing_day(now_utc())
    calendar = calendar_for(session)
    login = account.user.login
    items = due_items(
        session,
        login=login,
        today=today,
        within_days=int(within),
        overdue_only=bool(overdue),
        calendar=calendar,
    )
    context = {
        "view": due_view(items, today),
        "days_text": days_text,
        "rule_text": rule_text,
        "role_name": role_label,
        "calendar_line": calendar_line(session, today, calendar),
        "moves": _moves(session, login),
        "last_tick": last_daily_tick(session),
        "within": int(within),
        "overdue": bool(overdue),
        "choices": WITHIN_CHOICES,
    }
    return pages.render(request, "due.html", context)


def _moves(session: Reader, login: str) -> dict[str, object] | None:
    """The deadlines of this account the latest notice entered moved, if any."""
    latest = recent_moves(session)
    if latest is None:
        return None
    notice, moved = latest
    mine = {item.key for item in due_items(session, login=login, include_expired=True)}
    shown = [item for item in moved if item.get("key") in mine]
    return {"notice": notice, "moved": shown} if shown else None
