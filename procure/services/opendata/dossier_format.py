"""What an auditor's dossier holds and how each part is written: names, manifest, trail lines.

A dossier is one zip file::

    manifest.json            every other file with its SHA-256 and size, and what it covers
    records/<year>/<USCC>-<code>.pdf   the year's evaluation records
    trail.jsonl              the audit trail: every row of the chain, row 1 to the head
    checkpoints/checkpoint-<date>-<seq>.json   the signed checkpoints of the dossier's key
    public-key.pem           that key's public half (Ed25519)
    ocds.json                the year's OCDS release package

The trail is the whole chain, not only the rows of the dossier's projects. Each row's
hash covers its predecessor's, so a row can only be tied to a signed head by recomputing
every row from the first one up to it: a subset shipped with each row's stored hash and
previous hash would let anyone forge a row (its hash is recomputable by anyone) and keep
its neighbours' links, and a row left out would break the recomputation. The auditor
therefore also sees the rows of other projects, purchasers and the accounts registry (who
did what, never a password). Each line is one row exactly as stored: its chained fields,
``prev_hash`` and ``hash``; ``data`` stays the canonical JSON text the hash covers.
"""

from __future__ import annotations

import json
from typing import Any

from procure.domain.audit_chain import CHAINED_FIELDS
from procure.domain.errors import InvalidInput
from procure.domain.language import _
from procure.store.models import TransitionLog

DOSSIER_FORMAT = "procure-dossier/1"
MANIFEST = "manifest.json"
TRAIL = "trail.jsonl"
OCDS = "ocds.json"
PUBLIC_KEY = "public-key.pem"
RECORDS = "records/"
CHECKPOINTS = "checkpoints/"
TRAIL_FIELDS: tuple[str, ...] = (*CHAINED_FIELDS, "prev_hash", "hash")
_TEXT = (str,)
_TEXT_OR_NONE = (str, type(None))
_FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "seq": (int,),
    "at": _TEXT,
    "actor": _TEXT,
    "role": _TEXT,
    "project_code": _TEXT_OR_NONE,
    "trigger": _TEXT,
    "from_state": _TEXT_OR_NONE,
    "to_state": _TEXT_OR_NONE,
    "reason": _TEXT,
    "data": _TEXT,
    "batch_id": _TEXT_OR_NONE,
    "prev_hash": _TEXT,
    "hash": _TEXT,
}


def json_bytes(value: Any) -> bytes:
    """A JSON file's bytes: sorted keys, indented, UTF-8, ending in a newline."""
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def trail_line(row: TransitionLog) -> str:
    """One stored audit row as a line of ``trail.jsonl`` (without the newline)."""
    fields = {name: getattr(row, name) for name in TRAIL_FIELDS}
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def parse_trail_line(line: str, number: int) -> TransitionLog:
    """Read one line of ``trail.jsonl`` back into an audit row (not attached to a database).

    Raises:
        InvalidInput: not JSON, not an object, a field missing, extra or of the wrong type
            (the message names the line).
    """
    where = f"{TRAIL} line {number}"
    try:
        fields = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            _("%(where)s is not JSON (%(problem)s)", where=where, problem=exc.msg)
        ) from exc
    if not isinstance(fields, dict):
        raise InvalidInput(_("%(where)s is not an audit row (a JSON object)", where=where))
    missing = [name for name in TRAIL_FIELDS if name not in fields]
    extra = sorted(set(fields) - set(TRAIL_FIELDS))
    if missing or extra:
        said = ([_("missing %(fields)s", fields=", ".join(missing))] if missing else []) + (
            [_("unknown %(fields)s", fields=", ".join(extra))] if extra else []
        )
        raise InvalidInput(
            _("%(where)s is not an audit row: %(problems)s", where=where, problems="; ".join(said))
        )
    for name, kinds in _FIELD_TYPES.items():
        value = fields[name]
        if not isinstance(value, kinds) or (name == "seq" and isinstance(value, bool)):
            raise InvalidInput(
                _(
                    "%(where)s: %(field)s has the wrong type (%(type)s)",
                    where=where,
                    field=name,
                    type=type(value).__name__,
                )
            )
    return TransitionLog(**fields)
