"""Dates as people read them, in Chinese or in English, and parsing of ISO dates.

Chinese official documents write dates without zero padding: 2025年12月31日; English ones
write 31 Dec 2025. A recorded moment (stored in UTC) is shown in Beijing time (UTC+8), the
time of every page, export and message; the page or table says so once ("北京时间", "Beijing
time"). :func:`day_text` and :func:`moment_text` write in the language in use.
"""

import re
from datetime import UTC, date, datetime, timedelta, timezone

from procure.domain import language
from procure.domain.errors import InvalidInput
from procure.domain.text import quoted

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def chinese_date(d: date) -> str:
    """Write a date the Chinese way, without zero padding.

    Args:
        d: the date.

    Returns:
        Text such as ``"2019年3月1日"``.
    """
    return f"{d.year}年{d.month}月{d.day}日"


MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def english_date(d: date) -> str:
    """Write a date the English way: ``"1 Mar 2019"``."""
    return f"{d.day} {MONTHS_EN[d.month - 1]} {d.year}"


def day_text(d: date) -> str:
    """A date in the language in use: ``2019年3月1日`` or ``1 Mar 2019``."""
    return chinese_date(d) if language.current() == "zh_CN" else english_date(d)


BEIJING = timezone(timedelta(hours=8), "CST")
"""China Standard Time (UTC+8), with no daylight saving."""


def beijing_moment(value: datetime | str) -> str:
    """Write a recorded moment in Beijing time: ``2019年03月01日 16:00:00``.

    Args:
        value: an aware datetime, or ISO text (``Z`` or an offset); a moment without an
            offset is taken to be UTC, as procure stores them.

    Returns:
        The moment in Beijing time; text that is no moment comes back unchanged.
    """
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return f"{moment.astimezone(BEIJING):%Y年%m月%d日 %H:%M:%S}"


def moment_text(value: datetime | str) -> str:
    """A recorded moment in Beijing time, in the language in use: ``2019年03月01日 16:00:00``
    or ``1 Mar 2019 16:00:00`` (text that is no moment comes back unchanged)."""
    if language.current() == "zh_CN":
        return beijing_moment(value)
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(BEIJING)
    return f"{english_date(local.date())} {local:%H:%M:%S}"


def chinese_period(start: date, end: date) -> str:
    """Write a period from ``start`` to ``end`` (both included) the Chinese way.

    Args:
        start: the first day of the period.
        end: the last day of the period; must not be before ``start``.

    Returns:
        Text such as ``"2019年3月1日至2019年12月31日"``.

    Raises:
        InvalidInput: if ``end`` is before ``start``.
    """
    if end < start:
        raise InvalidInput(
            f"period ends on {end.isoformat()}, before it starts on {start.isoformat()}"
        )
    return f"{chinese_date(start)}至{chinese_date(end)}"


def parse_date(value: object, *, field: str) -> date:
    """Parse a date given as ISO text (``"2019-03-01"``) or as a ``date``.

    Args:
        value: ISO ``YYYY-MM-DD`` text (surrounding whitespace ignored) or a ``date``.
            A ``datetime`` is refused so a time of day is never dropped silently.
        field: the name of the field, used in error messages (e.g. ``"service start"``).

    Returns:
        The date.

    Raises:
        InvalidInput: if the value is not a valid date.
    """
    if isinstance(value, datetime):
        raise InvalidInput(
            f"{field} {value.isoformat()} has a time of day; give a date such as 2019-03-01"
        )
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise InvalidInput(
            f"{field} {quoted(value)} is of type {type(value).__name__}; "
            "give a date such as 2019-03-01"
        )
    text = value.strip()
    if not _ISO_DATE.fullmatch(text):
        raise InvalidInput(
            f"{field} {quoted(text)} is not a date in the form YYYY-MM-DD, e.g. 2019-03-01"
        )
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(
            f"{field} {quoted(text)} is not a valid date in the form YYYY-MM-DD, e.g. 2019-03-01"
        ) from exc
