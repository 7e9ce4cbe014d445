"""A background job's page (progress, estimate, how it ended) and its result."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from procure.domain.bounded import ROW_ID
from procure.domain.errors import NotFound
from procure.domain.language import _
from procure.jobs import verifying
from procure.jobs.printing import KIND as PRINT
from procure.jobs.renewing import KIND as RENEW
from procure.jobs.verifying import KIND as VERIFY
from procure.jobs.views import view, visible_job
from procure.services.lifecycle.clock import now_utc
from procure.services.renewal import pages as renewal_pages
from procure.web import pages
from procure.web.deps import Account, Reader

router = APIRouter()
REFRESH_SECONDS = 2


@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: str, account: Account, session: Reader) -> Response:
    """The job's state and progress; the page reloads itself while the job is under way."""
    row = visible_job(session, account.user, ROW_ID.parse(job_id))
    job = view(row, now_utc())
    session.commit()
    context: dict[str, Any] = {
        "job": job,
        "joined": request.query_params.get("joined") == "1",
        "refresh": REFRESH_SECONDS if job.active else None,
        "renewal": None,
        "verified": None,
    }
    if job.kind == RENEW and job.state == "done":
        files = request.app.state.settings.files_dir
        context["renewal"] = renewal_pages.read_outcome(files, row.result)
        context["labels"] = renewal_pages.ACTION_LABELS
        context["statuses"] = renewal_pages.STATUS_LABELS
        context["may_audit"] = bool({"auditor", "admin"} & set(account.roles))
    if job.kind == VERIFY and job.state == "done":
        files = request.app.state.settings.files_dir
        context["verified"] = verifying.read_result(files, row.result)
    return pages.render(request, "job.html", context)


@router.get("/jobs/{job_id}/download")
def download(request: Request, job_id: str, account: Account, session: Reader) -> Response:
    """The finished job's result (the year's records as one .zip)."""
    job = visible_job(session, account.user, ROW_ID.parse(job_id))
    session.commit()
    files = request.app.state.settings.files_dir
    path = (files / job.result).resolve() if job.result else None
    outside = path is None or not path.is_relative_to(files.resolve())
    if job.kind != PRINT or job.state != "done" or path is None or outside:
        raise NotFound(_("Job #%(id)s has no result to download (yet).", id=job_id))
    if not path.is_file():
        raise NotFound(
            _("The result of job #%(id)s is no longer kept; print the year again.", id=job_id)
        )
    return FileResponse(
        path,
        media_type="application/zip",
        filename=view(job, now_utc()).download_name,
        headers={"Cache-Control": "private, no-store"},
    )
