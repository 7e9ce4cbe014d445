"""Column types that keep money and scores exact on every database.

SQLite has no decimal type (SQLAlchemy's Numeric goes through float there), so
amounts are stored as whole hundredths in a BIGINT and read back as ``Decimal``
with two places: exact on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect
from sqlalchemy.types import TypeDecorator

_HUNDREDTHS = Decimal("0.01")


class Hundredths(TypeDecorator[Decimal]):
    """A ``Decimal`` with two places, stored as an integer count of hundredths."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError(f"expected Decimal, got {type(value).__name__}")
        scaled = value.scaleb(2)
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than two decimal places")
        return int(scaled)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) * _HUNDREDTHS).quantize(_HUNDREDTHS)


class UTCDateTime(TypeDecorator[datetime]):
    """A moment stored in UTC and read back timezone-aware on every database.

    SQLite keeps no offset, so a moment is converted to UTC before it is stored
    and marked UTC when read back; PostgreSQL's ``timestamptz`` does the same.
    """

    impl = DateTime
    cache_ok = True

    def __init__(self) -> None:
        super().__init__(timezone=True)

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError(f"expected a timezone-aware datetime, got {value!r}")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment: datetime = value
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
