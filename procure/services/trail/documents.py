"""Attached files in the trail check: what the ``attach`` rows imply, what the tables hold.

Each upload's ``attach`` row records the file's number in its project, the fact it belongs
to, its name, type, size and SHA-256. The stored side reads each ``attachment`` row and
hashes the bytes the store holds for it (``stored_sha256``), so a file whose bytes were
replaced, a row pointed at other bytes, or a row no ``attach`` row explains is a difference
like any other.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Table, inspect, select
from sqlmodel import Session

from procure.domain.documents import ATTACH_TRIGGER
from procure.services.trail.facts import Fact, FactSink
from procure.store.document_models import Attachment, DocumentBlob
from procure.store.models import Project, TransitionLog

NO_FILE = "(no stored file)"
"""The stored hash of an attachment whose bytes the store no longer holds."""


def attachment_key(code: str, number: object) -> str:
    """A project's attachment as a person names it."""
    return f"{code} attachment #{number}"


def replay_attach(replay: FactSink, row: TransitionLog, data: dict[str, Any]) -> None:
    code = str(row.project_code)
    fact = replay.fact("attachment", attachment_key(code, data.get("number")))
    fact.set_many(
        {
            "fact_kind": data.get("fact_kind"),
            "fact_id": data.get("fact_id"),
            "name": data.get("name"),
            "media_type": data.get("media_type"),
            "size": data.get("size"),
            "sha256": data.get("sha256"),
            "stored_sha256": data.get("sha256"),
            "uploaded_by": row.actor,
            "uploaded_role": row.role,
            "uploaded_at": row.at,
        }
    )


DOCUMENT_HANDLERS = {ATTACH_TRIGGER: replay_attach}


def _t(model: type[Any]) -> Table:
    table: Table = model.__table__
    return table


def stored_document_facts(session: Session, code: str | None) -> Iterator[Fact]:
    """Every attachment (one project's when ``code`` is given), with the hash of the bytes
    the store holds for it; none on a database from before migration 0016."""
    if not inspect(session.connection()).has_table("attachment"):
        return
    a, p = _t(Attachment), _t(Project)
    statement = select(
        p.c.code, a.c.number, a.c.fact_kind, a.c.fact_id, a.c.name, a.c.media_type, a.c.size,
        a.c.sha256, a.c.uploaded_by, a.c.uploaded_role, a.c.uploaded_at,
    ).select_from(a.join(p, p.c.id == a.c.project_id)).order_by(p.c.code, a.c.number)  # fmt: skip
    if code is not None:
        statement = statement.where(p.c.code == code)
    names = (
        "fact_kind", "fact_id", "name", "media_type", "size", "sha256", "uploaded_by",
        "uploaded_role", "uploaded_at",
    )  # fmt: skip
    hashes: dict[str, str] = {}
    for row in session.connection().execute(statement).all():
        fact = Fact("attachment", attachment_key(row[0], row[1]), "", project=row[0])
        fact.label = fact.key
        fact.set_many(dict(zip(names, row[2:], strict=True)))
        sha256 = str(row[7])
        if sha256 not in hashes:
            hashes[sha256] = stored_hash(session, sha256)
        fact.set("stored_sha256", hashes[sha256])
        yield fact


def stored_hash(session: Session, sha256: str) -> str:
    """The SHA-256 of the bytes the store holds under ``sha256`` (:data:`NO_FILE`: none)."""
    blob = _t(DocumentBlob)
    data = session.connection().execute(select(blob.c.data).where(blob.c.sha256 == sha256))
    found = data.scalar()
    return NO_FILE if found is None else hashlib.sha256(bytes(found)).hexdigest()
