"""Print evaluation records: one, or a whole year's across a pool of processes.

Each record goes to ``DIR/<year>/<USCC>-<project code>.pdf``. A file that already holds
the record's current verification code is skipped, so an interrupted run can simply be
run again. Files are written to a temporary name and renamed, so a file is either whole
or absent. A record that fails is reported and the others carry on.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from procure.domain.errors import InvalidInput, ProcureError
from procure.reports.data import build_record, record_codes, verification_code
from procure.reports.fonts import font_setup

_LOGGER = logging.getLogger(__name__)
PRINTED, SKIPPED, FAILED = "printed", "skipped", "failed"
_TEMP_SUFFIX = ".partial"
_ENGINES: dict[str, Engine] = {}


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


def existing_code(path: Path) -> str | None:
    """The verification code a printed file holds, or None if absent or unreadable."""
    from procure.reports.verify import read_embedded

    if not path.is_file():
        return None
    try:
        return read_embedded(path.read_bytes(), file=str(path)).code or None
    except ProcureError:
        return None


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}{_TEMP_SUFFIX}")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def print_one(url: str, code: str, directory: Path, *, force: bool = False) -> PrintOutcome:
    """Print one project's record under ``directory``, unless its file is already current.

    Never raises for a failed record: the outcome says what went wrong.
    """
    from procure.store.db import make_engine, new_session

    started = time.perf_counter()
    try:
        engine = _ENGINES.get(url)
        if engine is None:
            engine = _ENGINES[url] = make_engine(url)
        with new_session(engine) as session:  # closed before rendering: no lock held
            record = build_record(session, code)
        digest = verification_code(record)
        path = record_path(directory, record)
        if not force and existing_code(path) == digest:
            return PrintOutcome(code, SKIPPED, str(path), digest, "", time.perf_counter() - started)
        from procure.reports.render import render_pdf

        write_atomically(path, render_pdf(record))
        return PrintOutcome(code, PRINTED, str(path), digest, "", time.perf_counter() - started)
    except Exception as exc:  # one failed record must not stop the others
        _LOGGER.debug("printing %s failed", code, exc_info=True)
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return PrintOutcome(code, FAILED, message=message, seconds=time.perf_counter() - started)


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
) -> list[PrintOutcome]:
    """Print the records of ``codes`` under ``directory``, ``jobs`` processes at once.

    Args:
        url: the database URL (each worker process opens its own engine).
        codes: the project codes to print.
        directory: the folder; files go to ``<year>/<USCC>-<code>.pdf`` inside it.
        jobs: worker processes (default: every core); 1 prints in this process.
        force: print even records whose file already holds the current code.
        on_outcome: called with each record's outcome as it arrives (e.g. a progress bar).

    Returns:
        One outcome per code, in the order of ``codes``.

    Raises:
        PrintingUnavailable: no CJK font is installed (checked before anything is printed).
    """
    font_setup()
    _remove_leftovers(directory)
    outcomes: dict[str, PrintOutcome] = {}
    for outcome in _run(url, codes, directory, jobs or os.cpu_count() or 1, force):
        outcomes[outcome.project] = outcome
        if on_outcome is not None:
            on_outcome(outcome)
    return [outcomes[code] for code in codes]


def _run(
    url: str, codes: list[str], directory: Path, jobs: int, force: bool
) -> Iterator[PrintOutcome]:
    if jobs <= 1 or len(codes) <= 1:
        for code in codes:
            yield print_one(url, code, directory, force=force)
        return
    executor = ProcessPoolExecutor(max_workers=min(jobs, len(codes)))
    try:
        futures: list[Future[PrintOutcome]] = [
            executor.submit(print_one, url, code, directory, force=force) for code in codes
        ]
        for future in as_completed(futures):
            yield future.result()
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _remove_leftovers(directory: Path) -> None:
    """Delete temporary files an interrupted run left behind."""
    if directory.is_dir():
        for leftover in directory.glob(f"*/.*{_TEMP_SUFFIX}"):
            leftover.unlink(missing_ok=True)


def demo_records(url: str, directory: Path, *, year: int = 2019) -> list[PrintOutcome]:
    """Print the demo year's records (called by ``procure demo`` after the demo has run)."""
    return print_year(url, year_codes(url, year, None), directory)
