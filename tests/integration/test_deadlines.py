"""Deadlines at work: what is due for whom, and the tick that fires what passed."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import Session, col, select

from procure.domain.errors import Refused
from procure.domain.language import use_language
from procure.services.accounts import manage as accounts
from procure.services.deadlines.due import due_items
from procure.services.deadlines.tick import tick
from procure.store.audit import verify_chain
from procure.store.deadline_models import Reminder
from procure.store.models import Project, TransitionLog
from tests.integration.builders import (
    ADMIN,
    AUDITOR,
    CODE,
    LEADER,
    OFFICER,
    QIHANG,
    Plan,
    organization_actor,
)
from tests.integration.deadline_world import CLOCK, Clock, project_on

OPENED = date(2019, 9, 25)  # + 10 days = 5 October, in the National Day week
CLOSES = date(2019, 10, 8)  # the first working day after it


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


def state(session: Session, code: str = CODE) -> str:
    session.expire_all()
    project = session.exec(select(Project).where(Project.code == code)).one()
    return project.state


def test_an_open_call_is_due_on_the_first_working_day_after_its_tenth_day(
    session: Session, clock: Clock
) -> None:
    project_on(session, clock, "soliciting", OPENED)

    (item,) = due_items(session, today=date(2019, 10, 1))

    assert (item.project, item.deadline, item.role) == (CODE, "call_closes", "officer")
    assert (item.starts_on, item.due_on, item.status, item.days_left) == (
        OPENED,
        CLOSES,
        "due",
        7,
    )
    assert item.fires == "close_call"
    assert "10 calendar days from entering soliciting" in item.rule
    assert "财库〔2014〕214号" in item.basis


def test_a_deadline_is_overdue_the_day_after_its_last_day(session: Session, clock: Clock) -> None:
    project_on(session, clock, "soliciting", OPENED)

    assert [i.status for i in due_items(session, today=CLOSES)] == ["due"]
    assert [i.status for i in due_items(session, today=date(2019, 10, 9))] == ["overdue"]
    assert due_items(session, today=CLOSES, overdue_only=True) == []
    assert due_items(session, today=date(2019, 9, 26), within_days=7) == []
    assert len(due_items(session, today=date(2019, 10, 1), within_days=7)) == 1


def test_only_the_accounts_holding_the_role_over_the_project_see_it_as_theirs(
    session: Session, clock: Clock
) -> None:
    project_on(session, clock, "soliciting", OPENED)
    today = date(2019, 10, 1)

    assert [i.deadline for i in due_items(session, login=OFFICER.name, today=today)] == [
        "call_closes"
    ]
    assert due_items(session, login=LEADER.name, today=today) == []
    assert due_items(session, login=organization_actor(QIHANG).name, today=today) == []
    assert due_items(session, login="nobody", today=today) == []


def test_the_contract_is_due_thirty_days_after_the_award(session: Session, clock: Clock) -> None:
    project_on(session, clock, "awarded", date(2019, 3, 1))

    (item,) = due_items(session, today=date(2019, 4, 1))

    assert (item.deadline, item.due_on, item.status) == ("sign_contract", date(2019, 4, 1), "due")


def test_the_comment_window_is_the_organization_s_and_closes_without_being_overdue(
    session: Session, clock: Clock
) -> None:
    plan = project_on(session, clock, "assessment_recorded", date(2019, 12, 20))
    organization = organization_actor(plan.winner).name

    (window,) = due_items(session, login=organization, today=date(2020, 1, 2))
    assert (window.deadline, window.due_on, window.organization) == (
        "comment_window",
        date(2020, 1, 3),
        plan.winner,
    )
    assert due_items(session, login=organization, today=date(2020, 1, 4)) == []
    assert [
        i.status
        for i in due_items(
            session, login=organization, today=date(2020, 1, 4), include_expired=True
        )
    ] == ["expired"]


def test_a_deadline_counted_into_a_year_without_its_notice_is_provisional_not_unknown(
    session: Session, clock: Clock
) -> None:
    project_on(session, clock, "soliciting", date(2026, 12, 28))

    (item,) = due_items(session, today=date(2026, 12, 29))

    assert (item.status, item.due_on, item.provisional) == ("due", date(2027, 1, 7), (2027,))
    assert item.problem is None


def test_a_deadline_counted_into_an_unknown_year_names_the_year_instead_of_guessing(
    session: Session, clock: Clock
) -> None:
    project_on(session, clock, "soliciting", date(2199, 12, 28))  # the law is counted to 2199

    (item,) = due_items(session, today=date(2199, 12, 29))

    assert (item.status, item.due_on) == ("unknown", None)
    assert item.problem is not None and "不知道2200年的放假安排" in item.problem
    assert item.problem_label == "无法计算：工作日历不知道2200年的放假安排，请管理员录入该年通知"
    with use_language("en"):
        assert item.problem_label is not None and "holidays of 2200" in item.problem_label


def test_the_tick_closes_a_call_whose_deadline_passed_once_and_audited(
    session: Session, clock: Clock
) -> None:
    project_on(session, clock, "soliciting", OPENED)

    early = tick(session, by=CLOCK, on=CLOSES)
    assert early.fired == [] and state(session) == "soliciting"

    first = tick(session, by=CLOCK, on=date(2019, 10, 9))
    again = tick(session, by=CLOCK, on=date(2019, 10, 10))

    assert [(f.project, f.trigger, f.due_on) for f in first.fired] == [(CODE, "close_call", CLOSES)]
    assert again.fired == [] and again.refused == []
    assert state(session) == "reviewing"
    rows = session.exec(select(TransitionLog).where(TransitionLog.trigger == "close_call")).all()
    assert [(r.actor, r.role, r.batch_id, r.at[:10]) for r in rows] == [
        (CLOCK, "officer", first.batch_id, "2019-10-09")
    ]
    assert "征集截止" in rows[0].reason and "2019-10-08" in rows[0].reason
    assert verify_chain(session).ok


def test_the_tick_reports_a_refused_close_and_leaves_the_call_open(
    session: Session, clock: Clock
) -> None:
    project_on(session, clock, "soliciting", OPENED, Plan(proposals={}))

    result = tick(session, by=CLOCK, on=date(2019, 10, 9))

    assert result.fired == []
    (refused,) = result.refused
    assert refused.trigger == "close_call" and "尚无可评审的申报方案" in (refused.refused or "")
    assert state(session) == "soliciting"
    assert [i.status for i in due_items(session, today=date(2019, 10, 9))] == ["overdue"]


def _trail_length(session: Session) -> int:
    session.expire_all()
    return len(session.exec(select(TransitionLog)).all())


@pytest.mark.parametrize("who", [LEADER.name, AUDITOR.name], ids=["leader", "auditor"])
def test_the_tick_is_refused_to_an_account_without_an_officer_or_admin_grant(
    session: Session, clock: Clock, who: str
) -> None:
    project_on(session, clock, "awarded", date(2019, 3, 1))
    before = _trail_length(session)

    with pytest.raises(Refused, match="既没有项目干事授权，也没有管理员授权"):
        tick(session, by=who, on=date(2019, 3, 30))
    with use_language("en"), pytest.raises(Refused, match="holds neither a project officer nor"):
        tick(session, by=who, on=date(2019, 3, 30))

    assert state(session) == "awarded"
    assert reminders(session) == []
    assert _trail_length(session) == before


def test_each_tick_writes_one_audit_row_naming_its_account_batch_and_counts(
    session: Session, clock: Clock
) -> None:
    project_on(session, clock, "awarded", date(2019, 3, 1))

    result = tick(session, by=CLOCK, on=date(2019, 3, 29))

    rows = session.exec(select(TransitionLog).where(TransitionLog.trigger == "tick")).all()
    assert [(r.actor, r.role, r.batch_id, r.project_code) for r in rows] == [
        (CLOCK, "officer", result.batch_id, None)
    ]
    assert json.loads(rows[0].data) == {
        "on": "2019-03-29",
        "fired": 0,
        "refused": 0,
        "queued": 2,
        "actor_name": "系统时钟",
    }
    assert verify_chain(session).ok


def reminders(session: Session) -> list[tuple[str, str, str, date]]:
    session.expire_all()
    rows = session.exec(select(Reminder).order_by(col(Reminder.id))).all()
    return [(r.project_code, r.deadline, r.login, r.due_on) for r in rows]


def test_the_tick_queues_one_reminder_per_deadline_and_account_however_often_it_runs(
    session: Session, clock: Clock
) -> None:
    project_on(session, clock, "awarded", date(2019, 3, 1))

    too_early = tick(session, by=CLOCK, on=date(2019, 3, 28))
    first = tick(session, by=CLOCK, on=date(2019, 3, 29))
    later = tick(session, by=CLOCK, on=date(2019, 4, 5))

    assert too_early.queued == 0
    assert first.queued == 2 and later.queued == 0
    assert reminders(session) == [
        (CODE, "sign_contract", CLOCK, date(2019, 4, 1)),
        (CODE, "sign_contract", OFFICER.name, date(2019, 4, 1)),
    ]
    subject = session.exec(select(Reminder)).first()
    assert subject is not None and "签订合同" in subject.subject
    assert subject.batch_id == first.batch_id


def test_a_deadline_nobody_holds_the_role_for_is_reported(session: Session, clock: Clock) -> None:
    project_on(session, clock, "awarded", date(2019, 3, 1))
    for login in (OFFICER.name, CLOCK):
        accounts.deactivate(session, login, ADMIN)
    session.commit()

    result = tick(session, by="admin", on=date(2019, 3, 30))

    assert result.queued == 0
    assert result.unreached == [f"{CODE} 签订合同（项目干事）"]  # the step and role by name
