"""The audit trail, filterable and a page at a time, and its verification (auditors, admins)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from procure.domain.errors import NotFound
from procure.jobs import verifying
from procure.jobs.views import view
from procure.services.lifecycle.clock import now_utc
from procure.services.lifecycle.project_actions import FormInvalid
from procure.services.trail import audit_views
from procure.services.visibility.reading import visible_trail_rows
from procure.store import jobs as job_store
from procure.web import pages
from procure.web.deps import Account, CheckedForm, Reader, Writer

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
    page = replace(page, rows=visible_trail_rows(session, account.user.login, page.rows))
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
    """What ``procure audit verify`` says of the chain, the checkpoints and the data; a trail
    longer than :func:`~procure.jobs.verifying.inline_rows` is verified by a background job
    (this page then offers it, and links the account's last one)."""
    reach = audit_views.audit_reach(session, account.user)
    project = (request.query_params.get("project") or "").strip() or None
    public_key = request.query_params.get("public_key") or ""
    values = {"project": project or "", "public_key": public_key}
    rows = audit_views.trail_length(session)
    if rows > verifying.inline_rows():
        context = _background(session, account.user.login, rows, values, {}, reach)
        return pages.render(request, "audit_verify.html", context)
    try:
        trusted = audit_views.trusted_key_of(public_key)
    except FormInvalid as exc:
        invalid = {"values": values, "errors": exc.errors, "reach": reach}
        return pages.render(request, "audit_verify.html", invalid, status=400)
    result = audit_views.verify(session, reach, project=project, trusted_key=trusted)
    context = {"result": result, "values": values, "errors": {}, "reach": reach}
    return pages.render(request, "audit_verify.html", context)


@router.post("/audit/verify")
def verify_in_background(
    request: Request, account: Account, form: CheckedForm, session: Writer, reader: Reader
) -> Response:
    """Verify the trail as a background job (joined if the same one is under way)."""
    reach = audit_views.audit_reach(reader, account.user)
    project = (form.get("project") or "").strip() or None
    public_key = (form.get("public_key") or "").strip()
    values = {"project": project or "", "public_key": public_key}
    errors: dict[str, str] = {}
    try:
        audit_views.trusted_key_of(public_key)
    except FormInvalid as exc:
        errors.update(exc.errors)
    if project is not None:
        try:
            audit_views.project_in_reach(reader, reach, project)
        except NotFound as exc:
            errors["project"] = str(exc)
    if errors:
        rows = audit_views.trail_length(reader)
        context = _background(reader, account.user.login, rows, values, errors, reach)
        return pages.render(request, "audit_verify.html", context, status=400)
    reader.commit()
    asked = verifying.ask(
        session,
        login=account.user.login,
        project=project,
        public_key=public_key,
        at=now_utc(),
    )
    assert asked.job.id is not None
    return RedirectResponse(f"/jobs/{asked.job.id}", status_code=303)


def _background(
    session: Session,
    login: str,
    rows: int,
    values: dict[str, str],
    errors: dict[str, str],
    reach: audit_views.AuditReach,
) -> dict[str, Any]:
    """The verify page of a trail verified in the background: the form, the last job."""
    last = job_store.latest_requested(session, verifying.KIND, login)
    return {
        "result": None,
        "background": rows,
        "values": values,
        "errors": errors,
        "reach": reach,
        "last_job": view(last, now_utc()) if last is not None else None,
    }
