"""Why a job was tried again or failed, kept so that each reader reads it in their language.

A reason the jobs write themselves (a worker that died, an attempt that failed, a year with
nothing to print) is stored as its sentence's catalog id and values, and said when a page
shows it, in the reader's language: :func:`stored` writes it, :func:`reason_text` says it.
A refusal raised by a service is a sentence already: it is stored as said, in the language
of the account that asked for the job (the runner runs each job in it).
"""

from __future__ import annotations

import json
from typing import Any

from procure.domain.errors import ProcureError
from procure.domain.language import _

REASON_LENGTH = 1000
"""The most of a reason a job row keeps (``job.reason``)."""
_MARK = '{"say": '


def stored(message: str, /, **values: Any) -> str:
    """The reason ``message`` (an English sentence marked with ``N_``) with its ``values``,
    as a job row keeps it; a reason too long to keep whole is kept as said now."""
    kept = json.dumps({"say": message, "with": values}, ensure_ascii=False, default=str)
    return kept if len(kept) <= REASON_LENGTH else _(message, **values)


def reason_text(reason: str) -> str:
    """A job row's reason in the language in use (a reason kept as said, as it is)."""
    if not reason.startswith(_MARK):
        return reason
    try:
        kept = json.loads(reason)
        return _(str(kept["say"]), **dict(kept["with"]))
    except (ValueError, KeyError, TypeError):
        return reason


class JobRefused(ProcureError):
    """A job's own refusal: said now in the language in use, kept as its sentence and values
    (:attr:`stored`) for the job's page to say in its reader's."""

    def __init__(self, message: str, /, **values: Any) -> None:
        super().__init__(_(message, **values))
        self.stored = stored(message, **values)
