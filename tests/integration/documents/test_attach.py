"""Attaching files: kept once by their SHA-256, audited, refused whole when not allowed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from procure.domain.errors import InvalidInput, NotFound, Refused
from procure.domain.language import use_language
from procure.services.documents import policy
from procure.services.documents.attach import attach, attach_permission
from procure.services.documents.blobs import sha256_of
from procure.services.documents.inspect import HostileFile
from procure.services.lifecycle import fire as lc
from procure.services.trail.check import trail_differences
from procure.store import queries
from procure.store.audit import rows_for_project, verify_chain
from procure.store.document_models import Attachment, DocumentBlob
from procure.store.models import Organization, Proposal
from procure.workflow.context import Actor
from tests.integration.builders import (
    CODE,
    OFFICER,
    QIHANG,
    REVIEWERS,
    TONGXIN,
    organization_actor,
    project_at,
)
from tests.integration.documents.files import pdf

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
"""The refusals run on SQLite only: the store's writes are tried on both backends above."""


def _proposal_id(session: Session, uscc: str) -> int:
    project = queries.project_by_code(session, CODE)
    organization = session.exec(select(Organization).where(Organization.uscc == uscc)).one()
    found = session.exec(
        select(Proposal.id).where(
            Proposal.project_id == project.id, Proposal.organization_id == organization.id
        )
    ).one()
    return int(found)


def _counts(session: Session) -> tuple[int, int, int]:
    attachments = session.scalar(select(func.count()).select_from(Attachment))
    blobs = session.scalar(select(func.count()).select_from(DocumentBlob))
    trail = len(rows_for_project(session, CODE))
    return int(attachments or 0), int(blobs or 0), trail


@pytest.fixture
def soliciting(session: Session) -> Iterator[Session]:
    """A project whose call is open, with three proposals registered."""
    project_at(session, "soliciting")
    yield session


def _attach(session: Session, uscc: str, data: bytes, by: Actor = OFFICER, name: str = "方案.pdf"):  # type: ignore[no-untyped-def]
    return attach(
        session,
        project_code=CODE,
        fact_kind="proposal",
        fact_id=_proposal_id(session, uscc),
        name=name,
        data=data,
        by=by,
    )


def test_an_attached_file_is_kept_once_by_its_sha256_and_its_upload_audited(
    soliciting: Session,
) -> None:
    session = soliciting
    data = pdf()
    first = _attach(session, QIHANG, data)
    second = _attach(session, TONGXIN, data, name="同一文件.pdf")
    assert (first.number, second.number) == (1, 2)
    assert first.sha256 == second.sha256 == sha256_of(data)
    assert first.media_type == "application/pdf" and first.size == len(data)
    assert first.uploaded_by_name == "李秀梅" and first.fact.startswith("申报方案（")
    assert _counts(session)[:2] == (2, 1)  # two attachments, the bytes kept once
    row = rows_for_project(session, CODE)[-1]
    logged = json.loads(row.data)
    assert row.trigger == "attach" and row.from_state is None
    assert {k: logged[k] for k in ("number", "fact_kind", "name", "size", "sha256")} == {
        "number": 2,
        "fact_kind": "proposal",
        "name": "同一文件.pdf",
        "size": len(data),
        "sha256": sha256_of(data),
    }
    assert logged["organization"] == TONGXIN
    assert verify_chain(session).ok
    assert trail_differences(session) == []


@SQLITE_ONLY
def test_an_organization_attaches_to_its_own_proposal_and_a_rivals_is_answered_as_missing(
    soliciting: Session,
) -> None:
    session = soliciting
    own = _attach(session, QIHANG, pdf(), by=organization_actor(QIHANG))
    assert own.uploaded_role == "organization"
    before = _counts(session)
    rival = _proposal_id(session, TONGXIN)
    with pytest.raises(NotFound) as hidden:  # a rival's proposal is hidden during the call
        _attach(session, TONGXIN, pdf(), by=organization_actor(QIHANG))
    assert str(hidden.value) == f"项目 {CODE} 没有这条申报方案（{rival}）"
    assert _counts(session) == before


