"""The year-end keeps working (issue 18): 2027 has no holiday notice yet, so it is counted
provisionally (暂定) from the law; awards, objections, signing and the tick go on across the
year boundary, the windows granted to bidders stay open past a provisional day, and entering
a (here invented) 2027 notice makes the year official and counts every deadline again.

The clock is pinned at 2026-12-22, 2026-12-28, 2026-12-31 and 2027-01-04 as the year-end
runs, and later in January for the days the notice moves."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, col, select

from procure.domain.errors import InvalidInput, Refused
from procure.services.deadlines.calendar_entry import NoticeAdded, add_notice, show_year
from procure.services.deadlines.calendar_state import calendar_for
from procure.services.deadlines.due import DueItem, due_items
from procure.services.deadlines.tick import tick
from procure.services.lifecycle import fire as lc
from procure.services.public import objections
from procure.services.trail.check import trail_differences
from procure.store import notices, queries
from procure.store.audit import verify_chain
from procure.store.calendar_models import CalendarNotice
from procure.store.deadline_models import Reminder
from procure.store.models import TransitionLog
from tests.integration.builders import (
    ADMIN,
    OFFICER,
    QIHANG,
    RENHE,
    TONGXIN,
    Plan,
    organization_actor,
    setup_registry,
)
from tests.integration.deadline_world import CLOCK, Clock, project_on

INVENTED_2027 = Path(__file__).parents[1] / "fixtures" / "calendar" / "invented-2027-notice.yaml"
BIDS = {QIHANG: "868000.00", TONGXIN: "880000.00", RENHE: "890000.00"}


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


def plan(code: str) -> Plan:
    return Plan(code=code, year=2027, proposals=dict(BIDS))


def running(session: Session, today: date, code: str) -> dict[str, DueItem]:
    session.expire_all()
    items = due_items(session, today=today, include_expired=True)
    return {item.deadline: item for item in items if item.project == code}


def lodge(session: Session, code: str, uscc: str) -> lc.TransitionResult:
    return objections.lodge(
        session, code, organization_actor(uscc), organization=uscc, text="评分标准未统一适用"
    )


def sign(session: Session, code: str, number: str) -> lc.TransitionResult:
    params = {"number": number, "amount": "868000.00", "start": "2027-02-01", "end": "2027-12-31"}
    return lc.advance(session, code, "sign_contract", OFFICER, params=params)


def add_invented_2027(session: Session) -> NoticeAdded:
    return add_notice(session, 2027, INVENTED_2027.read_bytes(), INVENTED_2027.name, ADMIN)


def test_an_award_on_28_december_without_the_2027_notice_succeeds_with_a_provisional_window(
    session: Session, clock: Clock
) -> None:
    project_on(session, clock, "awarded", date(2026, 12, 28), plan("SM-2027-028"))

    notice = notices.current_notice(session, queries.project_by_code(session, "SM-2027-028"))
    assert notice is not None and notice.objections_close_on == date(2027, 1, 7)
    items = running(session, date(2026, 12, 28), "SM-2027-028")
    window, signing = items["objection_window"], items["sign_contract"]
    assert (window.due_on, window.provisional, window.held_until) == (
        date(2027, 1, 7),
        (2027,),
        date(2027, 1, 21),  # the bound: 10 working days after the provisional last day
    )
    assert (signing.due_on, signing.provisional, signing.held_until) == (
        date(2027, 1, 27),
        (2027,),
        None,  # the federation's own deadline runs on the provisional day
    )
    award = session.exec(select(TransitionLog).where(TransitionLog.trigger == "award")).one()
    assert '"provisional_years":[2027]' in award.data


def test_a_provisional_objection_window_stays_open_past_its_day_until_the_bound(
    session: Session, clock: Clock
) -> None:
    code = "SM-2027-028"
    project_on(session, clock, "awarded", date(2026, 12, 28), plan(code))

    clock.set(date(2027, 1, 12))  # after 7 January, the provisional last day
    lodge(session, code, TONGXIN)
    assert running(session, date(2027, 1, 12), code)["objection_window"].status == "due"
    held = tick(session, by=CLOCK, on=date(2027, 1, 12))
    assert held.fired == [] and len(held.held) == 1
    assert held.held[0].startswith(f"{code} 质疑期：已过暂定期满日 2027-01-07")
    assert "2027-01-21" in held.held[0]

    clock.set(date(2027, 1, 22))  # the bound passed with no notice entered
    with pytest.raises(Refused, match="质疑期已于 2027-01-21 截止"):
        lodge(session, code, RENHE)
    session.rollback()
    assert running(session, date(2027, 1, 22), code)["objection_window"].status == "expired"
    assert tick(session, by=CLOCK, on=date(2027, 1, 22)).held == []


def test_award_object_answer_sign_and_tick_across_the_year_boundary(
    session: Session, clock: Clock
) -> None:
    code = "SM-2027-022"
    project_on(session, clock, "awarded", date(2026, 12, 22), plan(code))
    items = running(session, date(2026, 12, 22), code)
    assert (items["objection_window"].due_on, items["objection_window"].provisional) == (
        date(2026, 12, 31),
        (),  # counted in 2026 only: official
    )
    assert (items["sign_contract"].due_on, items["sign_contract"].provisional) == (
        date(2027, 1, 21),
        (2027,),
    )

    clock.set(date(2026, 12, 31))
    lodge(session, code, TONGXIN)  # the last day of the window
    answer = running(session, date(2026, 12, 31), code)["answer_objection"]
    assert (answer.due_on, answer.provisional) == (date(2027, 1, 12), (2027,))

    clock.set(date(2027, 1, 4))
    objections.answer(
        session, code, OFFICER, organization=TONGXIN, outcome="rejected", reason="评分一致"
    )
    sign(session, code, "HT-2027-001")
    ticked = tick(session, by=CLOCK)
    assert ticked.on == date(2027, 1, 4) and ticked.fired == [] and ticked.problems == []
    assert running(session, date(2027, 1, 4), code) == {}
    assert verify_chain(session).ok


def test_entering_the_2027_notice_makes_it_official_and_moves_the_deadlines(
    session: Session, clock: Clock
) -> None:
    project_on(session, clock, "awarded", date(2026, 12, 28), plan("SM-2027-101"))
    project_on(session, clock, "awarded", date(2027, 1, 11), plan("SM-2027-103"))
    project_on(session, clock, "awarded", date(2027, 1, 20), plan("SM-2027-102"))
    clock.set(date(2027, 1, 27))
    lodge(session, "SM-2027-102", TONGXIN)
    project_on(session, clock, "soliciting", date(2027, 2, 1), plan("SM-2027-104"))
    before = {
        (i.project, i.deadline): (i.due_on, i.provisional)
        for i in due_items(session, today=date(2027, 1, 28), include_expired=True)
    }
    assert before[("SM-2027-102", "answer_objection")] == (date(2027, 2, 9), (2027,))

    clock.set(date(2027, 1, 28))
    added = add_invented_2027(session)

    assert [(m.project, m.deadline, m.before, m.after) for m in added.moved] == [
        (
            "SM-2027-102",
            "answer_objection",
            date(2027, 2, 9),
            date(2027, 2, 4),
        ),  # Sunday 31 Jan worked
        (
            "SM-2027-103",
            "sign_contract",
            date(2027, 2, 10),
            date(2027, 2, 15),
        ),  # 10 Feb is 春节 now
        ("SM-2027-104", "call_closes", date(2027, 2, 11), date(2027, 2, 15)),
    ]
    after = {
        (i.project, i.deadline): (i.due_on, i.provisional, i.held_until)
        for i in due_items(session, today=date(2027, 1, 28), include_expired=True)
    }
    assert after == {
        ("SM-2027-101", "objection_window"): (date(2027, 1, 7), (), None),
        ("SM-2027-101", "sign_contract"): (date(2027, 1, 27), (), None),
        ("SM-2027-103", "objection_window"): (date(2027, 1, 20), (), None),
        ("SM-2027-103", "sign_contract"): (date(2027, 2, 15), (), None),
        ("SM-2027-102", "objection_window"): (date(2027, 1, 29), (), None),
        ("SM-2027-102", "sign_contract"): (date(2027, 2, 19), (), None),
        ("SM-2027-102", "answer_objection"): (date(2027, 2, 4), (), None),
        ("SM-2027-104", "call_closes"): (date(2027, 2, 15), (), None),
    }
    session.expire_all()
    reminded = session.exec(select(Reminder).order_by(col(Reminder.login))).all()
    assert [(r.project_code, r.deadline, r.login, r.due_on) for r in reminded] == [
        ("SM-2027-102", "answer_objection", CLOCK, date(2027, 2, 4)),
        ("SM-2027-102", "answer_objection", OFFICER.name, date(2027, 2, 4)),
    ]
    assert "原为 2027-02-09" in reminded[0].subject
    shown = show_year(session, 2027)
    assert shown.official and shown.notice is not None
    assert (date(2027, 2, 5), date(2027, 2, 13)) in shown.days_off
    row = session.exec(select(TransitionLog).where(TransitionLog.trigger == "calendar_add")).one()
    assert (row.actor, row.role, row.project_code) == (ADMIN.name, "admin", None)
    assert "虚构" in row.reason and verify_chain(session).ok
    assert trail_differences(session) == []


def test_a_malformed_notice_is_refused_naming_the_line_and_changes_nothing(
    session: Session, clock: Clock, tmp_path: Path
) -> None:
    project_on(session, clock, "awarded", date(2026, 12, 28), plan("SM-2027-101"))
    rows = len(session.exec(select(TransitionLog)).all())
    bad = INVENTED_2027.read_text(encoding="utf-8").replace(
        "- 2027-02-20",
        "- 2027-02-19",  # a Friday: already a working day
    )

    with pytest.raises(InvalidInput, match="bad.yaml 第18行：调休上班日 2027-02-19 是周一至周五"):
        add_notice(session, 2027, bad.encode(), "bad.yaml", ADMIN)
    session.rollback()

    assert session.exec(select(CalendarNotice)).all() == []
    assert len(session.exec(select(TransitionLog)).all()) == rows
    assert calendar_for(session).is_provisional(2027)


def test_a_notice_that_leaves_out_a_holiday_of_the_law_is_refused(session: Session) -> None:
    setup_registry(session)
    without_qingming = INVENTED_2027.read_text(encoding="utf-8").replace(
        "to: 2027-04-05", "to: 2027-04-04"
    )
    with pytest.raises(InvalidInput, match="清明节 的法定假日 2027-04-05 不在任何放假范围内"):
        add_notice(session, 2027, without_qingming.encode(), "bad.yaml", ADMIN)


def test_only_an_administrator_enters_a_notice_and_only_once(
    session: Session, clock: Clock
) -> None:
    project_on(session, clock, "awarded", date(2026, 12, 28), plan("SM-2027-101"))
    content = INVENTED_2027.read_bytes()

    with pytest.raises(Refused, match="管理员"):
        add_notice(session, 2027, content, "notice.yaml", OFFICER)
    session.rollback()
    add_invented_2027(session)
    with pytest.raises(Refused, match="2027年的放假安排已是正式的"):
        add_invented_2027(session)
    session.rollback()
    with pytest.raises(Refused, match="2026年的放假安排已是正式的"):
        add_notice(session, 2026, content, "notice.yaml", ADMIN)


def test_a_notice_edited_in_the_database_is_named_by_the_trail_check(
    session: Session, clock: Clock
) -> None:
    project_on(session, clock, "awarded", date(2026, 12, 28), plan("SM-2027-101"))
    add_invented_2027(session)
    session.connection().execute(
        text("UPDATE calendar_notice SET makeup_workdays = '[\"2027-01-31\"]'")
    )
    session.commit()

    (difference,) = trail_differences(session)

    assert str(difference).startswith("calendar_notice holiday notice of 2027: makeup_workdays")
