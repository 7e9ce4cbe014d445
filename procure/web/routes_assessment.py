"""The assessment of a project: the sheets, the result, the comment window, and the forms of
the assessor (a sheet typed or uploaded) and of the organization (comment or acknowledge).

Finalizing goes through the project page's trigger route (``/projects/{code}/do/...``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from procure.domain.errors import Refused
from procure.domain.visibility import unknown_project
from procure.services.accounts.signin import SignedIn
from procure.services.browse.project_view import project_detail
from procure.services.documents.panels import documents_panel
from procure.services.lifecycle.clock import now_utc
from procure.services.lifecycle.project_actions import FormInvalid, held_roles
from procure.services.scoring import assessment_forms
from procure.services.scoring.assessment_pages import assessment_page, record_organization_comment
from procure.services.visibility.reading import require_visible
from procure.store.conflicts import committed
from procure.web import pages
from procure.web.deps import Account, CheckedForm, CheckedUpload, Reader, Writer

router = APIRouter()

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _readable(session: Session, account: SignedIn, code: str) -> list[str]:
    """The roles the account holds on ``code``; outside its scope it is an unknown code.
    (The gate reads the project with its purchaser and award first: the roles reuse them.)"""
    require_visible(session, code, account.user.login, "assessment")  # first: as fast as unknown
    roles = held_roles(session, account.user, code)
    if not roles:
        raise unknown_project(code)
    return roles


@router.get("/projects/{code}/assessment")
def assessment(request: Request, code: str, account: Account, session: Reader) -> Response:
    """Each assessor's sheet, the combined result, the comment window and the forms."""
    return _page(request, session, code, account, done=request.query_params.get("done", ""))


def _page(
    request: Request,
    session: Session,
    code: str,
    account: SignedIn,
    *,
    done: str = "",
    failed: str = "",
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    message: str = "",
    status: int = 200,
) -> Response:
    roles = _readable(session, account, code)
    context = {
        **assessment_page(session, code, account.user, now_utc()),
        "project": project_detail(session, code),
        "roles": roles,
        "form": assessment_forms.sheet_form(),
        "done": done,
        "failed": failed,
        "errors": errors or {},
        "values": values or {},
        "message": message,
        "documents": documents_panel(
            session, code, account.user.login, kinds=("assessment", "comment")
        ),
    }
    return pages.render(request, "assessment.html", context, status=status)


def _act(
    request: Request,
    code: str,
    account: SignedIn,
    session: Session,
    reader: Session,
    what: str,
    change: Callable[[], Any],
    values: dict[str, str],
) -> Response:
    _readable(reader, account, code)
    try:
        committed(session, change, what=f"{what} on {code}")
    except FormInvalid as exc:
        return _page(
            request,
            reader,
            code,
            account,
            failed=what,
            errors=exc.errors,
            values=values,
            status=400,
        )
    except Refused as exc:
        return _page(
            request, reader, code, account, failed=what, message=str(exc), values=values, status=403
        )
    return RedirectResponse(f"/projects/{code}/assessment?done={what}", status_code=303)


@router.post("/projects/{code}/assessment/sheet")
def record_sheet(
    request: Request,
    code: str,
    account: Account,
    form: CheckedForm,
    session: Writer,
    reader: Reader,
) -> Response:
    """Record the assessor's sheet typed in the form: all of it, or nothing."""
    change = lambda: assessment_forms.record_sheet(session, code, account.user, form)  # noqa: E731
    return _act(request, code, account, session, reader, "sheet", change, form)


@router.post("/projects/{code}/assessment/replace")
def replace_sheet(
    request: Request,
    code: str,
    account: Account,
    form: CheckedForm,
    session: Writer,
    reader: Reader,
) -> Response:
    """Replace the assessor's own sheet with the form's, until the assessment is finalized."""

    def change() -> Any:
        return assessment_forms.record_sheet(
            session, code, account.user, form, trigger="replace_assessment"
        )

    return _act(request, code, account, session, reader, "replace", change, form)


@router.post("/projects/{code}/assessment/upload")
def upload_sheet(
    request: Request,
    code: str,
    account: Account,
    upload: CheckedUpload,
    session: Writer,
    reader: Reader,
) -> Response:
    """Record the assessor's sheet from the filled-in .xlsx template: all of it, or nothing."""
    filename, data = upload.files.get("sheet", ("", b""))
    sheet = assessment_forms.read_upload(data, filename)  # before any lock is taken

    def change() -> Any:
        return assessment_forms.record_upload(session, code, account.user, sheet)

    return _act(request, code, account, session, reader, "upload", change, {})


@router.post("/projects/{code}/assessment/comment")
def comment(
    request: Request,
    code: str,
    account: Account,
    form: CheckedForm,
    session: Writer,
    reader: Reader,
) -> Response:
    """Record the organization's comment or acknowledgement, inside its window only."""

    def change() -> Any:
        return record_organization_comment(session, code, account.user, form)

    return _act(request, code, account, session, reader, "comment", change, form)


@router.get("/projects/{code}/assessment/template.xlsx")
def template(code: str, account: Account, session: Reader) -> Response:
    """The blank .xlsx sheet of the assessment scorecard, with its 评语 and 一票否决 sheets."""
    _readable(session, account, code)
    name = "assessment-" + re.sub(r"[^A-Za-z0-9._-]", "_", code) + ".xlsx"
    return Response(
        assessment_forms.template_bytes(),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