@SQLITE_ONLY
def test_a_reviewer_may_not_attach_a_proposal_document(soliciting: Session) -> None:
    before = _counts(soliciting)
    with pytest.raises(Refused, match="申报文件.*只能由财务干事、承接方上传"):
        _attach(soliciting, QIHANG, pdf(), by=REVIEWERS[0])
    with pytest.raises(Refused, match="不是评审专家"):
        _attach(soliciting, QIHANG, pdf(), by=Actor(REVIEWERS[0].name, "reviewer"))
    assert _counts(soliciting) == before


@SQLITE_ONLY
def test_proposal_documents_are_refused_once_the_call_has_closed(soliciting: Session) -> None:
    session = soliciting
    proposal = _proposal_id(session, QIHANG)
    lc.close_call(session, CODE, OFFICER)
    before = _counts(session)
    with pytest.raises(Refused, match="只能在项目征集中时上传；SM-2019-001 现在是评审中"):
        attach(
            session, project_code=CODE, fact_kind="proposal", fact_id=proposal,
            name="补充.pdf", data=pdf(), by=OFFICER,
        )  # fmt: skip
    assert _counts(session) == before
    permission = attach_permission(
        session, project_code=CODE, fact_kind="proposal", fact_id=proposal, login=OFFICER.name
    )
    assert not permission.allowed and "评审中" in permission.reason


@SQLITE_ONLY
def test_an_upload_is_refused_in_english_when_english_is_in_use(soliciting: Session) -> None:
    session = soliciting
    before = _counts(session)
    with use_language("en"):
        with pytest.raises(
            Refused,
            match=r"Proposal files \(plan, .*\) may be uploaded only by "
            r"Project officer, Service organization, not by the Review expert",
        ):
            _attach(session, QIHANG, pdf(), by=Actor(REVIEWERS[0].name, "reviewer"))
        with pytest.raises(NotFound, match=f"^Project {CODE} has no such proposal \\(999999\\)$"):
            attach(
                session, project_code=CODE, fact_kind="proposal", fact_id=999_999,
                name="a.pdf", data=pdf(), by=OFFICER,
            )  # fmt: skip
        assert _counts(session) == before
        lc.close_call(session, CODE, OFFICER)
        before = _counts(session)
        with pytest.raises(
            Refused, match="only while the project is Soliciting proposals; SM-2019-001 is now "
            "Under review"
        ):  # fmt: skip
            _attach(session, QIHANG, pdf(), by=OFFICER)
    assert _counts(session) == before


@SQLITE_ONLY
def test_a_hostile_file_is_refused_and_nothing_is_stored(soliciting: Session) -> None:
    before = _counts(soliciting)
    with pytest.raises(HostileFile):
        _attach(soliciting, QIHANG, b"<html><script>alert(1)</script></html>", name="方案.pdf")
    assert _counts(soliciting) == before


@SQLITE_ONLY
def test_files_beyond_the_project_limit_are_refused_and_nothing_is_stored(
    soliciting: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = soliciting
    first = pdf()
    small = replace(policy.document_rules(), project_bytes=len(first) + 10)
    monkeypatch.setattr("procure.services.documents.attach.document_rules", lambda: small)
    _attach(session, QIHANG, first)
    before = _counts(session)
    with pytest.raises(Refused, match="附件合计不得超过"):
        _attach(session, TONGXIN, pdf())
    assert _counts(session) == before


@SQLITE_ONLY
def test_a_fact_of_another_project_or_kind_is_not_found(soliciting: Session) -> None:
    with pytest.raises(NotFound, match="没有这条申报方案"):
        attach(
            soliciting, project_code=CODE, fact_kind="proposal", fact_id=999_999,
            name="a.pdf", data=pdf(), by=OFFICER,
        )  # fmt: skip
    with pytest.raises(InvalidInput, match="附件所属事实 'letters' 不存在"):
        attach(
            soliciting, project_code=CODE, fact_kind="letters", fact_id=None,
            name="a.pdf", data=pdf(), by=OFFICER,
        )  # fmt: skip
    with pytest.raises(InvalidInput, match="请指明附件属于哪一条申报方案"):
        attach(
            soliciting, project_code=CODE, fact_kind="proposal", fact_id=None,
            name="a.pdf", data=pdf(), by=OFFICER,
        )  # fmt: skip
