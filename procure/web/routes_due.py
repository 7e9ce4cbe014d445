"""What is due or overdue for the signed-in account: the list of ``procure due --as LOGIN``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from procure.domain.errors import InvalidInput
from procure.jobs.ticking import last_daily_tick
from procure.services.deadlines.due import due_items
from procure.web import pages
from procure.web.deps import Account, Reader

router = APIRouter()

WITHIN_CHOICES = (7, 14, 30, 90)


@router.get("/due")
def due_page(
    request: Request, account: Account, session: Reader, within: str = "30", overdue: str = ""
) -> Response:
    """The deadlines this account must act on: overdue first, then by due date."""
    if not within.isascii() or not within.isdigit() or int(within) not in WITHIN_CHOICES:
        choices = ", ".join(str(days) for days in WITHIN_CHOICES)
        raise InvalidInput(f"期限 within must be one of {choices} days, not {within!r}")
    items = due_items(
        session,
        login=account.user.login,
        within_days=int(within),
        overdue_only=bool(overdue),
    )
    context = {
        "items": items,
        "last_tick": last_daily_tick(session),
        "within": int(within),
        "overdue": bool(overdue),
        "choices": WITHIN_CHOICES,
    }
    return pages.render(request, "due.html", context)
