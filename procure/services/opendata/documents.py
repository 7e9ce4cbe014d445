"""The documents of a release: the panel result, award notices, objections, assessment.

Each is plain text as the public pages show it (Chinese, as published), dated at the
Beijing offset.
"""

from __future__ import annotations

from typing import Any

from procure.services.opendata.facts import (
    AssessmentFacts,
    NoticeFacts,
    ObjectionFacts,
    ProjectFacts,
)
from procure.services.opendata.values import LANGUAGE, day_start, moment


def panel_document(facts: ProjectFacts) -> dict[str, Any]:
    lines = []
    for proposal in facts.proposals:
        place = f"第{proposal.rank}名" if proposal.rank is not None else "未排名"
        score = "—" if proposal.score is None else f"{proposal.score}"
        passed = "" if proposal.passes else "，未达及格线"
        lines.append(
            f"{place}：{proposal.organization.name}（{proposal.organization.uscc}），"
            f"报价 {proposal.price} 元，评审得分 {score}{passed}"
        )
    if facts.reviewers is not None:
        lines.append(f"评审专家：{'、'.join(facts.reviewers)}")
    document: dict[str, Any] = {
        "id": f"{facts.code}-panel",
        "documentType": "evaluationReports",
        "title": "评审结果 Panel result",
        "description": "\n".join(lines),
        "language": LANGUAGE,
    }
    if facts.notices:
        document["datePublished"] = moment(facts.notices[-1].published_at)
    return document


def notice_document(code: str, notice: NoticeFacts) -> dict[str, Any]:
    """The award notice (中选结果公示): published when, up until when, objections until when."""
    return {
        "id": f"{code}-notice-{notice.number}",
        "documentType": "awardNotice",
        "title": f"中选结果公示 第{notice.number}号",
        "description": (
            f"公示至 {notice.notice_ends_on.isoformat()}，"
            f"质疑截止 {notice.objections_close_on.isoformat()}"
        ),
        "datePublished": moment(notice.published_at),
        "language": LANGUAGE,
    }


def objection_document(
    code: str, notice: NoticeFacts, index: int, objection: ObjectionFacts
) -> dict[str, Any]:
    answer = objection.outcome_zh
    if objection.reason:
        answer = f"{answer}：{objection.reason}"
    document: dict[str, Any] = {
        "id": f"{code}-notice-{notice.number}-objection-{index}",
        "documentType": "complaints",
        "title": f"质疑 Objection：{objection.organization.name}",
        "description": f"质疑：{objection.text}\n答复：{answer}",
        "datePublished": day_start(objection.lodged_on),
        "language": LANGUAGE,
    }
    if objection.answered_on is not None:
        document["dateModified"] = day_start(objection.answered_on)
    return document


def assessment_document(code: str, assessment: AssessmentFacts) -> dict[str, Any]:
    veto = "；一票否决" if assessment.veto else ""
    document: dict[str, Any] = {
        "id": f"{code}-assessment",
        "documentType": "physicalProgressReport",
        "title": "年度绩效考核结果 Annual performance assessment",
        "description": (
            f"考核总分 {assessment.total}；等级 {assessment.grade_zh}（{assessment.grade}）"
            f"{veto}；决定 {assessment.decision_zh}"
        ),
        "language": LANGUAGE,
    }
    if assessment.finalized_at is not None:
        document["datePublished"] = moment(assessment.finalized_at)
    return document
