"""The review panel of a project, and a reviewer's sheet: by form, by .xlsx upload, or a recusal."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from procure.domain.errors import InvalidInput, Refused
from procure.domain.language import gettext as _
from procure.domain.visibility import unknown_project
from procure.services.accounts.signin import SignedIn
from procure.services.browse.labels import step_label
from procure.services.documents.panels import documents_panel
from procure.services.lifecycle.project_actions import FormInvalid, held_roles
from procure.services.scoring import review_forms, review_upload
from procure.services.visibility.reading import panel_as_seen
from procure.services.visibility.views import ANONYMOUS_REVIEWER
from procure.store.conflicts import committed
from procure.web import pages
from procure.web.deps import Account, CheckedForm, CheckedUpload, Reader, Writer

router = APIRouter()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _readable(session: Session, account: SignedIn, code: str) -> list[str]:
    roles = held_roles(session, account.user, code)
    if not roles:
        raise unknown_project(code)  # outside the scope: as if it did not exist
    return roles


@router.get("/projects/{code}/panel")
def panel(request: Request, code: str, account: Account, session: Reader) -> Response:
    """Every sheet, trims, recusals, flags, the average, the ranking and who may be awarded."""
    found = panel_as_seen(session, code, account.user.login)  # outside the reach: not found
    context = {
        "panel": found,
        "roles": held_roles(session, account.user, code),
        "anonymous": ANONYMOUS_REVIEWER,  # a sheet whose author the viewer may not know
    }
    return pages.render(request, "review_panel.html", context)


@router.get("/projects/{code}/panel/sheet")
def sheet(request: Request, code: str, account: Account, session: Reader) -> Response:
    """The signed-in reviewer's sheet: one form per proposal still to score."""
    _readable(session, account, code)
    return _sheet_page(request, session, code, account, done=request.query_params.get("done", ""))


@router.get("/projects/{code}/panel/template.xlsx")
def template(code: str, account: Account, session: Reader) -> Response:
    """The blank review template, as ``procure scorecard template review`` writes it."""
    _readable(session, account, code)
    name, content = review_upload.template_bytes()
    disposition = f"attachment; filename*=UTF-8''{quote(name)}"
    return Response(content, media_type=XLSX, headers={"Content-Disposition": disposition})


@router.post("/projects/{code}/panel/sheet")
def submit_sheet(
    request: Request,
    code: str,
    account: Account,
    form: CheckedForm,
    session: Writer,
    reader: Reader,
) -> Response:
    """Record the reviewer's sheet for one proposal: all of it, or nothing."""
    _may_act(reader, account, code)
    organization = form.get("organization", "")
    return _attempt(
        request,
        reader,
        code,
        account,
        lambda: committed(
            session,
            lambda: review_forms.submit_form(session, code, account.user, form),
            what=_("%(step)s on %(code)s", step=step_label("record_review"), code=code),
        ),
        failed=organization,
        values=form,
        done="review",
    )


@router.post("/projects/{code}/panel/sheet/replace")
def replace_sheet(
    request: Request,
    code: str,
    account: Account,
    form: CheckedForm,
    session: Writer,
    reader: Reader,
) -> Response:
    """Replace the reviewer's own sheet for one proposal until the panel is closed for award."""
    _may_act(reader, account, code)
    return _attempt(
        request,
        reader,
        code,
        account,
        lambda: committed(
            session,
            lambda: review_forms.replace_form(session, code, account.user, form),
            what=_("%(step)s on %(code)s", step=step_label("replace_review"), code=code),
        ),
        failed=form.get("organization", ""),
        values=form,
        done="replace",
    )


@router.post("/projects/{code}/panel/sheet/upload")
def upload_sheet(
    request: Request,
    code: str,
    account: Account,
    upload: CheckedUpload,
    session: Writer,
    reader: Reader,
) -> Response:
    """Record the reviewer's sheet read from a filled-in .xlsx template."""
    _may_act(reader, account, code)
    organization = upload.fields.get("organization", "")
    filename, content = upload.files.get("sheet", ("", b""))
    if not filename:
        return _sheet_page(
            request,
            reader,
            code,
            account,
            upload_error=_("Choose the filled-in .xlsx sheet to upload"),
            status=400,
        )
    sheet = review_upload.read_upload(filename, content)  # before any lock is taken
    return _attempt(
        request,
        reader,
        code,
        account,
        lambda: committed(
            session,
            lambda: review_upload.submit_upload(session, code, account.user, organization, sheet),
            what=_("%(step)s on %(code)s", step=step_label("record_review"), code=code),
        ),
        failed="upload",
        values={"organization": organization},
        done="upload",
    )


@router.post("/projects/{code}/panel/recusal")
def recusal(
    request: Request,
    code: str,
    account: Account,
    form: CheckedForm,
    session: Writer,
    reader: Reader,
) -> Response:
    """Record the reviewer's own conflict of interest with one proposal (reason required)."""
    _may_act(reader, account, code)
    return _attempt(
        request,
        reader,
        code,
        account,
        lambda: committed(
            session,
            lambda: review_forms.declare_conflict(session, code, account.user, form),
            what=_("%(step)s on %(code)s", step=step_label("record_recusal"), code=code),
        ),
        failed="recusal",
        values=form,
        done="recusal",
    )


def _may_act(session: Session, account: SignedIn, code: str) -> None:
    """Outside the scope: 404 as for a GET; inside it without a reviewer grant: 403."""
    _readable(session, account, code)
    review_forms.require_reviewer(session, account.user, code)


def _attempt(
    request: Request,
    reader: Session,
    code: str,
    account: SignedIn,
    change: Callable[[], object],
    *,
    failed: str,
    values: Mapping[str, Any],
    done: str,
) -> Response:
    """Run ``change``; on success back to the sheet, else the sheet again with the reason."""
    page: dict[str, Any] = {"failed": failed, "values": dict(values)}
    try:
        change()
    except FormInvalid as exc:
        return _sheet_page(request, reader, code, account, errors=exc.errors, **page, status=400)
    except Refused as exc:
        return _sheet_page(request, reader, code, account, message=str(exc), **page, status=403)
    except InvalidInput as exc:
        return _sheet_page(request, reader, code, account, message=str(exc), **page, status=400)
    return RedirectResponse(f"/projects/{quote(code)}/panel/sheet?done={done}", status_code=303)


def _sheet_page(
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
    upload_error: str = "",
    status: int = 200,
) -> Response:
    context = {
        "sheet": review_forms.reviewer_sheet(session, code, account.user),
        "documents": documents_panel(session, code, account.user.login, kinds=("proposal",)),
        "done": done,
        "failed": failed,
        "errors": errors or {},
        "values": values or {},
        "message": message,
        "upload_error": upload_error,
    }
    return pages.render(request, "review_sheet.html", context, status=status)
