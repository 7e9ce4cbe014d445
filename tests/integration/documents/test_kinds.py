"""Each kind of fact takes its files from the roles ``workflows/documents.yaml`` names, found by
the reference a person types (``procure attach --to KIND --ref REF``), and each file is seen
as the fact it belongs to."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session

from procure.domain.errors import NotFound, Refused
from procure.services.corrections.amend import propose_amendment
from procure.services.documents.attach import attach
from procure.services.documents.facts import fact_id_for
from procure.services.documents.reading import attachments_as_seen
from procure.services.lifecycle import fire as lc
from procure.services.public import objections
from procure.store import queries
from procure.workflow.context import Actor
from tests.integration.builders import (
    ASSESSOR,
    CODE,
    OFFICER,
    QIHANG,
    SUPERVISOR,
    TONGXIN,
    drive,
    organization_actor,
    project_at,
)
from tests.integration.documents.files import pdf

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _attach(session: Session, kind: str, ref: str | None, by: Actor, name: str) -> None:
    fact_id = fact_id_for(session, queries.project_by_code(session, CODE), kind, ref)
    attach(
        session, project_code=CODE, fact_kind=kind, fact_id=fact_id, name=name, data=pdf(name),
        by=by,
    )  # fmt: skip


def _seen(session: Session, login: str) -> dict[str, str]:
    return {f.name: f.fact for f in attachments_as_seen(session, CODE, login)}


def test_the_service_and_the_assessment_take_their_files_from_their_own_people(
    session: Session,
) -> None:
    plan = project_at(session, "in_service")  # awarded to QIHANG, one inspection
    propose_amendment(session, CODE, by=OFFICER.name, scope="增加心理咨询", rationale="需求")
    _attach(session, "inspection", "1", SUPERVISOR, "签到表.pdf")
    _attach(session, "amendment", "1", OFFICER, "变更协议.pdf")
    drive(session, plan, "assessment_recorded", start="in_service")
    with pytest.raises(Refused, match="只能在项目履约中、整改中时上传；SM-2019-001 现在是考核中"):
        _attach(session, "inspection", "1", SUPERVISOR, "补传.pdf")
    _attach(session, "assessment", ASSESSOR.name, ASSESSOR, "评分依据.pdf")
    lc.advance(
        session, CODE, "record_comment", organization_actor(QIHANG),
        params={"text": "认可", "acknowledged": True},
    )  # fmt: skip
    _attach(session, "comment", "1", organization_actor(QIHANG), "意见函.pdf")
    with pytest.raises(Refused, match="监管检查材料.*只能由监管人员上传"):
        _attach(session, "inspection", "1", OFFICER, "代传.pdf")
    with pytest.raises(Refused, match="考核材料.*只能由考核人员上传"):
        _attach(session, "assessment", ASSESSOR.name, SUPERVISOR, "代传.pdf")
    with pytest.raises(NotFound, match="没有监管检查 '2'"):
        _attach(session, "inspection", "2", SUPERVISOR, "第二次.pdf")
    assert _seen(session, organization_actor(QIHANG).name) == {
        "签到表.pdf": "监管检查（2019-06-18）",
        "评分依据.pdf": f"考核评分表（{ASSESSOR.name}）",
        "变更协议.pdf": "合同变更 第1号",
        "意见函.pdf": "承接方意见 第1条",
    }
    assert _seen(session, organization_actor(TONGXIN).name) == {}  # the losing bidder


def test_an_objection_letter_is_the_objecting_bidders_and_the_staffs_only(
    session: Session,
) -> None:
    project_at(session, "reviewed")
    lc.award(session, CODE, OFFICER, organization=QIHANG, at=datetime(2019, 9, 30, 2, tzinfo=UTC))
    objections.lodge(
        session, CODE, organization_actor(TONGXIN), organization=TONGXIN, text="评分标准未统一适用",
        at=datetime(2019, 10, 9, 2, tzinfo=UTC),
    )  # fmt: skip
    _attach(session, "objection", TONGXIN, organization_actor(TONGXIN), "质疑函.pdf")
    with pytest.raises(NotFound, match="没有质疑"):
        _attach(session, "objection", QIHANG, organization_actor(QIHANG), "质疑函.pdf")
    assert _seen(session, organization_actor(TONGXIN).name) == {
        "质疑函.pdf": "质疑（厦门市思明区同心社会组织发展中心）"
    }
    assert _seen(session, organization_actor(QIHANG).name) == {}  # the winner
    assert set(_seen(session, OFFICER.name)) == {"质疑函.pdf"}
