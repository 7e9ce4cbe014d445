"""Who sees which attached file: each file passes the gate as the fact it belongs to, and a
file one may not see is answered exactly as a missing one."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from procure.domain.errors import NotFound
from procure.reports.data import build_record
from procure.services.documents.attach import attach
from procure.services.documents.reading import attachments_as_seen, open_as_seen
from procure.services.visibility.reading import history_as_seen, visible_trail_rows
from procure.store import queries
from procure.store.audit import rows_for_project
from procure.store.db import make_engine, new_session
from procure.store.models import Organization, Proposal
from tests.databases import SqliteTemplates
from tests.integration.builders import (
    AUDITOR,
    CODE,
    OFFICER,
    QIHANG,
    REVIEWERS,
    SUPERVISOR,
    TONGXIN,
    Plan,
    drive,
    organization_actor,
    project_at,
)
from tests.integration.documents.files import pdf

WINNER, LOSER = TONGXIN, QIHANG


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory, sqlite_templates: SqliteTemplates
) -> Iterator[Engine]:
    """A project whose call had a document from each of two bidders, then awarded to
    TONGXIN and contracted with its scan attached; the tests only read it."""
    path = tmp_path_factory.mktemp("documents") / "procure.db"
    sqlite_templates.copy_to("migrated", path)
    engine = make_engine(f"sqlite:///{path}")
    with new_session(engine) as session:
        plan = project_at(session, "soliciting", Plan(winner=WINNER))
        for uscc in (LOSER, WINNER):
            attach(
                session, project_code=CODE, fact_kind="proposal",
                fact_id=_proposal_id(session, uscc), name=f"{uscc}-方案.pdf", data=pdf(),
                by=organization_actor(uscc),
            )  # fmt: skip
        drive(session, plan, "contracted", start="soliciting")
        attach(
            session, project_code=CODE, fact_kind="contract", fact_id=None,
            name="合同扫描件.pdf", data=pdf("合同"), by=OFFICER,
        )  # fmt: skip
    yield engine
    engine.dispose()


def _proposal_id(session: Session, uscc: str) -> int:
    project = queries.project_by_code(session, CODE)
    organization = session.exec(select(Organization).where(Organization.uscc == uscc)).one()
    statement = select(Proposal.id).where(
        Proposal.project_id == project.id, Proposal.organization_id == organization.id
    )
    return int(session.exec(statement).one())


@pytest.fixture
def session(world: Engine) -> Iterator[Session]:
    with new_session(world) as opened:
        yield opened


def _names(session: Session, login: str | None) -> set[str]:
    return {file.name for file in attachments_as_seen(session, CODE, login)}


BIDS = {f"{LOSER}-方案.pdf", f"{WINNER}-方案.pdf"}


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        pytest.param(OFFICER.name, {*BIDS, "合同扫描件.pdf"}, id="officer"),
        pytest.param(AUDITOR.name, {*BIDS, "合同扫描件.pdf"}, id="auditor"),
        pytest.param(SUPERVISOR.name, {*BIDS, "合同扫描件.pdf"}, id="supervisor"),
        pytest.param(None, {*BIDS, "合同扫描件.pdf"}, id="operator"),
        pytest.param(REVIEWERS[0].name, BIDS, id="panel reviewer: the bids, not the contract"),
        pytest.param(
            organization_actor(WINNER).name,
            {f"{WINNER}-方案.pdf", "合同扫描件.pdf"},
            id="winner: its own bid and its contract",
        ),
        pytest.param(
            organization_actor(LOSER).name, {f"{LOSER}-方案.pdf"}, id="loser: its own bid only"
        ),
    ],
)
def test_each_relation_sees_the_files_of_the_facts_it_may_see(
    session: Session, who: str | None, sees: set[str]
) -> None:
    assert _names(session, who) == sees


def test_a_hidden_file_is_answered_exactly_as_a_missing_one(session: Session) -> None:
    rival = next(f for f in attachments_as_seen(session, CODE, None) if WINNER in f.name)
    loser = organization_actor(LOSER).name
    with pytest.raises(NotFound) as hidden:
        open_as_seen(session, rival.id, loser)
    with pytest.raises(NotFound) as missing:
        open_as_seen(session, 987_654, loser)
    assert str(hidden.value) == str(missing.value).replace("987654", str(rival.id))
    meta, data = open_as_seen(session, rival.id, organization_actor(WINNER).name)
    assert meta.name == rival.name and meta.sha256 == rival.sha256 and len(data) == meta.size


def test_an_account_outside_the_project_reads_no_file(session: Session) -> None:
    outsider = organization_actor("91350200MA2XXXXXX0".lower())
    with pytest.raises(NotFound):
        attachments_as_seen(session, CODE, outsider.name)


def test_the_upload_rows_of_a_rivals_files_are_left_out_of_a_bidders_history(
    session: Session,
) -> None:
    def uploads(login: str) -> list[str]:
        rows = history_as_seen(session, CODE, login)
        return [str(row["data"].get("name")) for row in rows if row["trigger"] == "attach"]

    assert uploads(organization_actor(LOSER).name) == [f"{LOSER}-方案.pdf"]
    assert uploads(OFFICER.name) == [f"{LOSER}-方案.pdf", f"{WINNER}-方案.pdf", "合同扫描件.pdf"]


@dataclass(frozen=True)
class _Row:
    project: str | None
    seq: int
    trigger: str
    actor: str


def test_the_audit_pages_show_a_bidder_the_upload_rows_of_its_own_files_only(
    session: Session,
) -> None:
    rows = [
        _Row(r.project_code, r.seq, r.trigger, r.actor) for r in rows_for_project(session, CODE)
    ]
    uploads = [row for row in rows if row.trigger == "attach"]
    assert len(visible_trail_rows(session, OFFICER.name, uploads)) == 3
    own = visible_trail_rows(session, organization_actor(LOSER).name, uploads)
    assert [row.actor for row in own] == [organization_actor(LOSER).name]


def test_the_record_lists_the_files_its_organization_may_see_with_their_hashes(
    session: Session,
) -> None:
    record = build_record(session, CODE)
    listed = {item["name"]: item for item in record["attachments"]}
    assert set(listed) == {f"{WINNER}-方案.pdf", "合同扫描件.pdf"}  # not the loser's bid
    files = {f.name: f for f in attachments_as_seen(session, CODE, None)}
    scan = listed["合同扫描件.pdf"]
    assert (scan["sha256"], scan["size"]) == (
        files["合同扫描件.pdf"].sha256,
        files["合同扫描件.pdf"].size,
    )
    assert (scan["fact_zh"], scan["uploaded_by_name"]) == ("合同", "李秀梅")
