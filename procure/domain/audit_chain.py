"""The audit trail's hash chain: each row's hash covers its fields and the previous hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from json.encoder import encode_basestring
from typing import Any

GENESIS_HASH = "0" * 64
CHAINED_FIELDS: tuple[str, ...] = (
    "seq",
    "at",
    "actor",
    "role",
    "project_code",
    "trigger",
    "from_state",
    "to_state",
    "reason",
    "data",
    "batch_id",
)


def canonical_json(value: Any) -> str:
    """Serialize ``value`` the one way the chain hashes it (sorted keys, no float).

    Raises:
        TypeError: for a float anywhere in ``value`` (money and scores are Decimal).
    """
    _refuse_floats(value)
    return _ENCODER.encode(value)


_PLAIN_TYPES: frozenset[type] = frozenset({str, int, bool, Decimal, type(None)})
"""Values that cannot hold a float: checked without a call (a bulk run hashes thousands)."""


def _refuse_floats(value: Any) -> None:
    if isinstance(value, float):
        raise TypeError(f"cannot record a float ({value!r}) in the audit trail; use Decimal")
    if isinstance(value, dict):
        items: Any = value.values()
    elif isinstance(value, list | tuple):
        items = value
    else:
        return
    for item in items:
        if type(item) not in _PLAIN_TYPES:
            _refuse_floats(item)


def _plain(value: Any) -> str:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot record a {type(value).__name__} in the audit trail")


# Built once: json.dumps with options builds a new encoder per call, which costs more
# than the encoding when a bulk run chains thousands of rows. Same output.
_ENCODER = json.JSONEncoder(
    sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_plain
)


def row_hash(fields: Mapping[str, Any], prev_hash: str) -> str:
    """Return the hex SHA-256 of a row's chained fields and the previous row's hash."""
    values = [fields[name] for name in CHAINED_FIELDS]
    if all(type(value) is str or value is None for value in values[1:]) and type(values[0]) is int:
        payload = chained_payload(*values)
    else:
        payload = canonical_json({name: fields[name] for name in CHAINED_FIELDS})
    return hashlib.sha256(f"{prev_hash}\n{payload}".encode()).hexdigest()


def _text(value: str | None) -> str:
    return "null" if value is None else _quote(value)


_quote = encode_basestring  # the JSON string form ``_ENCODER`` gives (ensure_ascii=False)


def chained_payload(
    seq: int,
    at: str,
    actor: str,
    role: str,
    project_code: str | None,
    trigger: str,
    from_state: str | None,
    to_state: str | None,
    reason: str,
    data: str,
    batch_id: str | None,
) -> str:
    """The canonical JSON of a row's chained fields, built directly (same text, faster).

    Equal to ``canonical_json`` of the fields (sorted keys, no spaces): a bulk run
    hashes thousands of rows, and the general encoder costs twice as much.
    ``data`` is the row's data already as canonical JSON text.
    """
    return (
        f'{{"actor":{_quote(actor)},"at":{_quote(at)},"batch_id":{_text(batch_id)},'
        f'"data":{_quote(data)},"from_state":{_text(from_state)},'
        f'"project_code":{_text(project_code)},"reason":{_quote(reason)},'
        f'"role":{_quote(role)},"seq":{int(seq)},"to_state":{_text(to_state)},'
        f'"trigger":{_quote(trigger)}}}'
    )


def chained_hash(payload: str, prev_hash: str) -> str:
    """The hex SHA-256 of a row whose chained fields are ``payload`` (see :func:`row_hash`)."""
    return hashlib.sha256(f"{prev_hash}\n{payload}".encode()).hexdigest()
