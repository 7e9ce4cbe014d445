"""Verifying a long audit trail as a background job (what ``/audit/verify`` does inline
for a short one).

The chain is read row by row and hashed again, then the tables are compared with what
the trail implies: seconds per hundred thousand rows, too long for a page request. The
job verifies as the account that asked (its reach, read again when the job runs: an
account deactivated meanwhile gets a refusal, not a result), writes the result as JSON
and the job's page shows it field by field. Each account has its own job per question
(project and trusted key); asking again while one is under way joins it.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from procure.domain.language import N_, _
from procure.jobs.kind import JobKind, JobRun
from procure.jobs.reasons import JobRefused
from procure.jobs.submit import Submitted, submit
from procure.store.files import job_results_dir, write_whole

if TYPE_CHECKING:
    from sqlmodel import Session

    from procure.services.trail.audit_views import VerifyResult

KIND = "verify"
INLINE_ROWS_ENV = "PROCURE_VERIFY_INLINE_ROWS"
INLINE_ROWS = 20_000
"""Trails up to this many rows are verified inside the page request (about a second)."""


def inline_rows() -> int:
    """The longest trail verified inside the request (``PROCURE_VERIFY_INLINE_ROWS``)."""
    value = os.environ.get(INLINE_ROWS_ENV, "").strip()
    return int(value) if value.isdigit() else INLINE_ROWS


def verify_key(login: str, project: str | None, public_key: str) -> str:
    """One job per account and question: ``verify:LOGIN:PROJECT:KEYHASH``."""
    key_part = hashlib.sha256(public_key.encode()).hexdigest()[:12] if public_key else "-"
    return f"{KIND}:{login}:{project or '*'}:{key_part}"


def ask(
    session: Session, *, login: str, project: str | None, public_key: str, at: datetime
) -> Submitted:
    """Ask for the verification (joined if the same one is under way); commits."""
    return submit(
        session,
        kind=KIND,
        key=verify_key(login, project, public_key),
        params={"login": login, "project": project, "public_key": public_key},
        requested_by=login,
        at=at,
        total=1,
    )


def run_verify(run: JobRun) -> str:
    """Verify as the account that asked; write the result; return its file (relative).

    Raises:
        JobRefused: the account is gone.
        Refused: the account may no longer read the trail.
        NotFound: the project is (no longer) in its reach.
    """
    from procure.services.trail import audit_views
    from procure.store.accounts import user_by_login
    from procure.store.db import make_engine, snapshot

    login = str(run.params["login"])
    engine = make_engine(run.url)
    try:
        with snapshot(engine) as session:  # the chain and the tables at one moment
            user = user_by_login(session, login)
            if user is None:
                raise JobRefused(N_("The account %(login)s no longer exists."), login=login)
            reach = audit_views.audit_reach(session, user)
            result = audit_views.verify(
                session,
                reach,
                project=run.params.get("project") or None,
                trusted_key=run.params.get("public_key") or None,
            )
    finally:
        engine.dispose()
    run.report(1, 1)
    target = job_results_dir(run.files) / f"{run.job_id}-verify.json"
    write_whole(target, json.dumps(asdict(result), ensure_ascii=False))
    return str(target.relative_to(run.files))


def read_result(files: Path, result: str) -> VerifyResult | None:
    """The verification a finished job wrote, or None when its file is gone."""
    from procure.services.trail.audit_views import VerifyResult

    path = (files / result).resolve()
    if not result or not path.is_relative_to(files.resolve()) or not path.is_file():
        return None
    return VerifyResult(**json.loads(path.read_text()))


def _title(params: dict[str, Any]) -> str:
    if params.get("project"):
        return _("Verify the audit trail (against %(project)s)", project=params["project"])
    return _("Verify the audit trail")


JOB = JobKind(
    kind=KIND,
    run=run_verify,
    title=_title,
    back=lambda params: ("/audit/verify", _("Verify the audit trail")),
)
