"""What a filled-in score sheet is, whatever file it came in: the layout of the .xlsx template
(sheet names, header row, score columns), the answers a sheet accepts, and the facts read
from it (:class:`SheetInput`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from procure.domain.errors import InvalidInput
from procure.domain.language import gettext as _
from procure.domain.scorecard import Scorecard
from procure.domain.text import quoted

SCORES_SHEET = "评分表"
"""The worksheet of the scores, as a Chinese template names it."""

NARRATIVES_SHEET = "评语"
"""The worksheet of the narratives (one per dimension), as a Chinese template names it."""

VETO_SHEET = "一票否决"
"""The worksheet of the veto items (是/否 each), as a Chinese template names it."""

SHEET_NAMES = {
    SCORES_SHEET: ("评分表", "Scores"),
    NARRATIVES_SHEET: ("评语", "Narratives"),
    VETO_SHEET: ("一票否决", "Veto"),
}
"""Each worksheet by its name in Chinese and in English: a template is written in the language
in use, and read back in either."""


HEADER_ROW = 4


FIRST_ROW = HEADER_ROW + 1


SCORE_COLUMNS = {"score": 5, "planned": 6, "actual": 7, "respondents": 8, "satisfied": 9}


YES = {"是", "yes", "y", "true", "1", "有"}


NO = {"否", "no", "n", "false", "0", "无", ""}


@dataclass
class SheetInput:
    """What a sheet says, and where each criterion was found (for messages)."""

    scores: dict[str, Any]
    veto: list[str] = field(default_factory=list)
    narratives: dict[str, str] = field(default_factory=dict)
    narrative: str = ""
    places: dict[str, str] = field(default_factory=dict)
    narrative_places: dict[str, str] = field(default_factory=dict)

    def locate(
        self, error: InvalidInput, source: str, card: Scorecard | None = None
    ) -> InvalidInput:
        """Return ``error`` prefixed with the file and the row or key of what it is about.

        The place is the one whose code, or whose name in ``card``, the message names first
        (a message may go on to list every known code); narrative errors
        (:class:`NarrativeInvalid`) are placed among the narratives.
        """
        message = str(error)
        narrative = isinstance(error, NarrativeInvalid)
        places = self.narrative_places if narrative else self.places
        names: dict[str, str] = {}
        if card is not None:
            named_things = card.dimensions if narrative else card.criteria
            names = {thing.code: thing.label for thing in named_things}
        found = []
        for code in places:
            match = re.search(rf"(?<![\w.]){re.escape(code)}(?![\w])", message)
            at = match.start() if match else -1
            name = names.get(code, "")
            if name and name in message and (at < 0 or message.index(name) < at):
                at = message.index(name)  # a name sits inside Chinese text: no word boundary
            if at >= 0:
                found.append((at, code))
        if not found:
            return InvalidInput(_("%(source)s: %(message)s", source=source, message=message))
        code = min(found)[1]
        return InvalidInput(
            _(
                "%(source)s: %(place)s (%(code)s): %(message)s",
                source=source,
                place=places[code],
                code=code,
                message=message,
            )
        )


class NarrativeInvalid(InvalidInput):
    """A narrative of a sheet refused (placed among the sheet's narratives)."""


def check_scorecard(name: object, version: object, card: Scorecard, where: str) -> None:
    """Refuse a sheet made for another scorecard or another version of it."""
    if str(name) != card.name:
        raise InvalidInput(
            _(
                "%(where)s: this sheet is for the scorecard %(name)s, not %(expected)s",
                where=where,
                name=quoted(name),
                expected=quoted(card.name),
            )
        )
    if str(version) != str(card.version):
        raise InvalidInput(
            _(
                "%(where)s: this sheet is for version %(version)s of the scorecard, the "
                "current one is version %(current)s; print a new template with `procure "
                "scorecard template`",
                where=where,
                version=version,
                current=card.version,
            )
        )


def yes_no(answer: object, where: str) -> bool:
    """Read a yes/no answer (是/否, yes/no, true/false)."""
    if isinstance(answer, bool):
        return answer
    text = "" if answer is None else str(answer).strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise InvalidInput(
        _("%(where)s: answer yes or no, got %(answer)s", where=where, answer=quoted(answer))
    )
