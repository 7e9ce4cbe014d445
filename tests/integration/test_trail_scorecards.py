"""The trail explains what a record is computed from: the pinned scorecard versions (weights,
bands), which version each sheet was scored on, the assessors' inputs and the sheets' dates."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import update
from sqlmodel import Session, col, select

from procure.resources import fixture_file
from procure.services.loading.demo import SIMING_FIXTURE, run_demo
from procure.services.trail.check import TrailDifference, trail_differences
from procure.store.models import Assessment, Review, ScorecardVersion, TransitionLog

pytestmark = pytest.mark.skipif(
    not fixture_file(SIMING_FIXTURE).is_file(), reason=f"fixtures/{SIMING_FIXTURE} not written yet"
)


@pytest.fixture
def siming(session: Session) -> Session:
    """The Siming 2019 year, loaded and decided (the demo), committed."""
    run_demo(session)
    session.commit()
    return session


def _assessment_card(session: Session) -> ScorecardVersion:
    return session.exec(select(ScorecardVersion).where(ScorecardVersion.name == "assessment")).one()


def _pinning_project(session: Session, card: ScorecardVersion) -> str:
    rows = session.exec(select(TransitionLog).order_by(col(TransitionLog.seq))).all()
    for row in rows:
        pin = json.loads(row.data).get("scorecard_pin")
        if pin and (pin["name"], pin["version"]) == (card.name, card.version):
            assert row.project_code is not None
            return row.project_code
    raise AssertionError(f"no trail row pinned {card.name} v{card.version}")


def test_an_edited_scorecard_definition_is_named_by_the_whole_check_and_its_project(
    siming: Session,
) -> None:
    card = _assessment_card(siming)
    definition = json.loads(card.definition)
    definition["title_zh"] = "改过的考核表"
    edited = json.dumps(definition, ensure_ascii=False)
    siming.connection().execute(
        update(ScorecardVersion)
        .where(col(ScorecardVersion.id) == card.id)
        .values(definition=edited)
    )
    siming.commit()
    expected = TrailDifference(
        "scorecard_version",
        f"assessment v{card.version}",
        "definition",
        card.digest,
        hashlib.sha256(edited.encode()).hexdigest(),
    )

    assert trail_differences(siming) == [expected]
    assert trail_differences(siming, project_code=_pinning_project(siming, card)) == [expected]


def test_a_scorecard_rewritten_with_a_matching_digest_is_still_named(siming: Session) -> None:
    card = _assessment_card(siming)
    definition = json.loads(card.definition)
    definition["criteria"][0]["weight"] += 5  # a past year's weights, changed
    edited = json.dumps(definition, ensure_ascii=False, sort_keys=True)
    digest = hashlib.sha256(edited.encode()).hexdigest()
    siming.connection().execute(
        update(ScorecardVersion)
        .where(col(ScorecardVersion.id) == card.id)
        .values(definition=edited, digest=digest)
    )
    siming.commit()

    found = {(d.table, d.field): d for d in trail_differences(siming)}

    assert set(found) == {("scorecard_version", "digest"), ("scorecard_version", "definition")}
    assert found[("scorecard_version", "digest")].trail_value == card.digest


def test_a_sheet_moved_to_another_scorecard_version_is_named(siming: Session) -> None:
    review = siming.exec(select(Review).order_by(col(Review.id))).first()
    assert review is not None
    siming.connection().execute(
        update(Review).where(col(Review.id) == review.id).values(scorecard_version=1)
    )
    siming.commit()

    (found,) = trail_differences(siming)

    assert (found.table, found.field) == ("review", "scorecard")
    assert (found.trail_value, found.stored_value) == (
        f"review v{review.scorecard_version}",
        "review v1",
    )


def test_edited_assessment_inputs_and_dates_are_named(siming: Session) -> None:
    sheet = siming.exec(
        select(Assessment).where(col(Assessment.final).is_(False)).order_by(col(Assessment.id))
    ).first()
    assert sheet is not None and sheet.inputs
    inputs = dict.fromkeys(sheet.inputs, "999")
    siming.connection().execute(
        update(Assessment)
        .where(col(Assessment.id) == sheet.id)
        .values(inputs=inputs, recorded_at=sheet.recorded_at.replace(year=2018))
    )
    siming.commit()

    fields = sorted((d.table, d.field) for d in trail_differences(siming))

    assert fields == [("assessment", "inputs"), ("assessment", "recorded_at")]


def test_a_database_pinned_before_this_release_verifies_clean_after_migration_0011(
    database_url: str,
) -> None:
    from datetime import UTC, datetime

    from procure.services.trail.check import upgrade_database as upgrade
    from procure.store import audit
    from procure.store.db import make_engine, new_session

    engine = make_engine(database_url)
    try:
        upgrade(engine, "0010")
        with new_session(engine) as session:
            definition = '{"name": "review", "version": 1}'
            session.add(
                ScorecardVersion(
                    name="review",
                    version=1,
                    digest=hashlib.sha256(definition.encode()).hexdigest(),
                    definition=definition,
                    first_used_at=datetime(2019, 2, 15, 1, tzinfo=UTC),
                )
            )
            session.commit()
            assert [d.table for d in trail_differences(session)] == ["scorecard_version"]
        upgrade(engine)
        with new_session(engine) as session:
            assert audit.verify_chain(session).ok
            assert trail_differences(session) == []
            (row,) = session.exec(
                select(TransitionLog).where(TransitionLog.trigger == "backfill")
            ).all()
            assert row.actor == "migration 0011"
            assert "migration 0011" in row.reason
    finally:
        engine.dispose()
