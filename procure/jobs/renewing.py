"""The year-end renewal applied as a background job (as ``procure renew --apply`` does).

The job calls :func:`~procure.services.renewal.run.renew_year` with the officer who asked
acting, reports each committed chunk as progress, and writes the run (plan, results,
batch id, checkpoint) as JSON for the job's page. A renewal is not joined like a print:
while one of a year is queued or running, another for that year is refused, so two
officers never apply overlapping plans at once (the run itself would stay correct: each
chunk judges its contracts again under locks, but the second run's page would mislead).
A run retried after its worker died skips what the first attempt decided.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from sqlmodel import Session

from procure.domain.language import N_, _
from procure.jobs.kind import JobKind, JobRun, for_purchaser
from procure.store import jobs as job_store
from procure.store.conflicts import committed
from procure.store.files import job_results_dir, write_whole
from procure.store.job_models import Job

KIND = "renew"
KEY_PREFIX = "renew:"


def renew_key(year: int, purchaser: str | None) -> str:
    """The job key of a year's renewal: ``renew:YEAR:PURCHASER`` (``*``: every purchaser)."""
    return f"{KEY_PREFIX}{year}:{purchaser or '*'}"


def result_name(year: int, purchaser: str | None) -> str:
    """The name of the run's JSON result."""
    return f"renewal-{year}" + (f"-{purchaser}" if purchaser else "") + ".json"


@dataclass(frozen=True)
class Started:
    """The job started, or the renewal of the year already under way (nothing started)."""

    job: Job
    started: bool


def start(
    session: Session,
    *,
    year: int,
    purchaser: str | None,
    requested_by: str,
    at: datetime,
    total: int,
) -> Started:
    """Queue the renewal of ``year`` (of one purchaser) unless one of that year is under way;
    commits. On PostgreSQL the job is deferred in the same transaction as its row.

    Raises:
        Busy: the database stayed locked longer than the wait allows.
    """
    key = renew_key(year, purchaser)

    def add() -> Started:
        running = job_store.active_with_prefix(session, f"{KEY_PREFIX}{year}:")
        if running is not None:
            return Started(running, started=False)
        job = job_store.new_job(
            session,
            kind=KIND,
            key=key,
            params={"year": year, "purchaser": purchaser, "by": requested_by},
            requested_by=requested_by,
            at=at,
            total=total,
        )
        if session.get_bind().dialect.name == "postgresql":
            from procure.jobs.deferral import defer

            assert job.id is not None
            defer(session, job.id, key)
        return Started(job, started=True)

    # Two requests at once for the same key: the second fails on the unique index, and
    # its retry finds the first's job and is refused.
    return committed(session, add, what=f"job {key}")


def renew(run: JobRun) -> str:
    """Apply the renewal of ``params`` year (and purchaser) as the officer who asked;
    return the JSON result's path (relative to the files folder).

    Raises:
        Refused: the officer may no longer decide these contracts (nothing changed).
    """
    from procure.services.renewal.run import renew_year
    from procure.services.trail.checkpoints import optional_signer
    from procure.workflow.context import Actor

    year = int(run.params["year"])
    purchaser = run.params.get("purchaser") or None
    signer, _path = optional_signer(None)
    outcome = renew_year(
        run.url,
        year,
        purchaser,
        apply=True,
        actor=Actor(str(run.params["by"]), "officer"),
        progress=run.report,
        signer=signer,
    )
    target = job_results_dir(run.files) / f"{run.job_id}-{result_name(year, purchaser)}"
    write_whole(target, json.dumps(outcome.to_dict(), ensure_ascii=False, default=str))
    return str(target.relative_to(run.files))


def _title(params: dict[str, Any]) -> str:
    return for_purchaser(
        params.get("purchaser"),
        one=N_("Apply the %(year)s renewal (%(purchaser)s)"),
        every=N_("Apply the %(year)s renewal (all purchasers)"),
        year=params["year"],
    )


def _back(params: dict[str, Any]) -> tuple[str, str]:
    query = urlencode({"year": params["year"], "purchaser": params.get("purchaser") or ""})
    return f"/renewal?{query}", _("Renewal")


JOB = JobKind(kind=KIND, run=renew, title=_title, back=_back)
