"""Whole numbers typed by people or carried in URLs, read within the range a column holds.

One rule for every door (a year in a query string, a job's id in a path, a row number in
an audit page's link): digits 0-9 only, at most a few dozen of them, and within the
bounds of what is asked for. A database integer column holds at most 2**63 - 1; a larger
number reaching the driver raises ``OverflowError`` deep inside it, so it is refused here
first with words a person understands.
"""

from __future__ import annotations

from dataclasses import dataclass

from procure.domain.errors import InvalidInput
from procure.domain.language import _, both
from procure.domain.text import quoted

BIGINT_MAX = 2**63 - 1
"""The largest value a 64-bit database integer holds (PostgreSQL ``bigint``, SQLite)."""


@dataclass(frozen=True)
class BoundedInt:
    """A kind of whole number: its name in messages (in Chinese and English) and its bounds.

    ``YEAR.parse("2019")`` is 2019; ``YEAR.parse("99999999999999999999")`` raises
    :class:`InvalidInput` saying a year lies between 1900 and 2200.
    """

    zh: str
    en: str
    low: int
    high: int
    example: str

    @property
    def what(self) -> str:
        """The number's name in the language in use."""
        return both(self.zh, self.en)

    def parse(self, text: object) -> int:
        """The number ``text`` spells, within the bounds.

        Raises:
            InvalidInput: not plain digits 0-9, or outside ``low``..``high``; the message
                names the value (quoted, cut short) and the bounds.
        """
        raw = str(text).strip() if isinstance(text, str | int) else ""
        if isinstance(text, bool) or not raw.isascii() or not raw.isdigit():
            raise InvalidInput(
                _(
                    "%(what)s must be a number, e.g. %(example)s, not %(value)s",
                    what=self.what,
                    example=self.example,
                    value=quoted(text),
                )
            )
        if len(raw) > len(str(self.high)) or not self.low <= int(raw) <= self.high:
            raise InvalidInput(
                _(
                    "%(what)s must lie between %(low)s and %(high)s, not %(value)s",
                    what=self.what,
                    low=self.low,
                    high=self.high,
                    value=quoted(raw),
                )
            )
        return int(raw)

    def parse_optional(self, text: str | None) -> int | None:
        """Like :meth:`parse`, with empty text read as "not given" (``None``)."""
        if text is None or not text.strip():
            return None
        return self.parse(text)


YEAR = BoundedInt("年度", "The year", 1900, 2200, "2019")
"""A funding year."""

COUNT = BoundedInt("数量", "The count", 0, BIGINT_MAX, "3")
"""How many of something (zero included)."""

ROW_ID = BoundedInt("编号", "The ID", 1, BIGINT_MAX, "42")
"""The id or sequence number of a stored row (a job, an audit row)."""
