"""How a record writes text and days: prose without stray spaces, dates in Beijing time."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "CST")


_SPACE_BETWEEN_WIDE = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])")


def prose(text: str) -> str:
    """Text as one paragraph: runs of spaces and line breaks become one space, and none is
    left between two Chinese characters (YAML folding leaves one there)."""
    return _SPACE_BETWEEN_WIDE.sub("", " ".join(text.split()))


def china_date(moment: datetime) -> date:
    """The calendar day of a stored moment, in China time.

    SQLite hands back the wall time it was given, without its zone: take its day as is.
    """
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(CHINA).date()
