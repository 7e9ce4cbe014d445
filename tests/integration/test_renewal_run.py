"""The year-end renewal run (procure.renew_year), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from procure import renew_year
from procure.domain.errors import Refused
from procure.domain.language import use_language
from procure.services.lifecycle import fire as lc
from procure.services.renewal import run as renewal_run
from procure.store import queries
from procure.store.audit import rows_for_batch, verify_chain
from procure.store.models import Bar, Project, TransitionLog
from tests.integration.builders import (
    ASSESSMENT_EXCELLENT,
    ASSESSMENT_FAIL,
    ASSESSMENT_GOOD,
    ASSESSMENT_PASS,
    OFFICER,
    QIHANG,
    RENHE,
    TONGXIN,
    Plan,
    create_project,
    drive,
    setup_registry,
    snapshot,
)

YEAR = 2019
FUNDS = "9000000.00"
EXPECTED = {
    "SM-2019-001": ("优秀", "renew", "renewed"),
    "SM-2019-002": ("良好", "renew", "renewed"),
    "SM-2019-003": ("合格", "rectify", "rectifying"),
    "SM-2019-004": ("不合格", "drop", "dropped"),
    "SM-2019-005": ("不合格", "drop", "dropped"),  # 良好 by score, but a veto item applies
}


def _year(session: Session) -> None:
    """Five assessed contracts, one per outcome, each driven through the whole lifecycle."""
    setup_registry(session, funds=FUNDS)
    plans = [
        Plan(code="SM-2019-001", assessment=ASSESSMENT_EXCELLENT),
        Plan(code="SM-2019-002", assessment=ASSESSMENT_GOOD, winner=TONGXIN),
        Plan(code="SM-2019-003", assessment=ASSESSMENT_PASS),
        Plan(code="SM-2019-004", assessment=ASSESSMENT_FAIL, winner=RENHE, proposals=_renhe()),
        Plan(
            code="SM-2019-005",
            assessment=ASSESSMENT_GOOD,
            veto=["misuse_of_funds"],
            winner=RENHE,
            proposals=_renhe(),
        ),
    ]
    for plan in plans:
        drive(session, create_project(session, plan), "assessed")


def _renhe() -> dict[str, str]:
    return {RENHE: "868000.00", TONGXIN: "880000.00"}


def _state(session: Session, code: str) -> str:
    return queries.project_by_code(session, code).state


def test_the_policy_decides_each_grade_and_the_veto(session: Session) -> None:
    _year(session)

    run = renew_year(session, YEAR)

    assert {i.project: (i.grade, i.action) for i in run.plan} == {
        code: (grade, action) for code, (grade, action, _) in EXPECTED.items()
    }
    assert run.counts == {"renew": 2, "rectify": 1, "drop": 2, "skip": 0, "decide": 0, "refused": 0}
    assert run.plan[4].reason == "发生一票否决事项挪用资金：无论得分，按续约政策不再合作"
    with use_language("en"):
        shown = renew_year(session, YEAR).plan
    assert [i.grade for i in shown] == ["Excellent", "Good", "Pass", "Fail", "Fail"]
    assert shown[1].reason == "Graded Good (85.00): the policy renews the contract"
    assert shown[4].reason == (
        "Veto item Misuse of funds: the policy ends the cooperation whatever the score"
    )
    assert run.plan[0].next_project == "SM-2020-001"


def test_a_dry_run_changes_nothing(session: Session, engine: Engine) -> None:
    _year(session)
    before = snapshot(session, engine)

    run = renew_year(session, YEAR)

    assert not run.applied and run.batch_id is None and run.results == []
    assert snapshot(session, engine) == before


def test_apply_moves_each_contract_and_carries_renewals_forward(session: Session) -> None:
    _year(session)

    run = renew_year(session, YEAR, apply=True, actor=OFFICER)

    assert run.changed == 5
    for code, (_, _, state) in EXPECTED.items():
        assert _state(session, code) == state
    first = queries.project_by_code(session, "SM-2019-001")
    following = queries.project_by_code(session, "SM-2020-001")
    contract = queries.contract_of(session, first)
    assert contract is not None
    assert following.state == "awarded"
    assert following.previous_project_id == first.id
    assert following.awarded_organization_id == contract.organization_id
    assert following.purchaser_id == first.purchaser_id
    assert following.budget == following.carried_amount == Decimal("868000.00")
    assert (following.carried_start_on, following.carried_end_on) == (
        date(2020, 3, 1),
        date(2020, 12, 31),
    )
    bars = session.exec(select(Bar)).all()  # both drops are 仁和's: one bar for 2020
    dropped = queries.project_by_code(session, "SM-2019-004")
    assert [(b.year, b.project_id, b.purchaser_id) for b in bars] == [
        (2020, dropped.id, dropped.purchaser_id)
    ]
    batch = rows_for_batch(session, run.batch_id or "")
    assert len(batch) == 5 + 2  # five decisions, two next-year projects
    assert verify_chain(session).ok
    # The trail records the policy's reasons as it always has, whatever language was shown.
    logged = select(TransitionLog.project_code, TransitionLog.reason).where(
        TransitionLog.trigger.in_(("renew", "drop"))  # type: ignore[attr-defined]
    )
    recorded = dict(session.exec(logged).all())
    assert recorded["SM-2019-001"] == "graded 优秀 (93.00): policy renews"
    assert recorded["SM-2019-005"] == (
        "veto item 挪用资金 (misuse_of_funds) applies: policy drops whatever the score"
    )
    assert bars[0].reason == f"dropped after SM-2019-004: {recorded['SM-2019-004']}"


def test_the_next_years_project_signs_with_the_carried_terms(session: Session) -> None:
    _year(session)
    renew_year(session, YEAR, apply=True, actor=OFFICER)
    following = queries.project_by_code(session, "SM-2020-001")

    lc.sign_contract(
        session,
        "SM-2020-001",
        OFFICER,
        number="HT-SM-2020-001",
        amount=following.carried_amount or Decimal(0),
        start=following.carried_start_on or date(2020, 1, 1),
        end=following.carried_end_on or date(2020, 12, 31),
        signed_on=date(2020, 2, 25),
    )

    assert _state(session, "SM-2020-001") == "contracted"


def test_a_rerun_after_a_complete_run_changes_nothing(session: Session, engine: Engine) -> None:
    _year(session)
    renew_year(session, YEAR, apply=True, actor=OFFICER)
    before = snapshot(session, engine)

    again = renew_year(session, YEAR, apply=True, actor=OFFICER)

    assert again.changed == 0
    assert again.counts["skip"] == 5
    assert all(i.reason.startswith("已有决定：") for i in again.plan)
    assert snapshot(session, engine) == before


def test_contracts_not_ready_are_skipped_with_the_reason(session: Session) -> None:
    setup_registry(session, funds=FUNDS)
    drive(session, create_project(session, Plan(code="SM-2019-001")), "in_service")
    drive(session, create_project(session, Plan(code="SM-2019-002")), "assessment_recorded")
    drive(session, create_project(session, Plan(code="SM-2019-003")), "assessed")
    lc.renew(session, "SM-2019-003", OFFICER)

    run = renew_year(session, YEAR, apply=True, actor=OFFICER)

    reasons = {item.project: (item.action, item.reason) for item in run.plan}
    assert reasons["SM-2019-001"] == ("skip", "尚未考核：履约中")
    assert reasons["SM-2019-002"][0] == "skip"
    assert reasons["SM-2019-002"][1].startswith("意见期至 ")
    assert reasons["SM-2019-003"] == ("skip", "已有决定：已续约")
    assert run.changed == 0
    with use_language("en"):
        said = {item.project: item.reason for item in renew_year(session, YEAR).plan}
    assert said["SM-2019-001"] == "Not assessed yet: In service"
    assert said["SM-2019-002"].startswith("The comment window is open until ")
    assert said["SM-2019-003"] == "Already decided: Renewed"


def _consistent(session: Session) -> None:
    """Every contract is either untouched or fully processed: state, successor, audit row."""
    session.commit()
    for project in session.exec(select(Project).where(Project.year == YEAR)):
        successors = session.exec(
            select(Project).where(Project.previous_project_id == project.id)
        ).all()
        decided = [
            row
            for row in session.exec(
                select(TransitionLog).where(TransitionLog.project_code == project.code)
            )
            if row.batch_id and row.batch_id.startswith("renew-")
        ]
        if project.state == "assessed":
            assert successors == [] and decided == [], project.code
        else:
            assert len(decided) == 1, project.code
            assert len(successors) == (1 if project.state == "renewed" else 0), project.code
    assert verify_chain(session).ok


def test_an_interruption_after_chunk_k_keeps_the_database_consistent(session: Session) -> None:
    _year(session)
    chunks: list[int] = []

    def stop_after_two(done: int, total: int) -> None:
        chunks.append(done)
        if len(chunks) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        renew_year(session, YEAR, apply=True, actor=OFFICER, chunk_size=2, progress=stop_after_two)

    _consistent(session)
    assert [_state(session, code) for code in EXPECTED].count("assessed") == 1
    finish = renew_year(session, YEAR, apply=True, actor=OFFICER, chunk_size=2)
    assert finish.changed == 1
    _consistent(session)
    assert len(session.exec(select(Project).where(Project.year == 2020)).all()) == 2


def test_a_failure_inside_a_chunk_rolls_that_chunk_back(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    _year(session)
    real = renewal_run.audit.insert_chained
    calls: list[int] = []

    def fail_second(*args: object, **kwargs: object) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(renewal_run.audit, "insert_chained", fail_second)
    with pytest.raises(RuntimeError):
        renew_year(session, YEAR, apply=True, actor=OFFICER, chunk_size=2)
    monkeypatch.undo()

    _consistent(session)
    assert [_state(session, code) for code in EXPECTED].count("assessed") == 3
    assert renew_year(session, YEAR, apply=True, actor=OFFICER).changed == 3
    _consistent(session)


def test_audit_rows_hashed_before_another_writers_append_are_chained_again(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    _year(session)
    real = renewal_run.audit.peek_head

    def stale_head(session: Session) -> tuple[int, str]:
        seq, _ = real(session)  # as if read before another officer's last append
        return seq - 1, "0" * 64

    monkeypatch.setattr(renewal_run.audit, "peek_head", stale_head)
    run = renew_year(session, YEAR, apply=True, actor=OFFICER)

    assert run.changed == len(EXPECTED)
    assert verify_chain(session).ok
    logged = rows_for_batch(session, run.batch_id or "")
    assert [row.seq for row in logged] == list(range(logged[0].seq, logged[0].seq + len(logged)))


def test_a_barred_organization_is_refused_at_next_years_award(session: Session) -> None:
    _year(session)
    renew_year(session, YEAR, apply=True, actor=OFFICER)
    plan = Plan(code="SM-2020-050", year=2020, winner=RENHE, proposals=_renhe())
    drive(session, create_project(session, plan), "reviewed")

    with pytest.raises(Refused, match="不得承接该购买方 2020 年度的项目"):
        lc.award(session, plan.code, OFFICER, organization=RENHE)


def test_renewing_a_barred_organization_needs_a_decision_and_the_rest_go_on(
    session: Session,
) -> None:
    setup_registry(session, funds=FUNDS)
    drive(session, create_project(session, Plan(code="SM-2019-001")), "assessed")
    failed = Plan(code="SM-2019-002", assessment=ASSESSMENT_FAIL, winner=QIHANG)
    drive(session, create_project(session, failed), "assessed")

    with use_language("en"):  # the year-end plan's words are the renewal run's
        run = renew_year(session, YEAR, apply=True, actor=OFFICER)

    assert run.plan[0].action == "decide"
    assert "is barred from SM-FED's 2020 awards" in run.plan[0].reason
    assert [(r.project, r.status) for r in run.results] == [
        ("SM-2019-001", "decide"),
        ("SM-2019-002", "done"),
    ]
    assert _state(session, "SM-2019-001") == "assessed"
    assert _state(session, "SM-2019-002") == "dropped"


def test_an_existing_successor_is_linked_not_duplicated(session: Session) -> None:
    _year(session)
    first = queries.project_by_code(session, "SM-2019-001")
    session.add(
        Project(
            code="SM-2020-101",
            year=2020,
            title="续",
            purchaser_id=first.purchaser_id,
            budget=Decimal("1.00"),
            state="draft",
            previous_project_id=first.id,
        )
    )
    session.commit()

    run = renew_year(session, YEAR, apply=True, actor=OFFICER)

    assert run.plan[0].next_project == "SM-2020-101"
    codes = session.exec(
        select(Project.code).where(Project.year == 2020).order_by(col(Project.code))
    )
    assert list(codes) == ["SM-2020-002", "SM-2020-101"]
