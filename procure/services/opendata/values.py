"""How OCDS writes moments and money: ISO 8601 at the Beijing offset, amounts in CNY."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any

BEIJING = timezone(timedelta(hours=8))
CURRENCY = "CNY"
LANGUAGE = "zh"


def moment(value: datetime) -> str:
    """An aware moment in ISO 8601 at the Beijing offset, to the second."""
    if value.tzinfo is None:
        raise ValueError("moments must be timezone-aware")
    return value.astimezone(BEIJING).isoformat(timespec="seconds")


def day_start(day: date) -> str:
    """A day as its first second in Beijing."""
    return datetime.combine(day, time(0), BEIJING).isoformat()


def day_end(day: date) -> str:
    """A day as its last second in Beijing."""
    return datetime.combine(day, time(23, 59, 59), BEIJING).isoformat()


def money(amount: Decimal) -> dict[str, Any]:
    """An OCDS Value: the amount as a JSON number, in yuan (CNY)."""
    return {"amount": float(amount), "currency": CURRENCY}
