"""Lookups repeated within one read-only transaction, answered from the first answer.

A page asks for the same project, account and grants from several services (the
visibility check, the roles held, the detail, the history, the actions), each by its
own query. A session that only reads, one snapshot per transaction (the web app's
reader, :func:`procure.store.db.snapshot`), is marked with :func:`remember_reads`; in
it, :func:`remembered` answers a repeated lookup from the first answer of the same
transaction (the snapshot would give the same rows). Any other session reads afresh.
The answers are forgotten when the transaction ends.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import event
from sqlmodel import Session

T = TypeVar("T")

_MEMO = "procure_remembered_reads"
_LOADED = object()  # the memo's key of the rows kept loaded


def remember_reads(session: Session, *, keep_loaded: bool = False) -> Session:
    """Mark ``session`` (which only reads) so that repeated lookups are answered once per
    transaction; return it.

    Args:
        keep_loaded: also keep every row it loads until the transaction ends, so that
            ``session.get`` of a row loaded earlier (then dropped by its first user: the
            session holds rows weakly) is answered without a query. For a page, not for
            an export that streams many rows.
    """
    if _MEMO not in session.info:
        session.info[_MEMO] = {}
        event.listen(session, "after_transaction_end", _forget)
        if keep_loaded:
            event.listen(session, "loaded_as_persistent", _keep)
    return session


def _keep(session: Session, instance: Any) -> None:
    session.info[_MEMO].setdefault(_LOADED, []).append(instance)


def _forget(session: Session, _transaction: Any) -> None:
    session.info[_MEMO].clear()


def remember(session: Session, key: Hashable, answer: object) -> None:
    """In a marked session, take ``answer`` as the one a lookup of ``key`` gives in this
    transaction (read by the caller along with something else: a join, the sign-in); in
    any other session, nothing."""
    memo: dict[Hashable, Any] | None = session.info.get(_MEMO)
    if memo is not None:
        memo.setdefault(key, answer)


def remembering(session: Session) -> bool:
    """Whether ``session`` is marked (:func:`remember_reads`): a lookup is answered once."""
    return _MEMO in session.info


def recalled(session: Session, key: Hashable) -> tuple[Any] | None:
    """In a marked session, ``(answer,)`` if a lookup of ``key`` was answered in this
    transaction; else ``None`` (the caller reads it its own way)."""
    memo: dict[Hashable, Any] | None = session.info.get(_MEMO)
    if memo is None or key not in memo:
        return None
    return (memo[key],)


def remembered(session: Session, key: Hashable, load: Callable[[], T]) -> T:
    """``load()``'s answer, or in a marked session the one it gave for ``key`` earlier in
    this transaction. An exception is not remembered."""
    memo: dict[Hashable, Any] | None = session.info.get(_MEMO)
    if memo is None:
        return load()
    if key not in memo:
        memo[key] = load()
    answer: T = memo[key]
    return answer
