"""A background job's page (progress, estimate, how it ended) and its result."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from procure.domain.errors import NotFound
from procure.jobs.views import view, visible_job
from procure.web import pages
from procure.web.deps import Account, Reader

router = APIRouter()
REFRESH_SECONDS = 2


@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: int, account: Account, session: Reader) -> Response:
    """The job's state and progress; the page reloads itself while the job is under way."""
    job = view(visible_job(session, account.user, job_id), datetime.now(UTC))
    session.commit()
    context = {
        "job": job,
        "joined": request.query_params.get("joined") == "1",
        "refresh": REFRESH_SECONDS if job.active else None,
    }
    return pages.render(request, "job.html", context)


@router.get("/jobs/{job_id}/download")
def download(request: Request, job_id: int, account: Account, session: Reader) -> Response:
    """The finished job's result (the year's records as one .zip)."""
    job = visible_job(session, account.user, job_id)
    session.commit()
    files = request.app.state.settings.files_dir
    path = (files / job.result).resolve() if job.result else None
    if job.state != "done" or path is None or not path.is_relative_to(files.resolve()):
        raise NotFound(f"job {job_id} has no result to download (yet)")
    if not path.is_file():
        raise NotFound(f"the result of job {job_id} is no longer kept; print the year again")
    return FileResponse(
        path,
        media_type="application/zip",
        filename=view(job, datetime.now(UTC)).download_name,
        headers={"Cache-Control": "private, no-store"},
    )
