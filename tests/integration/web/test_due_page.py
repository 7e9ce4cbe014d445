"""The due page: the deadlines the signed-in account must act on, as ``procure due --as``."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlmodel import Session

from procure.services.lifecycle.clock import now_utc
from procure.store import jobs as job_store
from tests.integration.builders import CODE, LEADER, OFFICER, Plan, drive
from tests.integration.web.support import set_passwords, sign_in


def test_the_officer_sees_the_open_call_due_and_the_leader_does_not(
    client: TestClient, registered: Session
) -> None:
    drive(registered, Plan(), "soliciting")
    set_passwords(registered, OFFICER.name, LEADER.name)
    sign_in(client, OFFICER.name)
    page = client.get("/due")
    assert page.status_code == 200
    assert f'href="/projects/{CODE}"' in page.text and "期满自动截止征集" in page.text
    sign_in(client, LEADER.name)
    assert "没有到期事项" in client.get("/due").text


def test_an_unknown_period_is_refused_in_plain_words(
    client: TestClient, registered: Session
) -> None:
    set_passwords(registered, OFFICER.name)
    sign_in(client, OFFICER.name)
    page = client.get("/due?within=1000")
    assert page.status_code == 400 and "期限只能选 7, 14, 30, 90 天之一" in page.text


def test_the_page_says_when_the_daily_tick_last_ran_and_nothing_of_what_it_touched(
    client: TestClient, registered: Session
) -> None:
    set_passwords(registered, OFFICER.name)
    sign_in(client, OFFICER.name)
    assert "后台尚未运行" in client.get("/due").text
    job = job_store.new_job(
        registered,
        kind="tick",
        key="tick:2019-10-09",
        params={"by": "clock", "on": "2019-10-09"},
        requested_by="clock",
        at=datetime(2019, 10, 9, 6, tzinfo=UTC),
    )
    assert job.id is not None
    job_store.finish(registered, job.id, result="jobs/1-tick.json", at=now_utc())
    registered.commit()

    line = client.get("/due").text.split('id="daily-tick"')[1].split("</p>")[0]
    assert "2019-10-09" in line and "已完成" in line
    assert "tick.json" not in line and CODE not in line


def test_a_deadline_passed_years_ago_is_summed_up_not_counted_in_days(
    client: TestClient, registered: Session
) -> None:
    drive(registered, Plan(), "awarded")  # awarded in February 2019, never signed
    set_passwords(registered, OFFICER.name)
    sign_in(client, OFFICER.name)

    page = client.get("/due").text

    older = page.split('id="older-overdue">')[1].split("</p>")[0]
    assert "另有 1 项期限早在 2025 年以前已过（最早 2019年3月22日）" in older
    assert f'<a href="/projects/{CODE}">{CODE}</a>' in older
    assert "逾期 " not in page and "-27" not in page  # no day count of seven years


def test_the_due_list_reads_in_chinese_with_the_days_left_and_the_rule_in_words(
    client: TestClient, registered: Session
) -> None:
    drive(registered, Plan(award_now=True), "awarded")  # awarded today: 30 days to sign
    set_passwords(registered, OFFICER.name)
    sign_in(client, OFFICER.name)

    row = client.get("/due").text.split('<tr class="due-due">')[1].split("</tr>")[0]

    assert "签订合同" in row and "项目干事" in row and "还剩 30 天" in row
    assert "进入“已中选”后 30 个自然日内" in row
    assert not re.search(r"[A-Za-z]{3,}", re.sub(r"<[^>]+>|SM-\d{4}-\d{3}", "", row))
