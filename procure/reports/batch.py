"""Print evaluation records: one, or a whole year's across a pool of processes.

Each record goes to ``DIR/<year>/<USCC>-<project code>.pdf``. A file that already holds
the record's current verification code is skipped, so an interrupted run can simply be
run again; that check reads only the end of the file, so a re-run with nothing changed
renders nothing and starts no worker. This process reads the database (one session) and
checks the files; the records to print go to a pool of workers, each of which loads
WeasyPrint, the stylesheet and the fonts once as it starts. Files are written to a
temporary name and renamed, so a file is either whole or absent. A record that fails
is reported and the others carry on.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from procure.domain.errors import InvalidInput
from procure.reports.coverage import coverage_warning, undrawable
from procure.reports.data import build_record, record_codes, verification_code
from procure.reports.fonts import font_setup
from procure.reports.render import file_identifier

_LOGGER = logging.getLogger(__name__)
PRINTED, SKIPPED, FAILED = "printed", "skipped", "failed"
_TEMP_SUFFIX = ".partial"
_TAIL = 4096  # bytes at the end of a file that hold its trailer
_TRAILER_ID = re.compile(rb"/ID\s*\[\s*[(<]([0-9a-f]{32})[)>]")


@dataclass(frozen=True)
class PrintOutcome:
    """What happened to one record."""

    project: str
    status: str
    path: str = ""
    code: str = ""
    message: str = ""
    seconds: float = 0.0


def record_path(directory: Path, record: dict[str, Any]) -> Path:
    """Where a record's file goes: ``DIR/<year>/<USCC>-<project code>.pdf``."""
    project = record["project"]
    name = f"{record['organization']['uscc']}-{project['code']}.pdf"
    if "/" in name or "\\" in name or name.startswith("."):
        raise InvalidInput(f"project code {project['code']!r} cannot be used in a file name")
    return directory / str(project["year"]) / name


def holds_code(path: Path, code: str) -> bool:
    """Whether the file at ``path`` is a record printed with verification code ``code``.

    Cheap enough to run on a whole year: it reads only the file's last few kilobytes, where
    the trailer carries the file identifier :func:`procure.reports.render.render_pdf` sets
    from the code (its first 32 hex digits, 128 bits of the SHA-256). The full code, and
    the data it hashes, are checked by ``procure report verify``.
    """
    try:
        with path.open("rb") as file:
            size = file.seek(0, os.SEEK_END)
            file.seek(max(0, size - _TAIL))
            tail = file.read()
    except OSError:
        return False
    found = _TRAILER_ID.findall(tail)
    return bool(found) and found[-1].decode() == file_identifier(code)


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}{_TEMP_SUFFIX}")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


@dataclass(frozen=True)
class _Job:
    """A record to print: its data, built in the parent, and where it goes."""

    project: str
    record: dict[str, Any]
    code: str
    path: Path
    seconds: float
    checkpoint: dict[str, Any] | None = None
    warning: str = ""  # characters no installed font can draw, named


def _plan(
    url: str,
    codes: list[str],
    directory: Path,
    force: bool,
    checkpoint: dict[str, Any] | None = None,
) -> Iterator[PrintOutcome | _Job]:
    """Build each record's data (one engine, one session) and decide whether to print it.

    A record whose file already holds its code is skipped without rendering; a record
    that cannot be built fails; the others are jobs. Each record's read transaction ends
    before the next, so no lock is held while the batch runs.
    """
    from procure.store.db import make_engine, new_session

    engine = make_engine(url)
    try:
        with new_session(engine) as session:
            for code in codes:
                started = time.perf_counter()
                try:
                    record = build_record(session, code)
                    digest = verification_code(record)
                    path = record_path(directory, record)
                except Exception as exc:  # one failed record must not stop the others
                    session.rollback()
                    yield _failed(code, exc, started)
                    continue
                session.commit()  # ends the read transaction; loaded rows stay usable
                seconds = time.perf_counter() - started
                if not force and holds_code(path, digest):
                    yield PrintOutcome(code, SKIPPED, str(path), digest, "", seconds)
                else:
                    warning = coverage_warning(code, undrawable(record)) or ""
                    yield _Job(code, record, digest, path, seconds, checkpoint, warning)
    finally:
        engine.dispose()


def _print(job: _Job) -> PrintOutcome:
    """Render a job's record and write its file. Never raises: the outcome says."""
    started = time.perf_counter()
    try:
        from procure.reports.render import render_pdf

        write_atomically(job.path, render_pdf(job.record, job.checkpoint))
    except Exception as exc:  # one failed record must not stop the others
        return _failed(job.project, exc, started - job.seconds)
    seconds = job.seconds + time.perf_counter() - started
    return PrintOutcome(job.project, PRINTED, str(job.path), job.code, job.warning, seconds)


