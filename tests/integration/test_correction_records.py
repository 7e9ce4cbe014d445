"""Corrections and amendments on the evaluation record and in the dossier: the old values
shown beside the new with the reason, checked against the trail like every other fact; an
honest dossier verifies, a forged correction does not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from procure.reports.data import build_record
from procure.services.corrections.amend import approve_amendment, propose_amendment
from procure.services.corrections.correct import approve_correction, correct
from procure.services.opendata.dossier import export_dossier
from procure.services.opendata.dossier_verify import verify_dossier
from procure.services.opendata.record_trail import record_trail_differences, replay_project
from procure.services.trail.checkpoints import load_signer
from procure.store import audit
from procure.store.keyfile import create_key
from tests.integration import dossier_edits as edits
from tests.integration.builders import LEADER, OFFICER, SUPERVISOR, project_at
from tests.integration.records import needs_printing, pdf_text, squeezed

CODE = "SM-2019-001"


@pytest.fixture
def corrected(session: Session) -> Session:
    """In service, with inspection #1's date corrected, payment #1's amount corrected and
    approved, and an amendment of the amount approved."""
    project_at(session, "in_service")
    correct(
        session, CODE, "inspection", "1", {"inspected_on": "2019-07-18"}, reason="月份录错",
        by=SUPERVISOR.name,
    )  # fmt: skip
    pending = correct(
        session, CODE, "payment", "1", {"amount": "40000"}, reason="多录一个零", by=OFFICER.name
    )
    approve_correction(session, CODE, pending.number, by=LEADER.name)
    propose_amendment(session, CODE, by=OFFICER.name, amount="600000", rationale="服务量调减")
    approve_amendment(session, CODE, 1, by=LEADER.name)
    return session


def test_the_record_shows_each_correction_and_amendment_and_agrees_with_the_trail(
    corrected: Session,
) -> None:
    record = build_record(corrected, CODE)

    inspection, payment = record["corrections"]
    assert (inspection["old"], inspection["new"]) == (
        {"inspected_on": "2019-06-18"}, {"inspected_on": "2019-07-18"}
    )  # fmt: skip
    assert (payment["reason"], payment["decided_by"]) == ("多录一个零", LEADER.name)
    assert record["payments"]["items"][0]["amount"] == "40000.00"
    [amendment] = record["amendments"]
    assert (amendment["old"], amendment["amount"]) == ({"amount": "868000.00"}, "600000.00")
    assert record["contract"]["amount"] == "600000.00"
    rows = audit.rows_for_project(corrected, CODE)
    assert record_trail_differences(record, replay_project(rows)) == []


def test_a_record_whose_correction_differs_from_the_trail_is_caught(corrected: Session) -> None:
    record = build_record(corrected, CODE)
    record["corrections"][1]["new"] = {"amount": "4000.00"}
    replay = replay_project(audit.rows_for_project(corrected, CODE))
    [found] = record_trail_differences(record, replay)
    assert (found.table, found.field) == ("correction", "new")


def test_a_record_leaving_out_a_correction_is_caught(corrected: Session) -> None:
    record = build_record(corrected, CODE)
    del record["corrections"][0]
    replay = replay_project(audit.rows_for_project(corrected, CODE))
    assert [(d.table, d.row) for d in record_trail_differences(record, replay)] == [
        ("correction", f"{CODE} correction #1")
    ]


@needs_printing
def test_a_dossier_with_corrections_verifies_and_a_forged_correction_fails(
    corrected: Session, engine: Engine, database_url: str, tmp_path: Path
) -> None:
    corrected.commit()
    create_key(tmp_path / "audit.key")
    signer = load_signer(tmp_path / "audit.key")
    export_dossier(
        corrected, url=database_url, year=2019, purchaser=None, output=tmp_path / "d.zip",
        signer=signer,
    )  # fmt: skip
    assert verify_dossier(tmp_path / "d.zip").ok

    def forge(data: dict[str, Any]) -> None:
        data["corrections"][1]["reason"] = "按领导要求调整"

    name = edits.first_record(tmp_path / "d.zip")
    forged = edits.edited(
        tmp_path / "d.zip",
        tmp_path / "forged.zip",
        name,
        lambda pdf: edits.with_record_data(pdf, forge),
        sealed=True,
    )
    checked = verify_dossier(forged)
    assert not checked.ok
    assert any("correction" in check.detail for check in checked.checks if not check.ok)


@needs_printing
def test_the_printed_record_shows_the_replaced_values_with_their_reasons(
    corrected: Session,
) -> None:
    from procure.reports.render import render_pdf

    text = squeezed(pdf_text(render_pdf(build_record(corrected, CODE))))

    assert "更正与合同变更" in text
    assert "检查日期：2019-06-18→2019-07-18月份录错" in text
    assert "拨付金额：400000.00→40000.00" in text  # the replaced amount stays on the record
    assert "合同金额：868000.00→" in text
