"""A project's files in the browser: listed by fact, uploaded, opened and downloaded.

An upload is a multipart form with the session's CSRF token (checked before any file is
read) and a ticked box: a file is never deleted or replaced, and its SHA-256 goes into the
audit trail, so the box says so before it is sent. The file is inspected and stored by
:func:`procure.services.documents.attach.attach`; any refusal stores nothing.

A file is served with ``X-Content-Type-Options: nosniff`` and ``Content-Security-Policy:
sandbox`` (no script of it ever runs, and it gets no origin of ours), as its stored media
type (one of the six kinds accepted: never HTML or SVG). PDFs and images open in the
browser's own viewer (``inline``); everything else, and any file asked for with
``/download``, is a download (``attachment``). A file one may not see answers exactly as a
file that does not exist.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from procure.domain.documents import KINDS, PROJECT_LEVEL
from procure.domain.errors import InvalidInput, Refused
from procure.domain.language import _
from procure.services.accounts.signin import SignedIn
from procure.services.documents.attach import attach
from procure.services.documents.inspect import KINDS as INSPECTED_KINDS
from procure.services.documents.panels import documents_panel, file_row
from procure.services.documents.reading import open_as_seen
from procure.services.visibility.reading import gate_for
from procure.web import pages
from procure.web.deps import Account, CheckedUpload, Reader, Writer
from procure.workflow.context import Actor
from procure.workflow.roles import role_label

router = APIRouter()

FILE_POLICY = (
    "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'"
)
"""The policy of every file served: a sandbox without scripts, forms or an origin."""
SERVED_TYPES = frozenset(media_type for media_type, _label, _endings in INSPECTED_KINDS.values())
"""The media types a file is served as (anything else, were it ever stored, as bytes)."""
RETURN_PAGES = ("", "/documents", "/panel/sheet", "/objection", "/assessment")
"""The pages of a project an upload form may come back to."""
PERMANENT = "permanent"
"""The box an upload must tick: the file is kept for good and its hash is in the trail."""

AttachmentId = Annotated[int, Path(ge=1, le=2**53)]


@router.get("/projects/{code}/documents")
def documents_page(request: Request, code: str, account: Account, session: Reader) -> Response:
    """Every fact of the project the account sees files of, or may attach files to now."""
    return _page(request, session, code, account)


@router.post("/projects/{code}/documents")
def upload(
    request: Request,
    code: str,
    account: Account,
    form: CheckedUpload,
    session: Writer,
    reader: Reader,
) -> Response:
    """Attach the chosen file to the fact named by the form; back to the page it came from."""
    login = account.user.login
    gate_for(reader, code, login)  # outside the reach: not found, as for the page
    fact = form.fields.get("fact", "")
    kind, fact_id = _fact_of_form(fact)
    name, data = form.files.get("file", ("", b""))
    problem = ""
    if not name and not data:
        problem = _("Choose a file to upload.")
    elif form.fields.get(PERMANENT) != "1":
        problem = _("Tick the box: an uploaded file cannot be deleted or replaced.")
    if problem:
        return _page(request, reader, code, account, failed=fact, message=problem, status=400)
    try:
        attached = attach(
            session,
            project_code=code,
            fact_kind=kind,
            fact_id=fact_id,
            name=name,
            data=data,
            by=Actor(login, ""),
        )
    except (Refused, InvalidInput) as exc:
        status = 403 if isinstance(exc, Refused) else 400
        return _page(request, reader, code, account, failed=fact, message=str(exc), status=status)
    back = _return_page(code, form.fields.get("back", ""))
    return RedirectResponse(f"{back}?attached={attached.number}#files-{fact}", status_code=303)


@router.get("/attachments/{attachment_id}")
def open_file(attachment_id: AttachmentId, account: Account, session: Reader) -> Response:
    """The file: a PDF or an image shown by the browser itself, anything else downloaded."""
    return _serve(session, attachment_id, account, inline=True)


@router.get("/attachments/{attachment_id}/download")
def download(attachment_id: AttachmentId, account: Account, session: Reader) -> Response:
    """The file, always as a download."""
    return _serve(session, attachment_id, account, inline=False)


def _serve(session: Session, attachment_id: int, account: SignedIn, *, inline: bool) -> Response:
    view, data = open_as_seen(session, attachment_id, account.user.login)
    row = file_row(view)
    media_type = view.media_type if view.media_type in SERVED_TYPES else "application/octet-stream"
    shown = inline and row.inline and media_type != "application/octet-stream"
    suffix = view.name.rsplit(".", 1)[-1].lower() if "." in view.name else "bin"
    fallback = f"attachment-{view.number}.{suffix if suffix.isascii() else 'bin'}"
    disposition = (
        f'{"inline" if shown else "attachment"}; filename="{quote(fallback)}"; '
        f"filename*=UTF-8''{quote(view.name, safe='')}"
    )
    headers = {
        "Content-Disposition": disposition,
        "Content-Security-Policy": FILE_POLICY,
        "X-Content-Type-Options": "nosniff",
    }
    return Response(data, media_type=media_type, headers=headers)


def _fact_of_form(value: str) -> tuple[str, int | None]:
    """The fact a form names: ``contract`` or ``proposal-12``.

    Raises:
        InvalidInput: anything else.
    """
    kind, _dash, number = value.partition("-")
    if kind in PROJECT_LEVEL and not number:
        return kind, None
    if kind in KINDS and kind not in PROJECT_LEVEL and number.isdigit() and len(number) < 12:
        return kind, int(number)
    raise InvalidInput(_("No such fact to attach a file to: %(fact)r", fact=value[:40]))


def _return_page(code: str, back: str) -> str:
    base = f"/projects/{quote(code)}"
    for suffix in RETURN_PAGES:
        if back == base + suffix:
            return back
    return base + "/documents"


def _page(
    request: Request,
    session: Session,
    code: str,
    account: SignedIn,
    *,
    failed: str = "",
    message: str = "",
    status: int = 200,
) -> Response:
    panel = documents_panel(session, code, account.user.login)
    context: dict[str, Any] = {
        "code": code,
        "panel": panel,
        "facts": panel.facts,
        "back": f"/projects/{quote(code)}/documents",
        "failed": failed,
        "message": message,
        "role_label": role_label,  # in the language in use (the frame's global says both)
    }
    return pages.render(request, "documents.html", context, status=status)
