"""Rules for award notices, objections and what the public pages show (``workflows/notices.yaml``).

An award publishes a notice (中选结果公示) that stays up for a number of working days; an
organization that bid may object (质疑) within a number of working days of the notice,
and the purchaser answers within a number of working days (政府采购法 第五十二、五十三条:
seven working days each). What the public pages show of the panel and the assessment is
decided by the visibility policy (``workflows/visibility.yaml``, the ``public`` relation),
not here: a file that still sets ``reviewer_names`` or ``assessment_narratives`` is refused,
naming the policy's line that replaced it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol

from procure.domain.config import check_keys, config_whole, load_yaml_mapping
from procure.domain.errors import ConfigError
from procure.domain.language import N_, _, pgettext

MOVED_TO_VISIBILITY = {
    "reviewer_names": "facts.reviewer_identity.visible.public",
    "assessment_narratives": "facts.assessment.visible.public",
}
"""Keys an older notices.yaml may still carry, and the policy line that decides them now."""
OUTCOMES = ("upheld", "rejected")
OUTCOME_LABELS = {"upheld": "质疑成立，重新评审", "rejected": "质疑不成立，予以驳回"}
"""Each answer's outcome in Chinese (the printed records, which are Chinese)."""
OUTCOME_NAMES = {
    "upheld": N_("Objection upheld, review reopened"),
    "rejected": N_("Objection not upheld, dismissed"),
}
"""Each answer's outcome as people read it (see :func:`outcome_label`)."""


def outcome_label(outcome: str | None) -> str:
    """An answer's outcome in the language in use; a waiting objection is awaiting one."""
    if outcome is None:
        return pgettext("objection", "Awaiting an answer")
    name = OUTCOME_NAMES.get(outcome)
    return _(name) if name else outcome


class WorkingDays(Protocol):
    """What the notice rules need of a working-day calendar."""

    def add_working_days(self, start: date, n: int) -> date: ...


@dataclass(frozen=True)
class NoticeDates:
    """The days of one award notice: published, last day up, last day to object."""

    published_on: date
    notice_ends_on: date
    objections_close_on: date


@dataclass(frozen=True)
class NoticeRules:
    """How long a notice stays up, the objection window and what the public sees.

    The objection window and the time to answer come from the deadlines
    (``objection_window`` and ``answer_objection`` in ``workflows/deadlines.yaml``).
    """

    notice_working_days: int = 5
    objection_working_days: int = 7
    answer_working_days: int = 7
    cache_seconds: int = 300

    def dates(self, calendar: WorkingDays, published_on: date) -> NoticeDates:
        """The notice's days when published on ``published_on`` (the day itself not counted).

        Raises:
            OutsideCalendar: the calendar does not know a day of the window.
        """
        return NoticeDates(
            published_on=published_on,
            notice_ends_on=calendar.add_working_days(published_on, self.notice_working_days),
            objections_close_on=calendar.add_working_days(
                published_on, self.objection_working_days
            ),
        )

    def answer_due(self, calendar: WorkingDays, lodged_on: date) -> date:
        """The last day to answer an objection lodged on ``lodged_on``."""
        return calendar.add_working_days(lodged_on, self.answer_working_days)


_KEYS = (
    "version",
    "notice_working_days",
    "cache_seconds",
)


def load_notice_rules(path: Path) -> NoticeRules:
    """Load ``path``; a missing file gives the defaults.

    Raises:
        ConfigError: naming the file and key of the first problem found.
    """
    if not path.exists():
        return NoticeRules()
    file = str(path)
    data = load_yaml_mapping(path)
    for key, line in MOVED_TO_VISIBILITY.items():
        if key in data:
            raise ConfigError(
                f"{file}: {key}: no longer read here; who sees this is decided by "
                f"workflows/visibility.yaml ({line}): set it there and remove this line"
            )
    check_keys(data, _KEYS, file)
    where = f"{file}: "
    defaults = NoticeRules()
    numbers = {
        key: config_whole(data, key, where, default=getattr(defaults, key))
        for key in ("notice_working_days", "cache_seconds")
    }
    for key, value in numbers.items():
        if value < 0:
            raise ConfigError(f"{where}{key}: must not be negative, got {value}")
    return NoticeRules(**numbers)
