"""The audit trail: one chained row per transition, and any edit or deletion is detected."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from procure.domain.audit_chain import row_hash
from procure.domain.errors import Refused
from procure.services.browse import project_view as views
from procure.services.lifecycle import fire as lc
from procure.store.audit import verify_chain
from procure.store.db import new_session
from procure.store.migrate import current_revision, head_revision, upgrade
from procure.store.models import TransitionLog
from tests.integration.builders import (
    LEADER,
    OFFICER,
    QIHANG,
    REVIEW_GOOD,
    REVIEWERS,
    STAGES,
    create_project,
    project_at,
    setup_registry,
    snapshot,
)


def verify_afresh(engine: Engine) -> tuple[bool, int | None, str]:
    """Verify the chain in a new session, so nothing cached hides what is stored."""
    with new_session(engine) as fresh:
        report = verify_chain(fresh)
    return report.ok, report.broken_seq, report.problem


def tamper(session: Session, engine: Engine, statement: str) -> None:
    """Change the stored log behind the application's back."""
    session.commit()
    with engine.begin() as connection:
        connection.execute(text(statement))


def test_every_transition_appends_one_row_saying_who_did_what(session: Session) -> None:
    setup_registry(session)
    plan = create_project(session)
    lc.submit(session, plan.code, OFFICER)
    lc.approve(session, plan.code, LEADER)
    lc.open_call(session, plan.code, OFFICER)
    lc.add_proposal(session, plan.code, OFFICER, organization=QIHANG, price="868000.00")
    lc.close_call(session, plan.code, OFFICER)
    result = lc.record_review(
        session, plan.code, REVIEWERS[0], organization=QIHANG, scores=REVIEW_GOOD
    )

    rows = views.project_history(session, plan.code)
    assert [(r["trigger"], r["actor"], r["role"], r["from"], r["to"]) for r in rows] == [
        ("create", "李秀梅", "officer", None, "draft"),
        ("submit", "李秀梅", "officer", "draft", "proposed"),
        ("approve", "张志远", "leader", "proposed", "approved"),
        ("open_call", "李秀梅", "officer", "approved", "soliciting"),
        ("add_proposal", "李秀梅", "officer", "soliciting", "soliciting"),
        ("close_call", "李秀梅", "officer", "soliciting", "reviewing"),
        ("record_review", "陈建华", "reviewer", "reviewing", "reviewing"),
    ]
    assert rows[-1]["seq"] == result.seq
    assert rows[4]["data"] == {"actor_name": "李秀梅", "organization": QIHANG, "price": "868000.00"}
    review = rows[-1]["data"]
    assert review["total"] == "85.00"
    assert review["scores"]["price"] == "20.00"
    assert review["conflict"] is False
    assert review["scorecard"] == "review v2"


def test_a_whole_lifecycle_leaves_a_contiguous_chain_that_verifies(
    session: Session, engine: Engine
) -> None:
    plan = project_at(session, STAGES[-1])
    lc.renew(session, plan.code, OFFICER, reason="年度考核良好")

    rows = views.project_history(session, plan.code)
    assert rows[-1]["trigger"] == "renew"
    assert rows[-1]["reason"] == "年度考核良好"
    assert [r["seq"] for r in rows] == list(range(rows[0]["seq"], rows[-1]["seq"] + 1))
    assert rows[-1]["to"] == "renewed"
    session.commit()
    assert verify_afresh(engine) == (True, None, "")


def test_a_refused_action_appends_no_row(session: Session, engine: Engine) -> None:
    plan = project_at(session, "draft")
    rows_before = len(views.project_history(session, plan.code))

    with pytest.raises(Refused):
        lc.approve(session, plan.code, LEADER)

    assert len(views.project_history(session, plan.code)) == rows_before


def test_a_batch_id_is_recorded_on_the_rows_of_a_scripted_run(session: Session) -> None:
    plan = project_at(session, "draft")

    lc.submit(session, plan.code, OFFICER, batch_id="year-end-2019")

    rows = views.batch_history(session, "year-end-2019")
    assert [(r["project"], r["trigger"]) for r in rows] == [(plan.code, "submit")]


def test_an_edited_row_is_named_by_verification(session: Session, engine: Engine) -> None:
    project_at(session, "reviewing")
    tamper(session, engine, "UPDATE transition_log SET actor = '某人' WHERE seq = 7")

    assert verify_afresh(engine) == (False, 7, "its content does not match its hash")


def test_an_edited_amount_in_the_data_is_named_by_verification(
    session: Session, engine: Engine
) -> None:
    plan = project_at(session, "reviewing")
    row = next(
        r for r in views.project_history(session, plan.code) if r["trigger"] == "add_proposal"
    )
    tamper(
        session,
        engine,
        "UPDATE transition_log SET data = REPLACE(data, '868000.00', '1.00') "
        f"WHERE seq = {row['seq']}",
    )

    assert verify_afresh(engine) == (False, row["seq"], "its content does not match its hash")


def test_an_edit_with_a_recomputed_hash_is_caught_by_the_next_row(
    session: Session, engine: Engine
) -> None:
    project_at(session, "reviewing")
    with new_session(engine) as fresh:
        row = fresh.get(TransitionLog, 5)
        assert row is not None
        fields = {**row.model_dump(), "actor": "某人"}
        forged = row_hash(fields, row.prev_hash)
    tamper(
        session,
        engine,
        f"UPDATE transition_log SET actor = '某人', hash = '{forged}' WHERE seq = 5",
    )

    assert verify_afresh(engine) == (False, 6, "does not point at the previous row's hash")


def test_deleting_the_last_row_is_detected(session: Session, engine: Engine) -> None:
    project_at(session, "reviewing")
    with new_session(engine) as fresh:
        last = verify_chain(fresh).rows
    tamper(session, engine, f"DELETE FROM transition_log WHERE seq = {last}")

    ok, broken, problem = verify_afresh(engine)
    assert (ok, broken) == (False, last)
    assert problem == f"rows after {last - 1} were removed"


def test_deleting_a_row_in_the_middle_is_detected(session: Session, engine: Engine) -> None:
    project_at(session, "reviewing")
    tamper(session, engine, "DELETE FROM transition_log WHERE seq = 4")

    assert verify_afresh(engine) == (False, 5, "row 4 is missing")


def test_upgrading_a_migrated_database_again_changes_nothing(
    session: Session, engine: Engine
) -> None:
    project_at(session, "awarded")
    before = snapshot(session, engine)

    upgrade(engine)
    upgrade(engine)

    assert current_revision(engine) == head_revision()
    assert snapshot(session, engine) == before
    assert verify_afresh(engine) == (True, None, "")
