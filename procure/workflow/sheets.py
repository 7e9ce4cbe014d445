"""Stored score sheets as the domain's objects (and back): points as text, n/a as null."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from procure.domain.assessment import AssessmentSheetFacts
from procure.domain.scorecard import Scorecard, ScoredSheet
from procure.store.models import Assessment


def stored_points(points: Mapping[str, Decimal | None]) -> dict[str, str | None]:
    """Points as stored in JSON: decimal text, or null for "not applicable"."""
    return {code: None if value is None else str(value) for code, value in points.items()}


def loaded_points(stored: Mapping[str, str | None]) -> dict[str, Decimal | None]:
    """The inverse of :func:`stored_points`."""
    return {code: None if value is None else Decimal(value) for code, value in stored.items()}


def assessment_facts(sheet: Assessment, card: Scorecard) -> AssessmentSheetFacts:
    """Rebuild one assessor's scored sheet from its row, as it was scored."""
    points = loaded_points(sheet.scores)
    applicable = sum(
        (c.weight for c in card.criteria if points.get(c.code) is not None), Decimal(0)
    )
    scored = ScoredSheet(
        points=points,
        inputs=dict(sheet.inputs or {}),
        applicable_weight=applicable,
        raw_total=sum((p for p in points.values() if p is not None), Decimal(0)),
        total=sheet.total,
    )
    return AssessmentSheetFacts(
        assessor=sheet.assessor,
        sheet=scored,
        veto=tuple(sheet.veto),
        narratives=dict(sheet.narratives or {}),
    )
