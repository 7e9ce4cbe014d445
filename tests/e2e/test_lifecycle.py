"""One project from draft to renewal, every step through the ``procure`` command line.

The module builds one database (init, load, then every trigger in a subprocess)
and the tests below read what it left behind.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.e2e.cli import (
    ASSESSMENT_SCORES,
    ASSESSOR,
    CHINESE,
    CODE,
    CONTRACT_NUMBER,
    LEADER,
    NARRATIVES,
    OFFICER,
    QIHANG,
    REVIEW_SCORES,
    REVIEWERS,
    SUPERVISOR,
    TONGXIN,
    Run,
    fixture,
    ok,
    procure,
    project_entry,
    sets,
    sqlite_url,
)

# (trigger, role, person, facts) in the order a year of the project goes.
STEPS: list[tuple[str, str, str, list[str]]] = [
    ("submit", "officer", OFFICER, []),
    ("approve", "leader", LEADER, []),
    ("open_call", "officer", OFFICER, []),
    # a price written as procure prints it, with thousands separators
    ("add_proposal", "officer", OFFICER, sets(organization=QIHANG, price="850,000.00")),
    ("add_proposal", "officer", OFFICER, sets(organization=TONGXIN, price="800000.00")),
    ("close_call", "officer", OFFICER, []),
    *[
        (
            "record_review",
            "reviewer",
            reviewer,
            [*sets(organization=org), *sets("scores.", **REVIEW_SCORES)],
        )
        for reviewer in REVIEWERS
        for org in (QIHANG, TONGXIN)
    ],
    ("award", "officer", OFFICER, sets(organization=QIHANG)),
    (
        "sign_contract",
        "officer",
        OFFICER,
        sets(number=CONTRACT_NUMBER, amount="850000.00", start="2024-03-01", end="2024-12-31"),
    ),
    ("start_service", "officer", OFFICER, []),
    (
        "record_payment",
        "officer",
        OFFICER,
        sets(amount="340000.00", paid_on="2024-03-15", note="首期款"),
    ),
    (
        "record_inspection",
        "supervisor",
        SUPERVISOR,
        sets(inspected_on="2024-06-20", findings="签到表、照片和服务记录齐全"),
    ),
    ("begin_assessment", "officer", OFFICER, []),
    (
        "record_assessment",
        "assessor",
        ASSESSOR,
        [
            *sets("narratives.", **NARRATIVES),
            *sets("scores.", **ASSESSMENT_SCORES),
        ],
    ),
    ("record_comment", "organization", "qihang", sets(text="无异议", acknowledged="true")),
    ("finalize_assessment", "assessor", ASSESSOR, []),
    ("renew", "officer", OFFICER, []),
]

BEIJING = timezone(timedelta(hours=8))
AWARDED_AT = datetime(2024, 2, 20, 10, tzinfo=BEIJING)
SIGNED_AT = datetime(2024, 2, 26, 10, tzinfo=BEIJING)
IN_SERVICE_AT = datetime(2024, 6, 25, 10, tzinfo=BEIJING)


def moment_of(trigger: str) -> datetime:
    """When the year's step is taken: the call and award by 20 February 2024, the signing
    on the 26th (dated that day), the service's facts and the assessment on 25 June."""
    order = [step[0] for step in STEPS]
    if order.index(trigger) < order.index("sign_contract"):
        return AWARDED_AT
    return SIGNED_AT if trigger == "sign_contract" else IN_SERVICE_AT


EXPECTED_STATES = [
    ("draft", "proposed"),
    ("proposed", "approved"),
    ("approved", "soliciting"),
    ("soliciting", "soliciting"),
    ("soliciting", "soliciting"),
    ("soliciting", "reviewing"),
    *[("reviewing", "reviewing")] * 6,
    ("reviewing", "awarded"),
    ("awarded", "contracted"),
    ("contracted", "in_service"),
    ("in_service", "in_service"),
    ("in_service", "in_service"),
    ("in_service", "assessing"),
    ("assessing", "assessing"),
    ("assessing", "assessing"),
    ("assessing", "assessed"),
    ("assessed", "renewed"),
]


@dataclass(frozen=True)
class Lifecycle:
    """The database one full lifecycle left behind, and what each command printed."""

    url: str
    loaded: Run
    advances: list[Run]


@pytest.fixture(scope="module")
def lifecycle(tmp_path_factory: pytest.TempPathFactory) -> Lifecycle:
    folder: Path = tmp_path_factory.mktemp("lifecycle")
    url = sqlite_url(folder / "procure.db")
    file = folder / "draft.yaml"
    file.write_text(fixture(project_entry(CODE, stop_after="create")), encoding="utf-8")
    ok("init", db=url)
    loaded = ok("load", str(file), "--json", db=url)
    advances = [
        ok(
            "advance",
            CODE,
            trigger,
            *("--as", role, "--by", person, *facts, "--json"),
            db=url,
            at=moment_of(trigger),
        )
        for trigger, role, person, facts in STEPS
    ]
    return Lifecycle(url, loaded, advances)


def show(lifecycle: Lifecycle) -> dict[str, Any]:
    detail: dict[str, Any] = ok("show", CODE, "--json", db=lifecycle.url).json()
    return detail


