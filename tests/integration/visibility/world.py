"""The Siming demo with a 2020 project under review and one awarded, as the visibility tests
read it.

SM-2019-002 is the demo's finished year: tongxin won it (payments, an inspection, an
assessment with its narrative), renhe and qihang lost. SM-2020-010 is driven to 评审: qihang
and tongxin bid, 陈建华 and 黄志明 have scored both proposals, 林晓燕 has scored none, 郑丽娟 has
declared a conflict with tongxin and scored nothing; the officer corrected her recusal's
reason. SM-2020-011 is awarded, not yet contracted: qihang (the winner) and tongxin bid,
陈建华, 黄志明 and 林晓燕 scored both (on tongxin's team 黄志明 gives 3, the others 7: a spread
flag), 郑丽娟 declared a conflict with tongxin. SM-2019-002's contract carries an approved
amendment of its scope, and the supervisor corrected its inspection's findings (a
correction its winner's record shows). Files are attached (see :func:`attach_files`): a plan
to tongxin's proposal on SM-2020-010 and to qihang's on SM-2020-011, the contract's scan and
an inspection's photos, an assessment sheet's basis, tongxin's comment's and renhe's
objection's letters on SM-2019-002, each with its marker in its file name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

import pytest
from sqlmodel import Session

from procure.services.corrections import amend
from procure.services.corrections import correct as corrections_module
from procure.services.corrections.correct import correct
from procure.services.documents import attach as attach_module
from procure.services.documents.attach import attach
from procure.services.documents.facts import fact_id_for
from procure.services.lifecycle import registry
from procure.services.lifecycle.fire import perform
from procure.services.loading.demo import DEMO_OFFICER, demo_draft, open_for_browser
from procure.store import queries
from procure.workflow.context import Actor
from tests.hostile_documents import text_pdf

DRAFT_YEAR = 2020
REVIEWING = demo_draft(DRAFT_YEAR).code
FINISHED = "SM-2019-002"
AWARDED_ONLY = "SM-2020-011"
QIHANG, TONGXIN, RENHE = "52350203MJ0316852A", "52350203MJ0427391G", "52350203MJ05391468"
OBJECTOR = "51350203MJ0193275R"  # 职工志愿者协会 objected on SM-2019-002
SCORED, UNSCORED = ("陈建华", "黄志明"), "林晓燕"
RECUSED = "郑丽娟"
RECUSAL_REASON = "MK-RECUSAL 与该机构负责人系同学"
CORRECTION_REASON = "MK-CORRECTION 原理由漏写关系"
AMENDMENT_RATIONALE = "MK-AMENDMENT 增加心理辅导场次"
INSPECTION_FIX = "MK-INSPECTIONFIX 补记检查时间"
PROPOSAL_FILE = "MK-PROPFILE-tongxin.pdf"
AWARDED_PROPOSAL_FILE = "MK-AWARDFILE-qihang.pdf"
CONTRACT_FILE = "MK-CONTRACTFILE.pdf"
INSPECTION_FILE = "MK-INSPECTFILE.pdf"
ASSESSMENT_FILE = "MK-ASSESSFILE.pdf"
COMMENT_FILE = "MK-COMMENTFILE.pdf"
OBJECTION_FILE = "MK-OBJECTFILE.pdf"
CHEN_SHEET = {
    "needs_analysis": "9",
    "service_plan": "19",
    "outputs_outcomes": "9",
    "management_risk": "9",
    "team": "9",
    "past_performance": "8",
    "budget_reasonableness": "9",
}
HUANG_SHEET = {**CHEN_SHEET, "service_plan": "12", "team": "6"}
AWARD_RECUSAL = "MK-AWARDRECUSAL 曾在该机构兼职"
WINNER_SHEET = dict.fromkeys(CHEN_SHEET, "8") | {"service_plan": "17", "past_performance": "7"}
RIVAL_SHEET = dict.fromkeys(CHEN_SHEET, "7") | {"service_plan": "14", "past_performance": "6"}
AWARD_SHEETS = {  # the awarded project's sheets: reviewer -> (on qihang, on tongxin)
    "陈建华": ({**WINNER_SHEET, "service_plan": "19"}, RIVAL_SHEET),
    "黄志明": ({**WINNER_SHEET, "service_plan": "16"}, {**RIVAL_SHEET, "team": "3"}),
    "林晓燕": (WINNER_SHEET, RIVAL_SHEET),
}


def drive_to_review(session: Session) -> None:
    """Give the demo accounts the demo password and drive SM-2020-010 into review; commit."""
    open_for_browser(session, year=DRAFT_YEAR)

    def fire(trigger: str, actor: Actor, **params: object) -> None:
        perform(session, REVIEWING, trigger, actor, params=params)

    fire("submit", DEMO_OFFICER)
    fire("approve", Actor("张志远", "leader"))
    fire("open_call", DEMO_OFFICER)
    fire("add_proposal", DEMO_OFFICER, organization=QIHANG, price="288000.00")
    fire("add_proposal", DEMO_OFFICER, organization=TONGXIN, price="296000.00")
    attach_proposal_file(session, REVIEWING, TONGXIN, PROPOSAL_FILE)
    fire("close_call", DEMO_OFFICER)
    same_sheet_for_both = {
        reviewer: (sheet, sheet)
        for reviewer, sheet in zip(SCORED, (CHEN_SHEET, HUANG_SHEET), strict=True)
    }
    _panel_sits(fire, same_sheet_for_both, RECUSAL_REASON)
    correct(
        session,
        REVIEWING,
        "recusal",
        f"{TONGXIN}/{RECUSED}",
        {"reason": f"{RECUSAL_REASON}、同一届理事"},
        reason=CORRECTION_REASON,
        by=DEMO_OFFICER.name,
    )
    drive_to_award(session)
    amend_finished(session)
    attach_finished_files(session)
    session.commit()


def drive_to_award(session: Session) -> None:
    """Draft SM-2020-011, take it through a full panel and award it to qihang (no contract)."""
    draft = demo_draft(DRAFT_YEAR)
    registry.create_project(
        session, replace(draft, code=AWARDED_ONLY, title="社区职工法律援助服务"), DEMO_OFFICER
    )

    def fire(trigger: str, actor: Actor, **params: object) -> None:
        perform(session, AWARDED_ONLY, trigger, actor, params=params)

    fire("submit", DEMO_OFFICER)
    fire("approve", Actor("张志远", "leader"))
    fire("open_call", DEMO_OFFICER)
    fire("add_proposal", DEMO_OFFICER, organization=QIHANG, price="283000.00")
    fire("add_proposal", DEMO_OFFICER, organization=TONGXIN, price="294000.00")
    attach_proposal_file(session, AWARDED_ONLY, QIHANG, AWARDED_PROPOSAL_FILE)
    fire("close_call", DEMO_OFFICER)
    _panel_sits(fire, AWARD_SHEETS, AWARD_RECUSAL)
    fire("award", DEMO_OFFICER, organization=QIHANG)


def amend_finished(session: Session) -> None:
    """Amend and approve the scope of SM-2019-002's contract, and correct its inspection's
    findings. The finished year is past the stages of both, so the world lifts them for this
    one build (the rule under test is who sees them, not when they may be made)."""
    rules = amend.default_corrections()
    stages = (*rules.amendments.stages, "renewed")
    inspection = rules.kinds["inspection"]
    lifted = replace(
        rules,
        amendments=replace(rules.amendments, stages=stages),
        kinds={**rules.kinds, "inspection": replace(inspection, stages=(*stages, "renewed"))},
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(amend, "default_corrections", lambda: lifted)
        patch.setattr(corrections_module, "default_corrections", lambda: lifted)
        correct(
            session,
            FINISHED,
            "inspection",
            "1",
            {"findings": "已建立社会组织联系台账（补记）"},
            reason=INSPECTION_FIX,
            by="王丽华",
        )
        amend.propose_amendment(
            session,
            FINISHED,
            by=DEMO_OFFICER.name,
            rationale=AMENDMENT_RATIONALE,
            scope="增加心理辅导场次",
        )
        amend.approve_amendment(session, FINISHED, 1, by="张志远")


def attach_proposal_file(session: Session, code: str, uscc: str, name: str) -> None:
    """The officer attaches the file ``name`` to ``uscc``'s proposal (the call is open)."""
    project = queries.project_by_code(session, code)
    organization = queries.organization_by_uscc(session, uscc)
    assert organization is not None
    (proposal,) = [
        proposal
        for proposal in queries.proposals_of(session, project)
        if proposal.organization_id == organization.id
    ]
    data = text_pdf("Service plan", name)
    attach(
        session, project_code=code, fact_kind="proposal", fact_id=proposal.id,
        name=name, data=data, by=DEMO_OFFICER,
    )  # fmt: skip


