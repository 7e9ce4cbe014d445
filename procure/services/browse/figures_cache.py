"""Counted figures kept between views, for as long as nothing they count has changed.

Every change of a project, contract, payment or assessment appends a row to the
audit trail in its own transaction, which moves the chain's head
(:func:`procure.store.audit.peek_head`). So figures counted after reading the head
are right for as long as the head stays where it was: the head is part of the key,
and a change makes every figure counted before it unreachable (the oldest are then
dropped as the cache fills). The head is read before counting, in the same
transaction: figures counted while a change commits are filed under the head that
change moved on from, which no later view reads again.

The key also holds where the viewer reaches, so a scope only ever meets figures
counted over exactly its own projects. One cache belongs to one database (the web
app builds one beside its engines): head numbers of two databases say nothing about
each other.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from sqlmodel import Session

from procure.store import audit

DEFAULT_ENTRIES = 256
"""How many counted figures a cache keeps (each a few hundred bytes to a few kilobytes)."""

T = TypeVar("T")


class FiguresCache:
    """A bounded, thread-safe store of counted figures, least recently used dropped first.

    What it keeps is shared between requests: keep only immutable values in it.
    """

    def __init__(self, entries: int = DEFAULT_ENTRIES) -> None:
        if entries < 1:
            raise ValueError(f"a figures cache holds at least one entry, not {entries}")
        self._entries = entries
        self._kept: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._kept)

    def figures(self, session: Session, key: Hashable, count: Callable[[], T]) -> T:
        """Return the figures of ``key`` counted at the audit head of now, counting if needed.

        Args:
            session: the reading session ``count`` counts in (its head is read first).
            key: what the figures are of (the viewer's reach, the year, ...).
            count: counts the figures in ``session``; its result must be immutable.
        """
        full = (key, audit.peek_head(session))
        with self._lock:
            if full in self._kept:
                self._kept.move_to_end(full)
                self.hits += 1
                return self._kept[full]  # type: ignore[return-value]
        counted = count()
        with self._lock:
            self.misses += 1
            self._kept[full] = counted
            self._kept.move_to_end(full)
            while len(self._kept) > self._entries:
                self._kept.popitem(last=False)
        return counted
