"""A job as a page shows it: state in words, progress, an estimate, who may see it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from sqlmodel import Session

from procure.domain.errors import NotFound
from procure.jobs.printing import KIND as PRINT
from procure.jobs.printing import zip_name
from procure.jobs.renewing import KIND as RENEW
from procure.jobs.ticking import KIND as TICK
from procure.jobs.verifying import KIND as VERIFY
from procure.store import jobs as job_store
from procure.store.job_models import ACTIVE, DONE, Job
from procure.store.trust_models import User

STATE_LABELS = {
    "queued": "排队中 queued",
    "running": "进行中 running",
    "done": "已完成 done",
    "failed": "失败 failed",
}


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
    percent = int(job.done * 100 / job.total) if job.total else (100 if job.state == DONE else 0)
    return JobView(
        id=job.id,
        kind=job.kind,
        title=_title(job.kind, params),
        key=job.key,
        state=job.state,
        state_label=STATE_LABELS.get(job.state, job.state),
        reason=job.reason,
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
        download_name=_download_name(job.kind, params),
        back_url=_back(job.kind, params)[0],
        back_label=_back(job.kind, params)[1],
    )


def _title(kind: str, params: dict[str, object]) -> str:
    if kind == PRINT:
        whose = f"（{params['purchaser']}）" if params.get("purchaser") else "（全部购买方 all）"
        return f"打印 {params['year']} 年度绩效评价记录{whose} Print the {params['year']} records"
    if kind == RENEW:
        whose = f"（{params['purchaser']}）" if params.get("purchaser") else "（全部购买方 all）"
        return f"执行 {params['year']} 年度续约{whose} Apply the {params['year']} renewal"
    if kind == VERIFY:
        scope = f"（比对 {params['project']}）" if params.get("project") else ""
        return f"校验审计链{scope} Verify the audit trail"
    if kind == TICK:
        return f"每日期限检查 {params.get('on', '')} Daily tick"
    return kind


def _back(kind: str, params: dict[str, object]) -> tuple[str, str]:
    """The page a job was asked from: its crumb's link and label."""
    if kind == RENEW:
        query = urlencode({"year": params["year"], "purchaser": params.get("purchaser") or ""})
        return f"/renewal?{query}", "年终续约 Renewal"
    if kind == VERIFY:
        return "/audit/verify", "校验审计链 Verify the trail"
    if kind == TICK:
        return "/due", "到期事项 Due"
    return "/records", "绩效评价记录 Records"


def _download_name(kind: str, params: dict[str, object]) -> str:
    if kind == PRINT:
        purchaser = params.get("purchaser")
        return zip_name(int(str(params["year"])), str(purchaser) if purchaser else None)
    return f"{kind}.zip"


def visible_job(session: Session, user: User, job_id: int) -> Job:
    """Job ``job_id`` if ``user`` asked for it or may ask for the same work (it joined).

    Raises:
        NotFound: no such job, or one the account may not see (said alike).
    """
    from procure.services.record_files import may_print
    from procure.services.renewal_pages import VIEW_ROLES, reaches

    try:
        job = job_store.get(session, job_id)
    except NotFound:
        raise NotFound(f"no job {job_id}") from None
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
    raise NotFound(f"no job {job_id}")
