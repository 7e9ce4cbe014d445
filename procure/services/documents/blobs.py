"""Where the bytes of attached files are kept: one small interface, and the database behind it.

A file is kept once under the SHA-256 of its bytes (:class:`FileStore`). The default store
is the database itself (:class:`DatabaseStore`, table ``document_blob``) on SQLite and
PostgreSQL alike, so one backup holds every file and several web servers share them. An
object store (S3-compatible) would be another :class:`FileStore`: ``put`` writes the object
``sha256/<hex>`` (skipping it when ``exists``), ``open`` reads it back; the attachment rows
and the trail stay in the database, and the check that each file still hashes to its
SHA-256 reads through the same interface.
"""

from __future__ import annotations

import hashlib
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from procure.domain.errors import NotFound
from procure.domain.language import _
from procure.services.lifecycle.clock import now_utc
from procure.store.document_models import DocumentBlob


def sha256_of(data: bytes) -> str:
    """The SHA-256 of ``data``, in lower-case hex: the name a file is kept under."""
    return hashlib.sha256(data).hexdigest()


class FileStore(Protocol):
    """A content-addressed store: bytes go in, their SHA-256 names them."""

    def put(self, data: bytes) -> str:
        """Keep ``data`` (once, whoever put it before) and return its SHA-256."""
        ...

    def open(self, sha256: str) -> bytes:
        """The bytes kept under ``sha256``. Raises NotFound when there are none."""
        ...

    def size(self, sha256: str) -> int | None:
        """The size of the bytes kept under ``sha256`` (None: nothing kept)."""
        ...

    def exists(self, sha256: str) -> bool:
        """Whether anything is kept under ``sha256``."""
        ...


class DatabaseStore:
    """The files inside the database (``document_blob``), in the caller's transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def put(self, data: bytes) -> str:
        digest = sha256_of(data)
        table = DocumentBlob.__table__  # type: ignore[attr-defined]
        dialect = self._session.get_bind().dialect.name
        insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
        values = {"sha256": digest, "size": len(data), "data": data, "stored_at": now_utc()}
        self._session.execute(insert.values(**values).on_conflict_do_nothing())
        return digest

    def open(self, sha256: str) -> bytes:
        table = DocumentBlob.__table__  # type: ignore[attr-defined]
        found = self._session.execute(select(table.c.data).where(table.c.sha256 == sha256)).scalar()
        if found is None:
            raise NotFound(_("No file is stored under %(sha256)s", sha256=sha256))
        return bytes(found)

    def size(self, sha256: str) -> int | None:
        table = DocumentBlob.__table__  # type: ignore[attr-defined]
        statement = select(func.length(table.c.data)).where(table.c.sha256 == sha256)
        found = self._session.execute(statement).scalar()
        return None if found is None else int(found)

    def exists(self, sha256: str) -> bool:
        return self.size(sha256) is not None


def file_store(session: Session) -> FileStore:
    """The store files are kept in: the database (the one store procure has)."""
    return DatabaseStore(session)
