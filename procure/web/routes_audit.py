"""The audit trail, filterable and a page at a time, and its verification (auditors, admins)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from procure.services import audit_views
from procure.services.project_actions import FormInvalid
from procure.web import pages
from procure.web.deps import Account, Reader

router = APIRouter()


@router.get("/audit")
def trail(request: Request, account: Account, session: Reader) -> Response:
    """The trail, newest first, narrowed by ?project= ?batch= ?actor= ?trigger= ?since= ?until=."""
    reach = audit_views.audit_reach(session, account.user)
    query = dict(request.query_params)
    try:
        filters = audit_views.parse_filter(query)
    except FormInvalid as exc:
        invalid = {"values": query, "errors": exc.errors, "reach": reach}
        return pages.render(request, "audit.html", invalid, status=400)
    page = audit_views.trail_page(session, reach, filters)
    context: dict[str, Any] = {
        "filters": filters,
        "values": filters.query(),
        "errors": {},
        "page": page,
        "reach": reach,
        "older_url": (
            "/audit?" + urlencode(filters.query(before=page.older)) if page.older else None
        ),
        "newest_url": (
            "/audit?" + urlencode(filters.query(before=None)) if filters.before else None
        ),
    }
    return pages.render(request, "audit.html", context)


@router.get("/audit/verify")
def verify(request: Request, account: Account, session: Reader) -> Response:
    """What ``procure audit verify`` says of the chain, the checkpoints and the data."""
    reach = audit_views.audit_reach(session, account.user)
    project = (request.query_params.get("project") or "").strip() or None
    public_key = request.query_params.get("public_key") or ""
    values = {"project": project or "", "public_key": public_key}
    try:
        trusted = audit_views.trusted_key_of(public_key)
    except FormInvalid as exc:
        invalid = {"values": values, "errors": exc.errors, "reach": reach}
        return pages.render(request, "audit_verify.html", invalid, status=400)
    result = audit_views.verify(session, reach, project=project, trusted_key=trusted)
    context = {"result": result, "values": values, "errors": {}, "reach": reach}
    return pages.render(request, "audit_verify.html", context)
