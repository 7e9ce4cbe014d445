"""Pin each scorecard version's content on first use: a version never silently changes.

The pin is a fact a record is printed from (a past year's weights and bands), so the
trigger that pins a version logs it (:func:`pin_logged`): its name, version, the digest
of its definition and when it was first used. ``audit verify`` then compares each stored
version, its digest and the digest of its stored definition, with that row.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from procure.domain.errors import Refused
from procure.domain.language import gettext as _
from procure.domain.scorecard import Scorecard
from procure.store.models import ScorecardVersion
from procure.workflow.configuration import Configuration

PIN_KEY = "scorecard_pin"
"""The key of the pin in the audit data of the trigger that first used a version."""


def definition_digest(definition: str) -> str:
    """The digest of a scorecard's stored definition (as :func:`describe_scorecard` makes it)."""
    return hashlib.sha256(definition.encode()).hexdigest()


def pin_logged(pinned: ScorecardVersion) -> dict[str, Any]:
    """What the audit row of the trigger that pinned a version says of the pin."""
    return {
        "name": pinned.name,
        "version": pinned.version,
        "digest": pinned.digest,
        "first_used_at": pinned.first_used_at,
    }


def pin_scorecard(
    session: Session, rules: Configuration, card: Scorecard, at: datetime
) -> ScorecardVersion | None:
    """Record the content of ``card``'s version, or refuse if the file changed since.

    Returns:
        The version pinned now (its trigger logs it, see :func:`pin_logged`), or None when
        it was pinned before (or the card has no file).

    Raises:
        Refused: when the scorecard file was edited without giving it a new version,
            which would make results scored under one version disagree.
    """
    source = rules.sources.get(card.name)
    if source is None:
        return None
    stored = session.exec(
        select(ScorecardVersion).where(
            ScorecardVersion.name == card.name, ScorecardVersion.version == card.version
        )
    ).first()
    if stored is None:
        pinned = ScorecardVersion(
            name=card.name,
            version=card.version,
            digest=source.digest,
            definition=source.definition,
            first_used_at=at,
        )
        session.add(pinned)
        return pinned
    if stored.digest != source.digest:
        raise Refused(
            _(
                "The scorecard %(title)s (version %(version)s) was edited after it was first "
                "used (%(day)s); give the edited file a new version so past results keep the "
                "scorecard they were scored with",
                title=card.title,
                version=card.version,
                day=stored.first_used_at.date().isoformat(),
            )
        )
    return None
