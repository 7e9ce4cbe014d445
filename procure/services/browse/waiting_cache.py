"""What waits for a viewer, kept across the writes that cannot change it.

Working out the list (:func:`procure.services.browse.waiting.waiting_for`) checks the
guards of some twenty candidate projects: most of a dashboard's cost. The list depends on
the database, the rules and the clock. The cache keeps each viewer's list with the head of
the audit trail it was worked out at (every write appends a trail row, in its own
transaction) and reuses it at a later head only when every trail row since then is one of
:data:`OWN_ROWS`, kept its project's state, and names a project the list did not check.
Such a step (a payment, an inspection, a review, an assessment sheet, a comment) adds
rows of its own project only, which no other project's guard reads, and leaves the
candidates as they were (they are chosen by state and reach). Any other row, one naming
no project (an account, a purchaser, a bar, the calendar), a step that moved a state, or
more than :data:`MAX_ROWS` rows, and the list is worked out again. The viewer's scope is
read afresh on every page and is part of the key, so a grant changes the key.

Guards also read the clock (a window closing, a day counted), so a list is kept for at
most :data:`KEPT_FOR` and never past midnight in China: a step that comes due by the
clock alone shows within that minute.

The head is read in the viewer's snapshot, so a list is filed under the head whose
database it was worked out from. One cache belongs to one database (the web app builds
one beside its engines).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from procure.services.browse.visibility import ViewerScope
from procure.services.browse.waiting import WaitingProject, waiting_and_checked
from procure.services.lifecycle.clock import now_utc
from procure.store import audit
from procure.store.models import TransitionLog
from procure.workflow.rules import Rules, default_rules
from procure.workflow.scoring_guards import china_day

OWN_ROWS: frozenset[str] = frozenset(
    {
        "record_payment",
        "record_inspection",
        "record_review",
        "replace_review",
        "record_assessment",
        "replace_assessment",
        "record_comment",
    }
)
"""Steps that, when they keep their project's state, write rows of that project only and
that no guard of another project reads (its payments, inspections, review and assessment
sheets, the organization's comments)."""

KEPT_FOR = timedelta(seconds=60)
"""How long a list is kept at most: what the clock alone may change shows within it."""

MAX_ROWS = 200
"""Past this many new trail rows the list is worked out again, not judged row by row."""

ENTRIES = 512
"""Lists kept at most (one per viewer and scope): the least recently used goes first."""


@dataclass(frozen=True)
class _Kept:
    head: int
    at: datetime
    waiting: tuple[WaitingProject, ...]
    checked: frozenset[str]


class WaitingCache:
    """Each viewer's waiting list, with the trail head it holds for; thread-safe."""

    def __init__(self) -> None:
        self._kept: OrderedDict[tuple[object, ...], _Kept] = OrderedDict()
        self._lock = threading.Lock()
        self.worked_out = 0
        """How many lists were worked out (not reused): for the tests."""

    def waiting(
        self,
        session: Session,
        scope: ViewerScope,
        login: str,
        limit: int = 20,
        *,
        rules: Rules | None = None,
    ) -> list[WaitingProject]:
        """:func:`~procure.services.browse.waiting.waiting_for`, reused where still true."""
        rules = rules or default_rules()
        key = (login, tuple(sorted(scope.by_role.items())), limit, id(rules))
        head = audit.peek_head(session)[0]
        now = now_utc()
        with self._lock:
            kept = self._kept.get(key)
        if kept is not None and _still_true(session, kept, head, now):
            self._keep(key, replace(kept, head=head))
            return list(kept.waiting)
        waiting, checked = waiting_and_checked(session, scope, login, limit, rules=rules)
        self.worked_out += 1
        self._keep(key, _Kept(head, now, tuple(waiting), checked))
        return waiting

    def _keep(self, key: tuple[object, ...], kept: _Kept) -> None:
        with self._lock:
            self._kept[key] = kept
            self._kept.move_to_end(key)
            while len(self._kept) > ENTRIES:
                self._kept.popitem(last=False)


def _still_true(session: Session, kept: _Kept, head: int, now: datetime) -> bool:
    """Whether ``kept`` is the list at ``head`` and ``now`` (see the module)."""
    if not timedelta(0) <= now - kept.at < KEPT_FOR or china_day(now) != china_day(kept.at):
        return False
    if head == kept.head:
        return True
    if head < kept.head:
        return False  # an older snapshot than the one the list was worked out from
    statement = (
        select(
            col(TransitionLog.project_code),
            col(TransitionLog.trigger),
            col(TransitionLog.from_state),
            col(TransitionLog.to_state),
        )
        .where(col(TransitionLog.seq) > kept.head, col(TransitionLog.seq) <= head)
        .limit(MAX_ROWS + 1)
    )
    rows = list(session.exec(statement))
    return len(rows) <= MAX_ROWS and all(
        code is not None
        and code not in kept.checked
        and trigger in OWN_ROWS
        and from_state == to_state
        for code, trigger, from_state, to_state in rows
    )
