"""The facts a trail replay and the business tables are compared in: one shape for both.

A fact is one row of a business table as a person names it: its table, a human
key ("SM-2019-001 payment #2"), a label shown in messages (a contract's number)
and its fields as plain text (money with two places, dates in ISO form, score
sheets as canonical JSON). :func:`shown` turns any stored or logged value into
that text, so a value read from the trail and the same value read from the
database compare equal whatever their Python types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from procure.domain.audit_chain import canonical_json
from procure.store.audit import utc_stamp

MONEY_FIELDS = frozenset({"amount", "budget", "annual_funds", "price", "total", "carried_amount"})
"""Fields compared as money or scores: two places, whatever form they were logged in."""
SORTED_LIST_FIELDS = frozenset({"veto"})
"""List fields whose order carries no meaning."""

Value = str | None
Key = tuple[str, str]


@dataclass
class Fact:
    """One row, as the trail implies it or as the database holds it."""

    table: str
    key: str
    label: str
    fields: dict[str, Value] = field(default_factory=dict)
    project: str | None = None
    """The project the row belongs to (None for registries and accounts)."""

    def set(self, name: str, value: Any) -> None:
        """Record ``name`` as ``value`` (turned into comparable text)."""
        self.fields[name] = shown(name, value)

    def set_many(self, values: dict[str, Any]) -> None:
        """Record several fields at once."""
        for name, value in values.items():
            self.set(name, value)


def shown(name: str, value: Any) -> Value:
    """The comparable text of a field's value (None stays None)."""
    kind = type(value)
    if kind is str and name not in MONEY_FIELDS:  # most values: text as logged and stored
        return value  # type: ignore[no-any-return]
    if value is None:
        return None
    if name in MONEY_FIELDS:
        return _money(value)
    if kind is int:
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return utc_stamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        items = sorted(value) if name in SORTED_LIST_FIELDS else list(value)
        return canonical_json(items)
    if isinstance(value, dict):
        return canonical_json(value)
    return str(value)


def _money(value: Any) -> str:
    if type(value) is Decimal and value.as_tuple().exponent == -2:
        return str(value)
    try:
        return str(Decimal(str(value)).quantize(Decimal("0.01")))
    except (InvalidOperation, ValueError):
        return str(value)


def scope_text(purchaser: str | None, organization: str | None) -> str:
    """How a grant's scope is named: a purchaser, an organization, or everywhere."""
    if purchaser:
        return f"purchaser {purchaser}"
    if organization:
        return f"organization {organization}"
    return "every purchaser"


class FactSink(Protocol):
    """Where a replay handler records what an audit row implies (a :class:`TrailReplay`)."""

    def fact(self, table: str, key: str, label: str | None = None) -> Fact:
        """The fact of ``(table, key)``, created empty when the trail first names it."""
        ...
