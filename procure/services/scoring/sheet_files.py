"""Read a filled-in score sheet (.xlsx, .yaml or .json) into the facts a trigger takes.

Excel is where these sheets live in a union office, so .xlsx is first-class: the
layout is the one ``procure scorecard template`` writes. Every problem is refused
with the file, the row or key, and the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from procure.domain.datafile import parse_json, read_text
from procure.domain.errors import InvalidInput
from procure.domain.language import gettext as _
from procure.domain.scorecard import Scorecard
from procure.domain.text import quoted
from procure.services.loading.yamlfile import read_yaml
from procure.services.scoring.sheet_layout import SheetInput, check_scorecard, yes_no

FILE_KEYS = {"scorecard", "version", "scores", "veto", "narratives", "narrative", "conflict"}


def read_sheet(path: Path, card: Scorecard) -> SheetInput:
    """Read ``path`` as a sheet of ``card`` (its name and version must match).

    Raises:
        InvalidInput: naming the file, the row or key, and the problem.
    """
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InvalidInput(_("%(file)s: no such file", file=path))
    if suffix == ".xlsx":
        from procure.services.scoring.sheet_xlsx import read_xlsx

        return read_xlsx(path, card)
    if suffix in {".yaml", ".yml"}:
        return _from_mapping(read_yaml(path), card, path.name)
    if suffix == ".json":
        data = parse_json(read_text(path), path.name)
        return _from_mapping(data, card, path.name)
    raise InvalidInput(_("%(file)s: a score sheet must be .xlsx, .yaml or .json", file=path.name))


def _from_mapping(data: object, card: Scorecard, source: str) -> SheetInput:
    if not isinstance(data, Mapping):
        raise InvalidInput(_("%(file)s: the top level must be a mapping with scores", file=source))
    unknown = sorted(set(map(str, data)) - FILE_KEYS)
    if unknown:
        raise InvalidInput(
            _(
                "%(file)s: unknown key %(key)s (known: %(known)s)",
                file=source,
                key=quoted(unknown[0]),
                known=", ".join(sorted(FILE_KEYS)),
            )
        )
    check_scorecard(data.get("scorecard"), data.get("version"), card, f"{source}: scorecard")
    scores = data.get("scores")
    if not isinstance(scores, Mapping) or not scores:
        raise InvalidInput(_("%(file)s: scores: must map each criterion to its score", file=source))
    narratives = data.get("narratives") or {}
    if not isinstance(narratives, Mapping):
        raise InvalidInput(
            _("%(file)s: narratives: must map each dimension to its narrative", file=source)
        )
    return SheetInput(
        scores={str(code): _plain(value) for code, value in scores.items()},
        veto=_veto_list(data.get("veto"), source),
        narratives={str(code): str(text).strip() for code, text in narratives.items()},
        narrative=str(data.get("narrative") or "").strip(),
        places={str(code): f"scores.{code}" for code in scores},
        narrative_places={str(code): f"narratives.{code}" for code in narratives},
    )


def _plain(value: object) -> Any:
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return str(value)
    return value


def _veto_list(raw: object, source: str) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, list):
        return [str(code) for code in raw]
    if isinstance(raw, Mapping):
        return [
            str(code) for code, answer in raw.items() if yes_no(answer, f"{source}: veto.{code}")
        ]
    raise InvalidInput(
        _(
            "%(file)s: veto: must list the veto items found, or map each to yes or no",
            file=source,
        )
    )
