"""Evaluation records in the browser: one project's PDF, a year's print, verifying an upload."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlmodel import col, select
from starlette.concurrency import run_in_threadpool

from procure.domain.bounded import YEAR
from procure.domain.errors import InvalidInput
from procure.domain.language import _
from procure.jobs import printing
from procure.jobs.submit import submit
from procure.jobs.views import view
from procure.reports.fonts import PrintingUnavailable
from procure.services.lifecycle.clock import now_utc
from procure.services.records import files as record_files
from procure.store import jobs as job_store
from procure.store.models import Purchaser
from procure.web import pages
from procure.web.deps import Account, CheckedForm, CheckedUpload, Reader, Writer

router = APIRouter()


@router.get("/projects/{code}/record")
def record(
    request: Request,
    code: str,
    account: Account,
    session: Reader,
    writer: Writer,
    download: int = 0,
) -> Response:
    """The project's evaluation record as PDF (rendered once per verification code)."""
    settings = request.app.state.settings
    try:
        found = record_files.record_file(
            session, account.user, code, settings.files_dir, writer=writer
        )
    except PrintingUnavailable as exc:
        return pages.error_page(request, 503, _("Printing unavailable"), str(exc))
    return FileResponse(
        found.path,
        media_type="application/pdf",
        filename=found.path.name,
        content_disposition_type="attachment" if download else "inline",
        headers={"Cache-Control": "private, no-store"},
    )


@router.get("/records")
def records_page(request: Request, account: Account, session: Reader) -> Response:
    """Print a year's records, follow one's own print jobs, verify a record's file."""
    return _page(request, session, account)


def _page(
    request: Request,
    session: Reader,
    account: Account,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    purchasers = [
        p
        for p in session.exec(select(Purchaser).order_by(col(Purchaser.code)))
        if record_files.may_print(session, account.user, p.code)
    ]
    at = now_utc()
    context = {
        "purchasers": purchasers,
        "whole": record_files.may_print(session, account.user, None),
        # the account's print jobs (a renewal it applied is followed on the renewal page)
        "jobs": [
            view(j, at) for j in job_store.recent(session, account.user.login, kind=printing.KIND)
        ],
        "values": values
        or {"year": _year_text(record_files.printable_year(session, account.user))},
        "errors": errors or {},
    }
    session.commit()
    return pages.render(request, "records.html", context, status=status)


def _year_text(year: int | None) -> str:
    return "" if year is None else str(year)


@router.post("/records/print")
def print_year(
    request: Request, account: Account, form: CheckedForm, session: Writer, reader: Reader
) -> Response:
    """Ask for a year's records as one zip: a background job (joined if one is under way)."""
    year_text = (form.get("year") or "").strip()
    purchaser = (form.get("purchaser") or "").strip() or None
    try:
        year = YEAR.parse(year_text)
    except InvalidInput:
        year = 0
    if not 1990 <= year <= 2100:
        errors = {"year": _("Give a funding year, e.g. 2019")}
        return _page(request, reader, account, values=form, errors=errors, status=400)
    try:
        codes = record_files.print_codes(reader, account.user, year, purchaser)
    except InvalidInput as exc:
        return _page(request, reader, account, values=form, errors={"year": str(exc)}, status=400)
    reader.commit()
    submitted = submit(
        session,
        kind=printing.KIND,
        key=printing.print_key(year, purchaser),
        params={"year": year, "purchaser": purchaser},
        requested_by=account.user.login,
        at=now_utc(),
        total=len(codes),
    )
    assert submitted.job.id is not None
    joined = "?joined=1" if submitted.joined else ""
    return RedirectResponse(f"/jobs/{submitted.job.id}{joined}", status_code=303)


@router.post("/records/verify")
async def verify_upload(
    request: Request, account: Account, form: CheckedUpload, session: Reader
) -> Response:
    """What ``procure report verify`` says of an uploaded record, field by field."""
    name, data = form.files.get("file", ("", b""))
    if not name:
        errors = {"file": _("Choose a PDF file")}
        return _page(request, session, account, errors=errors, status=400)
    try:
        result = await run_in_threadpool(
            record_files.verify_upload, session, account.user, data, name
        )
    except InvalidInput as exc:
        return _page(request, session, account, errors={"file": str(exc)}, status=400)
    return pages.render(request, "record_verify.html", {"result": result})