def attach_finished_files(session: Session) -> None:
    """Attach a file to SM-2019-002's contract, an inspection, an assessment sheet, the
    comment and the objection; its state is past every kind's states: the world lifts the
    state check for this one build."""
    project = queries.project_by_code(session, FINISHED)
    inspection = queries.inspections_of(session, project)[0]
    sheet = queries.assessment_sheets(session, project)[0]
    comment = queries.comments_of(session, project)[0]
    objection = fact_id_for(session, project, "objection", OBJECTOR)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(attach_module, "_check_state", lambda _project, _rule: None)
        attach(
            session, project_code=FINISHED, fact_kind="contract", fact_id=None,
            name=CONTRACT_FILE, data=text_pdf("Contract", CONTRACT_FILE), by=DEMO_OFFICER,
        )  # fmt: skip
        attach(
            session, project_code=FINISHED, fact_kind="inspection", fact_id=inspection.id,
            name=INSPECTION_FILE, data=text_pdf("Inspection", INSPECTION_FILE),
            by=Actor("王丽华", "supervisor"),
        )  # fmt: skip
        for kind, fact_id, name, actor in (
            ("assessment", sheet.id, ASSESSMENT_FILE, Actor(sheet.assessor, "assessor")),
            ("comment", comment.id, COMMENT_FILE, DEMO_OFFICER),
            ("objection", objection, OBJECTION_FILE, DEMO_OFFICER),
        ):
            attach(
                session, project_code=FINISHED, fact_kind=kind, fact_id=fact_id,
                name=name, data=text_pdf(kind, name), by=actor,
            )  # fmt: skip


def _panel_sits(
    fire: Callable[..., None], sheets: Mapping[str, Sequence[object]], recusal: str
) -> None:
    """Each reviewer's sheets on qihang's and tongxin's proposals, in that order; then
    RECUSED declares a conflict with tongxin."""
    for reviewer, pair in sheets.items():
        for organization, sheet in zip((QIHANG, TONGXIN), pair, strict=True):
            fire(
                "record_review",
                Actor(reviewer, "reviewer"),
                organization=organization,
                scores=sheet,
            )
    fire(
        "record_recusal",
        Actor(RECUSED, "reviewer"),
        organization=TONGXIN,
        reviewer=RECUSED,
        reason=recusal,
    )
