"""Where procure keeps the files it makes: printed records and the zips of background jobs.

``PROCURE_FILES`` names the folder; otherwise a SQLite database ``DIR/NAME.db`` keeps its
files in ``DIR/NAME-files`` and any other database in ``./procure-files``. The web
server and every worker must see the same folder (workers on other machines: a shared
mount), since a worker writes what the server sends.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import make_url

FILES_ENV = "PROCURE_FILES"


def files_dir(url: str, explicit: str | None = None) -> Path:
    """The files folder for the database at ``url`` (see the module's docstring)."""
    chosen = explicit or os.environ.get(FILES_ENV)
    if chosen:
        return Path(chosen).expanduser()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        database = Path(str(parsed.database))
        return database.with_name(f"{database.stem}-files")
    return Path("procure-files")


def records_dir(files: Path) -> Path:
    """Where printed records go (``<year>/<USCC>-<code>.pdf`` inside, as the batch prints)."""
    return files / "records"


def job_results_dir(files: Path) -> Path:
    """Where the jobs' results (zips) go."""
    return files / "jobs"


def write_whole(target: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``target`` whole or not at all: into a temporary file
    beside it, then renamed over it (its folder is created if need be)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
