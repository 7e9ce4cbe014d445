"""``procure due`` and ``procure tick`` as typed at a terminal (in-process runner)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from procure.cli import main
from procure.store.db import make_engine, new_session
from procure.store.migrate import upgrade
from tests.e2e.cli import CHINESE, IN_ENGLISH, Run
from tests.integration.builders import CODE, OFFICER
from tests.integration.deadline_world import CLOCK, Clock, project_on


def run(db: str, *args: str, env: dict[str, str] | None = None) -> Run:
    with CliRunner().isolation(env={"PROCURE_DB": db, **IN_ENGLISH, **(env or {})}) as (
        out,
        err,
        _,
    ):
        code = main(list(args))
        return Run(args, code, out.getvalue().decode(), err.getvalue().decode())


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A database whose call for proposals opened on 25 September 2019."""
    url = f"sqlite:///{tmp_path}/procure.db"
    engine = make_engine(url)
    upgrade(engine)
    with new_session(engine) as session:
        project_on(session, Clock(monkeypatch), "soliciting", date(2019, 9, 25))
    engine.dispose()
    monkeypatch.undo()
    yield url


def test_due_lists_the_open_call_with_its_rule(db: str) -> None:
    shown = run(db, "due", "--on", "2019-10-01", env={"LANG": CHINESE})
    listed = run(db, "due", "--on", "2019-10-01", "--as", OFFICER.name, "--json")

    assert shown.code == 0, shown.stderr
    assert "征集截止" in shown.stdout and "2019-10-08" in shown.stdout
    assert "calendar days" not in shown.stdout and "by officer" not in shown.stdout  # one language
    assert "个自然日内" in shown.stdout  # the rule, in Chinese
    assert [
        (i["project"], i["deadline"], i["due_on"], i["status"]) for i in json.loads(listed.stdout)
    ] == [(CODE, "call_closes", "2019-10-08", "due")]


def test_due_filters_by_overdue_and_within(db: str) -> None:
    assert json.loads(run(db, "due", "--on", "2019-10-01", "--overdue", "--json").stdout) == []
    assert json.loads(run(db, "due", "--on", "2019-09-26", "--within", "7d", "--json").stdout) == []
    assert run(db, "due", "--on", "2019-09-26", "--within", "7d").stdout.strip() == (
        "Nothing is due"
    )
    bad = run(db, "due", "--within", "a week")
    assert (bad.code, bad.stderr.strip()) == (
        1,
        "error: --within 'a week': give a number of days such as 7d",
    )


def test_tick_closes_the_call_once(db: str) -> None:
    first = run(db, "tick", "--at", "2019-10-09", "--by", CLOCK, "--json")
    again = run(db, "tick", "--at", "2019-10-09", "--json", env={"PROCURE_TICK_BY": CLOCK})

    assert first.code == 0, first.stderr
    fired = json.loads(first.stdout)["fired"]
    assert [(f["project"], f["trigger"]) for f in fired] == [(CODE, "close_call")]
    assert json.loads(again.stdout)["fired"] == []
    state = json.loads(run(db, "show", CODE, "--json").stdout)["state"]
    assert state == "reviewing"


def test_tick_says_which_account_to_name(db: str) -> None:
    refused = run(db, "tick", "--at", "2019-10-09")

    assert refused.code == 1
    assert "name the account the tick acts through: --by LOGIN" in refused.stderr


def test_tick_prints_what_it_did_for_a_person(db: str) -> None:
    shown = run(db, "tick", "--at", "2019-10-09", "--by", CLOCK)

    assert shown.code == 0, shown.stderr
    assert f"Done: Close the call and start review on {CODE}" in shown.stdout
    assert "Reminders queued: 0" in shown.stdout


def test_an_administrator_sets_the_address_reminders_go_to(db: str) -> None:
    set_it = run(db, "users", "email", OFFICER.name, "lxm@example.org", "--by", "admin")
    bad = run(
        db, "users", "email", OFFICER.name, "not an address", "--by", "admin",
        env={"LANG": CHINESE},
    )  # fmt: skip

    assert set_it.code == 0, set_it.stderr
    assert bad.code == 1 and "不是电子邮箱地址" in bad.stderr


def test_tick_by_an_auditor_is_refused_and_queues_nothing(db: str) -> None:
    from tests.integration.builders import AUDITOR

    refused = run(db, "tick", "--at", "2019-10-09", "--by", AUDITOR.name, env={"LANG": CHINESE})
    history = run(db, "history", CODE, "--json")

    assert refused.code == 1
    assert refused.stderr.strip().startswith("错误：每日检查被拒绝：")
    assert "既没有项目干事授权，也没有管理员授权" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert "close_call" not in history.stdout
    assert json.loads(run(db, "show", CODE, "--json").stdout)["state"] == "soliciting"
