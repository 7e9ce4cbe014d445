"""``procure correct``, ``procure amend`` and ``procure approve`` at a terminal: a wrong payment
amount and a wrong contract field are corrected, the contract amended, and ``audit verify``
stays clean; refusals exit non-zero with one line and change nothing."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.e2e.cli import (
    CHINESE,
    CODE,
    LEADER,
    OFFICER,
    SUPERVISOR,
    YEAR,
    dump,
    fixture,
    in_service_history,
    ok,
    procure,
    project_entry,
    sqlite_url,
)


@pytest.fixture
def in_service(tmp_path: Path) -> str:
    """CODE in service: a contract of 850,000.00 and payment #1 of 340,000.00."""
    file = tmp_path / "year.yaml"
    history = in_service_history()
    file.write_text(
        fixture(project_entry(CODE, stop_after=None, history=history)), encoding="utf-8"
    )
    url = sqlite_url(tmp_path / "procure.db")
    ok("init", db=url)
    ok("load", str(file), db=url)
    return url


def test_a_wrong_payment_amount_is_corrected_and_approved_by_the_leader(in_service: str) -> None:
    proposed = ok(
        "correct", CODE, "payment", "1", "--set", "amount=34000.00", "--reason", "多录一个零",
        "--by", OFFICER, "--json", db=in_service,
    )  # fmt: skip
    result = json.loads(proposed.stdout)
    assert (result["state"], result["old"], result["new"]) == (
        "pending", {"amount": "340000.00"}, {"amount": "34000.00"}
    )  # fmt: skip
    approved = ok("approve", "correction", CODE, "1", "--by", LEADER, db=in_service)
    assert "approved, now in force" in approved.stdout
    shown = ok("show", CODE, "--json", db=in_service)
    assert '"34000.00"' in shown.stdout
    ok("audit", "verify", db=in_service)


def test_a_wrong_contract_field_is_corrected_at_once(in_service: str) -> None:
    run = ok(
        "correct", CODE, "contract", "--set", f"end={YEAR}-11-30", "--reason", "服务期录错",
        "--by", OFFICER, db=in_service,
    )  # fmt: skip
    assert "in force" in run.stdout
    ok("audit", "verify", db=in_service)


def test_an_amendment_is_proposed_and_approved(in_service: str) -> None:
    ok(
        "amend", CODE, "--amount", "600000.00", "--rationale", "服务对象减少",
        "--by", OFFICER, db=in_service,
    )  # fmt: skip
    run = ok("approve", "amendment", CODE, "1", "--by", LEADER, "--json", db=in_service)
    assert json.loads(run.stdout)["state"] == "applied"
    ok("audit", "verify", db=in_service)


def test_refusals_exit_non_zero_with_one_line_and_change_nothing(in_service: str) -> None:
    before = dump(in_service)
    wrong_role = procure(
        "correct", CODE, "payment", "1", "--set", "amount=1", "--reason", "r",
        "--by", SUPERVISOR, db=in_service, lang=CHINESE,
    )  # fmt: skip
    self_approval = procure("approve", "correction", CODE, "1", "--by", OFFICER, db=in_service)
    for run in (wrong_role, self_approval):
        assert run.code != 0, str(run)
        assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1
    assert "只有财务干事可以办理" in wrong_role.stderr
    assert dump(in_service) == before


def test_audit_verify_fails_on_a_correction_forged_in_the_database(in_service: str) -> None:
    ok(
        "correct", CODE, "payment", "1", "--set", "note=首期款（更正）", "--reason", "补说明",
        "--by", OFFICER, db=in_service,
    )  # fmt: skip
    path = in_service.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE correction SET reason = '领导同意'")
    run = procure("audit", "verify", db=in_service)
    assert run.code != 0
    assert "correction" in run.stdout + run.stderr
