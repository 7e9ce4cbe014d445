"""What a filled-in score sheet is, whatever file it came in: the layout of the .xlsx template
(sheet names, header row, score columns), the answers a sheet accepts, and the facts read
from it (:class:`SheetInput`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from procure.domain.errors import InvalidInput
from procure.domain.scorecard import Scorecard
from procure.domain.text import quoted

SCORES_SHEET = "评分表"


NARRATIVES_SHEET = "评语"


VETO_SHEET = "一票否决"


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

    def locate(self, error: InvalidInput, source: str) -> InvalidInput:
        """Return ``error`` prefixed with the file and the row or key of what it is about.

        The place is the one whose code the message names first (a message may go on to
        list every known code); narrative errors are placed among the narratives.
        """
        message = str(error)
        places = self.narrative_places if message.startswith("narrative") else self.places
        named = [
            (match.start(), code)
            for code in places
            if (match := re.search(rf"(?<![\w.]){re.escape(code)}(?![\w])", message))
        ]
        if not named:
            return InvalidInput(f"{source}: {message}")
        code = min(named)[1]
        return InvalidInput(f"{source}: {places[code]} ({code}): {message}")


def check_scorecard(name: object, version: object, card: Scorecard, where: str) -> None:
    """Refuse a sheet made for another scorecard or another version of it."""
    if str(name) != card.name:
        raise InvalidInput(
            f"{where}: this sheet is for scorecard {quoted(name)}, not {quoted(card.name)}"
        )
    if str(version) != str(card.version):
        raise InvalidInput(
            f"{where}: this sheet is for {card.name} v{version}, the current scorecard is "
            f"v{card.version}; print a new template with `procure scorecard template`"
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
    raise InvalidInput(f"{where}: answer 是 or 否 (yes or no), got {quoted(answer)}")
