"""A job as a page shows it: state in words, progress, an estimate, who may see it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from procure.domain.errors import NotFound
from procure.domain.language import _
from procure.jobs.kind import state_label
from procure.jobs.kinds import job_kinds
from procure.jobs.printing import KIND as PRINT
from procure.jobs.reasons import reason_text
from procure.jobs.renewing import KIND as RENEW
from procure.store import accounts as account_store
from procure.store import jobs as job_store
from procure.store.job_models import ACTIVE, DONE, Job
from procure.store.trust_models import User


@dataclass(frozen=True)
class JobView:
    """What the job page shows."""

    id: int
    kind: str
    title: str
    key: str
    state: str
    state_label: str
    reason: str
    done: int
    total: int
    percent: int
    elapsed_seconds: int | None
    remaining_seconds: int | None
    requested_by: str
    requested_at: datetime
    finished_at: datetime | None
    attempts: int
    active: bool
    download_name: str
    back_url: str
    back_label: str


def view(job: Job, at: datetime) -> JobView:
    """The job as shown at moment ``at``; the estimate assumes the pace so far holds."""
    assert job.id is not None
    params = json.loads(job.params)
    elapsed = remaining = None
    if job.started_at is not None:
        end = job.finished_at or at
        elapsed = max(0, int((end - job.started_at).total_seconds()))
        if job.state == "running" and 0 < job.done < job.total:
            remaining = round(elapsed / job.done * (job.total - job.done))
    kind = job_kinds().get(job.kind)
    back = kind.back(params) if kind else ("/records", _("Performance evaluation records"))
    percent = int(job.done * 100 / job.total) if job.total else (100 if job.state == DONE else 0)
    return JobView(
        id=job.id,
        kind=job.kind,
        title=kind.title(params) if kind else _("Job #%(id)s", id=job.id),
        key=job.key,
        state=job.state,
        state_label=state_label(job.state),
        reason=reason_text(job.reason),
        done=job.done,
        total=job.total,
        percent=percent,
        elapsed_seconds=elapsed,
        remaining_seconds=remaining,
        requested_by=job.requested_by,
        requested_at=job.requested_at,
        finished_at=job.finished_at,
        attempts=job.attempts,
        active=job.state in ACTIVE,
        download_name=kind.download(params) if kind else f"{job.kind}.zip",
        back_url=back[0],
        back_label=back[1],
    )


def visible_job(session: Session, user: User, job_id: int) -> Job:
    """Job ``job_id`` if ``user`` asked for it or may ask for the same work (it joined), and
    holds a role the visibility policy lets see job results.

    Raises:
        NotFound: no such job, or one the account may not see (said alike).
    """
    from procure.services.records.files import may_print
    from procure.services.renewal.pages import VIEW_ROLES, reaches
    from procure.services.visibility.gate import role_sees_every

    try:
        job = job_store.get(session, job_id)
    except NotFound:
        raise NotFound(_("There is no job #%(id)s.", id=job_id)) from None
    grants = account_store.active_grants(session, user)
    if not any(role_sees_every(grant.role, "job_result") for grant in grants):
        # the visibility policy: as if it did not exist
        raise NotFound(_("There is no job #%(id)s.", id=job_id))
    if job.requested_by == user.login:
        return job
    params = json.loads(job.params)
    if job.kind == PRINT:
        try:
            if may_print(session, user, params.get("purchaser") or None):
                return job
        except NotFound:
            pass
    if job.kind == RENEW:
        try:
            if reaches(session, user, params.get("purchaser") or None, VIEW_ROLES):
                return job
        except NotFound:
            pass
    raise NotFound(_("There is no job #%(id)s.", id=job_id))
