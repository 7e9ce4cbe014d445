"""An organization's own page, "我的项目 My projects": its proposals and contracted work."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from procure.services.browse.organization import my_projects
from procure.services.lifecycle.clock import now_utc
from procure.web import pages
from procure.web.deps import Account, Reader

router = APIRouter()


@router.get("/mine")
def mine(request: Request, account: Account, session: Reader) -> Response:
    """The signed-in organization's proposals, contracts, payments, inspections, assessments."""
    organizations = my_projects(session, account.user, now_utc())
    return pages.render(request, "mine.html", {"organizations": organizations})
