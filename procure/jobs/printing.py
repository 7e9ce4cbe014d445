"""The year's records as a background job: print them (as ``procure report --year`` does),
then pack them as one .zip.

Records already printed with their current verification code are not printed again (the
batch skips them), so a job retried after its worker died goes on where it stopped.
Each record and the zip are written to a temporary name and renamed: a file is whole
or absent, whatever happens to the worker.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Any

from procure.domain.language import N_, _
from procure.jobs.kind import JobKind, JobRun, for_purchaser
from procure.jobs.reasons import JobRefused
from procure.store.files import job_results_dir, records_dir

KIND = "print"
RECYCLE_ENV = "PROCURE_PRINT_RECYCLE"
RECYCLE_AFTER = 50
"""Records a printing process renders before a fresh one replaces it (WeasyPrint's memory)."""
PROCESSES_ENV = "PROCURE_PRINT_PROCESSES"


class PrintFailed(JobRefused):
    """Some records of the year could not be printed; the message names them."""


def print_key(year: int, purchaser: str | None) -> str:
    """The job key of a year's print: one job per year and purchaser at a time."""
    return f"print:{year}:{purchaser or '*'}"


def zip_name(year: int, purchaser: str | None) -> str:
    """The name a browser saves the year's zip as."""
    return f"records-{year}" + (f"-{purchaser}" if purchaser else "") + ".zip"


def print_records(run: JobRun) -> str:
    """Print the records of ``params`` year (and purchaser); return the zip's path (relative
    to the files folder).

    Raises:
        PrintFailed: a record could not be printed (the others are kept, current).
    """
    from procure.reports.batch import FAILED, print_year, year_codes
    from procure.services.records.files import server_checkpoint
    from procure.store.db import make_engine, new_session

    year = int(run.params["year"])
    purchaser = run.params.get("purchaser") or None
    codes = year_codes(run.url, year, purchaser)
    if not codes:
        if purchaser:
            raise PrintFailed(
                N_("No project of %(purchaser)s was contracted in %(year)s."),
                purchaser=purchaser,
                year=year,
            )
        raise PrintFailed(N_("No project was contracted in %(year)s."), year=year)
    run.report(0, len(codes))
    engine = make_engine(run.url)
    try:
        with new_session(engine) as session:
            checkpoint = server_checkpoint(session)
            session.commit()
    finally:
        engine.dispose()
    done = 0

    def advance(_outcome: object) -> None:
        nonlocal done
        done += 1
        run.report(done, len(codes))

    outcomes = print_year(
        run.url,
        codes,
        records_dir(run.files),
        jobs=_setting(PROCESSES_ENV, 0) or None,
        on_outcome=advance,
        checkpoint=checkpoint,
        recycle_after=_setting(RECYCLE_ENV, RECYCLE_AFTER) or None,  # 0: never recycle
    )
    failed = [o for o in outcomes if o.status == FAILED]
    if failed:
        named = "; ".join(f"{o.project}: {o.message}" for o in failed[:5])
        said = N_("%(failed)s of %(total)s records failed: %(named)s")
        if len(failed) > 5:
            said = N_("%(failed)s of %(total)s records failed: %(named)s (and %(more)s more)")
        raise PrintFailed(
            said, failed=len(failed), total=len(codes), named=named, more=len(failed) - 5
        )
    target = job_results_dir(run.files) / f"{run.job_id}-{zip_name(year, purchaser)}"
    _zip([Path(o.path) for o in outcomes], target)
    return str(target.relative_to(run.files))


def _zip(paths: list[Path], target: Path) -> None:
    """Pack ``paths`` (stored: PDFs are compressed already) into ``target``, atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_STORED) as archive:
            for path in paths:
                archive.write(path, arcname=path.name)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def _setting(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _title(params: dict[str, Any]) -> str:
    return for_purchaser(
        params.get("purchaser"),
        one=N_("Print the %(year)s records (%(purchaser)s)"),
        every=N_("Print the %(year)s records (all purchasers)"),
        year=params["year"],
    )


def _download_name(params: dict[str, Any]) -> str:
    purchaser = params.get("purchaser")
    return zip_name(int(str(params["year"])), str(purchaser) if purchaser else None)


JOB = JobKind(
    kind=KIND,
    run=print_records,
    title=_title,
    back=lambda params: ("/records", _("Performance evaluation records")),
    download_name=_download_name,
)
