"""What a kind of job is: the function a worker runs, and how its page names it.

Each kind of background work (printing a year's records, applying a renewal, the daily tick,
verifying the trail) describes itself with one :class:`JobKind` in its own module; the table
of kinds (:mod:`procure.jobs.kinds`) lists them, and the runner and the job page read that
table. A kind module imports only this one from the jobs package, so the runner, the page and
the kinds import one way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from procure.domain.language import N_, _

STATE_LABELS = {
    "queued": N_("Queued"),
    "running": N_("Running"),
    "done": N_("Done"),
    "failed": N_("Failed"),
}
"""A job row's state as a page names it, in English (see :func:`state_label`)."""


def state_label(state: str) -> str:
    """A job row's state in the language in use (a state it does not know, as it is)."""
    name = STATE_LABELS.get(state)
    return _(name) if name else state


def for_purchaser(purchaser: object, *, one: str, every: str, **values: Any) -> str:
    """The sentence ``one`` naming ``purchaser`` (its ``%(purchaser)s``), or ``every`` when
    the job is for every purchaser (both already marked with ``N_``)."""
    if purchaser:
        return _(one, purchaser=purchaser, **values)
    return _(every, **values)


@dataclass
class JobRun:
    """What a job function is given: where the data and files are, its parameters, and a
    way to report progress."""

    url: str
    files: Path
    job_id: int
    params: dict[str, Any]
    report: Callable[[int, int], None] = field(repr=False)


JobFunction = Callable[[JobRun], str]
"""A job's work: takes its run, returns its result file (relative to the files folder)."""


def _zip_download(kind: str) -> Callable[[dict[str, Any]], str]:
    return lambda params: f"{kind}.zip"


@dataclass(frozen=True)
class JobKind:
    """One kind of job: its name on the job row, its work, and how its page shows it.

    Attributes:
        kind: the job row's ``kind``.
        run: the work a worker does.
        title: the page's title for a job of these parameters.
        back: the page the job was asked from, as (link, label).
        download_name: the name its result downloads under.
    """

    kind: str
    run: JobFunction
    title: Callable[[dict[str, Any]], str]
    """Called when the page is shown: in the reader's language."""
    back: Callable[[dict[str, Any]], tuple[str, str]]
    """Called when the page is shown: in the reader's language."""
    download_name: Callable[[dict[str, Any]], str] | None = None

    def download(self, params: dict[str, Any]) -> str:
        """The file name the job's result is saved under."""
        namer = self.download_name or _zip_download(self.kind)
        return namer(params)
