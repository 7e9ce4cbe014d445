"""Pin each scorecard version's content on first use: a version never silently changes."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from procure.domain.errors import Refused
from procure.domain.scorecard import Scorecard
from procure.store.models import ScorecardVersion
from procure.workflow.configuration import Configuration


def pin_scorecard(session: Session, rules: Configuration, card: Scorecard, at: datetime) -> None:
    """Record the content of ``card``'s version, or refuse if the file changed since.

    Raises:
        Refused: when the scorecard file was edited without giving it a new version,
            which would make results scored under one version disagree.
    """
    source = rules.sources.get(card.name)
    if source is None:
        return
    stored = session.exec(
        select(ScorecardVersion).where(
            ScorecardVersion.name == card.name, ScorecardVersion.version == card.version
        )
    ).first()
    if stored is None:
        session.add(
            ScorecardVersion(
                name=card.name,
                version=card.version,
                digest=source.digest,
                definition=source.definition,
                first_used_at=at,
            )
        )
        return
    if stored.digest != source.digest:
        raise Refused(
            f"scorecard {card.name} v{card.version} was edited after it was first used "
            f"({stored.first_used_at.date().isoformat()}); give the edited file a new version "
            "so past results keep the scorecard they were scored with"
        )
