"""A damaged PDF is "not a readable record": one refusal for every way pypdf can fail.

pypdf reads files that anyone can edit. Faced with damage it raises its own errors, but
also ``LimitReachedError`` (a stream inflating beyond its limits), ``NotImplementedError``
(an unknown filter), ``AttributeError``, ``TypeError``, ``AssertionError`` and others
from deep inside, wherever the damage happens to lead it. None of them is a fault of
procure; each means the same thing to the person verifying: this file cannot be read as a
record. :func:`reading_record` turns any of them into that one-line refusal, naming the
file and the kind of damage, so no damaged file gives a traceback or a server error.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from procure.domain.errors import InvalidInput, ProcureError
from procure.domain.text import quoted

_LOGGER = logging.getLogger(__name__)


def unreadable(file: str, exc: BaseException) -> InvalidInput:
    """The refusal of a file pypdf could not read (the kind of damage, cut short)."""
    detail = str(exc).splitlines()[0] if str(exc) else ""
    shown = f"{type(exc).__name__}: {quoted(detail, 80)}" if detail else type(exc).__name__
    return InvalidInput(f"{file}: 不是可读的评价记录 not a readable record ({shown})")


@contextmanager
def reading_record(file: str) -> Iterator[None]:
    """Run the reading of ``file``; turn any failure of the PDF library into
    :func:`unreadable` (our own refusals pass through unchanged).

    Raises:
        InvalidInput: the file is damaged or not a record.
    """
    try:
        yield
    except ProcureError:
        raise
    except (Exception, RecursionError) as exc:  # a damaged file can lead pypdf anywhere
        _LOGGER.info("%s could not be read as a record: %r", file, exc)
        raise unreadable(file, exc) from exc