def test_load_leaves_the_fixture_project_in_draft(lifecycle: Lifecycle) -> None:
    loaded = lifecycle.loaded.json()
    assert (loaded["purchasers"], loaded["organizations"], loaded["projects"]) == (1, 3, 1)


def test_each_trigger_moves_the_project_as_the_workflow_says(lifecycle: Lifecycle) -> None:
    moves = [(run.json()["from_state"], run.json()["to_state"]) for run in lifecycle.advances]
    assert moves == EXPECTED_STATES
    assert [run.json()["trigger"] for run in lifecycle.advances] == [s[0] for s in STEPS]


def test_audit_sequence_numbers_grow_with_every_trigger(lifecycle: Lifecycle) -> None:
    seqs = [run.json()["seq"] for run in lifecycle.advances]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)


def test_show_ends_renewed_with_the_contract_payment_and_final_assessment(
    lifecycle: Lifecycle,
) -> None:
    detail = show(lifecycle)
    assert (detail["code"], detail["state"], detail["state_zh"]) == (CODE, "renewed", "已续约")
    contract = detail["contract"]
    assert contract["number"] == CONTRACT_NUMBER
    assert contract["uscc"] == QIHANG
    assert (contract["amount"], contract["start"], contract["end"]) == (
        "850000.00",
        "2024-03-01",
        "2024-12-31",
    )
    assert [(p["amount"], p["paid_on"]) for p in contract["payments"]] == [
        ("340000.00", "2024-03-15")
    ]
    assessment = detail["assessment"]
    assert assessment["final"] is True
    assert Decimal(assessment["total"]) == Decimal("94.45")
    assert (assessment["grade"], assessment["grade_zh"]) == ("excellent", "优秀")
    assert assessment["assessor"] == ASSESSOR


def test_show_computes_the_price_points_from_the_lowest_quote(lifecycle: Lifecycle) -> None:
    proposals = {p["uscc"]: p for p in show(lifecycle)["proposals"]}
    judged = sum(Decimal(v) for v in REVIEW_SCORES.values())  # 69.50
    # The lowest quote (800,000) earns the full 20 price points; 850,000 earns 18.82.
    assert Decimal(proposals[TONGXIN]["panel_score"]) == judged + 20
    assert Decimal(proposals[QIHANG]["panel_score"]) == judged + Decimal("18.82")
    for proposal in proposals.values():
        assert sorted(r["reviewer"] for r in proposal["reviews"]) == sorted(REVIEWERS)
        assert not any(r["recused"] for r in proposal["reviews"])


def test_history_records_who_did_each_step_and_in_what_role(lifecycle: Lifecycle) -> None:
    rows = ok("history", CODE, "--json", db=lifecycle.url).json()
    assert [row["trigger"] for row in rows] == ["create", *(s[0] for s in STEPS)]
    assert [(row["actor"], row["role"]) for row in rows[1:]] == [(s[2], s[1]) for s in STEPS]
    assert rows[0]["to"] == "draft"
    assert rows[-1]["from"] == "assessed" and rows[-1]["to"] == "renewed"
    assert all(row["project"] == CODE and row["hash"] for row in rows)


def test_an_auditor_may_do_nothing_to_a_renewed_project(lifecycle: Lifecycle) -> None:
    items = ok("actions", CODE, "--as", "auditor", "--json", db=lifecycle.url).json()
    assert items, "every trigger is listed, allowed or not"
    assert not [item["trigger"] for item in items if item["allowed"]]
    assert all(item["blocked_by"] for item in items)


def test_the_audit_chain_verifies_after_a_whole_lifecycle(lifecycle: Lifecycle) -> None:
    report = ok("audit", "verify", "--json", db=lifecycle.url).json()
    assert report["ok"] is True
    assert report["rows"] >= len(STEPS) + 1


def test_audit_verify_names_the_first_edited_row_and_exits_1(
    lifecycle: Lifecycle, tmp_path: Path
) -> None:
    copy = tmp_path / "tampered.db"
    shutil.copyfile(lifecycle.url.removeprefix("sqlite:///"), copy)
    engine = create_engine(sqlite_url(copy))
    with engine.begin() as connection:
        connection.execute(text("UPDATE transition_log SET actor = 'mallory' WHERE seq = 3"))
    engine.dispose()
    run = procure("audit", "verify", db=sqlite_url(copy))
    assert run.code == 1, str(run)
    assert run.stderr.startswith("error: audit chain broken at row 3"), str(run)
    assert "Traceback" not in run.stderr


def test_a_renewed_project_is_listed_under_the_renewed_state(lifecycle: Lifecycle) -> None:
    filters = ("--state", "renewed", "--purchaser", "SM-FED", "--year", "2024")
    renewed = ok("projects", *filters, "--json", db=lifecycle.url).json()
    assert [(p["code"], p["state"], p["state_zh"]) for p in renewed] == [
        (CODE, "renewed", "已续约")
    ]


def test_workflow_show_mermaid_draws_every_state_and_trigger() -> None:
    diagram = ok("workflow", "show", "--mermaid", lang=CHINESE).stdout
    assert diagram.startswith("stateDiagram-v2")
    for state in ("草拟", "履约中", "已续约", "不再合作", "整改中"):
        assert f'"{state}"' in diagram
    for step in ("提交立项申报", "确定中选组织", "确定考核结果", "续约"):
        assert f": {step}（" in diagram