def _failed(code: str, exc: Exception, started: float) -> PrintOutcome:
    _LOGGER.debug("printing %s failed", code, exc_info=True)
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return PrintOutcome(code, FAILED, message=message, seconds=time.perf_counter() - started)


def _warm_up() -> None:
    """Pool initializer: load WeasyPrint, the stylesheet and the fonts once per worker."""
    from procure.reports.render import warm_up

    try:
        warm_up()
    except Exception:  # the worker's first record will report it
        _LOGGER.debug("warming up the printer failed", exc_info=True)


def year_codes(url: str, year: int, purchaser: str | None) -> list[str]:
    """The codes of the year's projects that have a record."""
    from procure.store.db import make_engine, new_session

    engine = make_engine(url)
    try:
        with new_session(engine) as session:
            return record_codes(session, year=year, purchaser=purchaser)
    finally:
        engine.dispose()


def print_year(
    url: str,
    codes: list[str],
    directory: Path,
    *,
    jobs: int | None = None,
    force: bool = False,
    on_outcome: Callable[[PrintOutcome], None] | None = None,
    checkpoint: dict[str, Any] | None = None,
    recycle_after: int | None = None,
) -> list[PrintOutcome]:
    """Print the records of ``codes`` under ``directory``, ``jobs`` processes at once.

    Args:
        url: the database URL (each worker process opens its own engine).
        codes: the project codes to print.
        directory: the folder; files go to ``<year>/<USCC>-<code>.pdf`` inside it.
        jobs: worker processes (default: every core); 1 prints in this process.
        force: print even records whose file already holds the current code.
        on_outcome: called with each record's outcome as it arrives (e.g. a progress bar).
        checkpoint: the audit checkpoint (exported form) each printed record carries; a
            file skipped as current keeps the one it was printed with.
        recycle_after: render in worker processes (even with ``jobs`` 1), each replaced by
            a fresh one after this many records: WeasyPrint's memory grows across renders,
            so a long-lived printer (a background worker) hands it back this way.

    Returns:
        One outcome per code, in the order of ``codes``.

    Raises:
        PrintingUnavailable: no CJK font is installed (checked before anything is printed).
    """
    font_setup()
    _remove_leftovers(directory)
    outcomes: dict[str, PrintOutcome] = {}
    pool = _Pool(jobs or available_cores(), recycle_after)
    for outcome in _run(url, codes, directory, pool, force, checkpoint):
        outcomes[outcome.project] = outcome
        if on_outcome is not None:
            on_outcome(outcome)
    return [outcomes[code] for code in codes]


@dataclass(frozen=True)
class _Pool:
    """How records are rendered: ``jobs`` processes, each recycled after ``recycle_after``."""

    jobs: int
    recycle_after: int | None = None

    def in_process(self, count: int) -> bool:
        """Whether ``count`` records render in this process (no pool at all)."""
        return self.recycle_after is None and (self.jobs <= 1 or count <= 1)

    def executor(self, count: int) -> ProcessPoolExecutor:
        """A pool of warmed-up workers; recycled ones start fresh (spawned, not forked)."""
        workers = max(1, min(self.jobs, count))
        if self.recycle_after is None:
            return ProcessPoolExecutor(max_workers=workers, initializer=_warm_up)
        return ProcessPoolExecutor(
            max_workers=workers,
            initializer=_warm_up,
            mp_context=multiprocessing.get_context("spawn"),
            max_tasks_per_child=self.recycle_after,
        )


def _run(
    url: str,
    codes: list[str],
    directory: Path,
    pool: _Pool,
    force: bool,
    checkpoint: dict[str, Any] | None,
) -> Iterator[PrintOutcome]:
    """Print in this process (one job, no recycling), else in a pool of warmed-up workers.

    The parent reads the database and checks the files (cheap); only records to print
    go to the pool, which starts at the first such record, so a re-run with nothing
    changed starts no worker.
    """
    executor: ProcessPoolExecutor | None = None
    futures: list[Future[PrintOutcome]] = []
    try:
        for item in _plan(url, codes, directory, force, checkpoint):
            if isinstance(item, PrintOutcome):
                yield item
            elif pool.in_process(len(codes)):
                yield _print(item)
            else:
                if executor is None:
                    executor = pool.executor(len(codes))
                futures.append(executor.submit(_print, item))
        for future in as_completed(futures):
            yield future.result()
    finally:
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity, else the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _remove_leftovers(directory: Path) -> None:
    """Delete temporary files an interrupted run left behind."""
    if directory.is_dir():
        for leftover in directory.glob(f"*/.*{_TEMP_SUFFIX}"):
            leftover.unlink(missing_ok=True)


def demo_records(
    url: str, directory: Path, *, year: int = 2019, checkpoint: dict[str, Any] | None = None
) -> list[PrintOutcome]:
    """Print the demo year's records (called by ``procure demo`` after the demo has run)."""
    return print_year(url, year_codes(url, year, None), directory, checkpoint=checkpoint)
