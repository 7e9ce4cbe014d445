"""The matrix's world as the test states it (not as the gate works it out): each viewer's
relation to each fact, each fact's markers, and what the policy lets each viewer see."""

from __future__ import annotations

from dataclasses import dataclass

from procure.domain.visibility import Moments, VisibilityPolicy
from tests.integration.visibility.world import (
    AMENDMENT_RATIONALE,
    ASSESSMENT_FILE,
    AWARD_RECUSAL,
    AWARDED_ONLY,
    AWARDED_PROPOSAL_FILE,
    COMMENT_FILE,
    CONTRACT_FILE,
    CORRECTION_REASON,
    FINISHED,
    INSPECTION_FILE,
    INSPECTION_FIX,
    OBJECTION_FILE,
    OBJECTOR,
    PROPOSAL_FILE,
    QIHANG,
    RECUSAL_REASON,
    RECUSED,
    RENHE,
    REVIEWING,
    TONGXIN,
)


@dataclass(frozen=True)
class Viewer:
    """One account of the demo and what it is to the world's projects."""

    login: str
    staff: str | None = None
    organization: str | None = None
    reviews: frozenset[str] = frozenset()  # projects it has scored (or recused) completely
    reaches: frozenset[str] = frozenset({REVIEWING, AWARDED_ONLY, FINISHED})


VIEWERS = (
    Viewer("李秀梅", staff="officer"),
    Viewer("张志远", staff="leader"),
    Viewer("王丽华", staff="supervisor"),
    Viewer("厦门市社会组织评估中心·刘建国", staff="assessor"),
    Viewer("何静", staff="auditor"),
    Viewer("admin", staff="admin"),
    Viewer("陈建华", reviews=frozenset({REVIEWING, AWARDED_ONLY, FINISHED})),
    Viewer("林晓燕", reviews=frozenset({AWARDED_ONLY})),
    Viewer(RECUSED),
    Viewer("qihang", organization=QIHANG, reaches=frozenset({REVIEWING, AWARDED_ONLY})),
    Viewer("tongxin", organization=TONGXIN),
    Viewer("renhe", organization=RENHE, reaches=frozenset({FINISHED})),
)
AWARDED = {REVIEWING: None, AWARDED_ONLY: QIHANG, FINISHED: TONGXIN}


@dataclass(frozen=True)
class Fact:
    """A marker in the world: the kinds of fact it shows (all must be visible), on which
    project, about which organization, written by which reviewer; ``needs``: kinds that
    must be visible too without the surface showing them (a correction needs the fact it
    corrects)."""

    name: str
    kinds: tuple[str, ...]
    project: str
    markers: tuple[str, ...]
    owner: str | None = None
    author: str | None = None
    needs: tuple[str, ...] = ()


FACTS = (
    Fact("rival price", ("proposal",), REVIEWING, ("296,000.00", "296000.00"), TONGXIN),
    Fact("own price", ("proposal",), REVIEWING, ("288,000.00", "288000.00"), QIHANG),
    Fact(
        "a reviewer's sheet and name",
        ("review_sheet", "reviewer_identity"),
        REVIEWING,
        ("黄志明",),
        QIHANG,
        "黄志明",
    ),
    Fact("a sheet's total", ("review_sheet",), REVIEWING, ("82.00",), QIHANG, "黄志明"),
    Fact("the panel score", ("panel_result",), REVIEWING, ("87.00",), QIHANG),
    Fact("a spread flag", ("spread_flags",), REVIEWING, ("分歧较大",), QIHANG),
    Fact("a recusal", ("recusal",), REVIEWING, (RECUSAL_REASON,), TONGXIN, RECUSED),
    Fact("the contract", ("contract",), FINISHED, ("思总工购〔2019〕2号",), TONGXIN),
    Fact("the contract's amount", ("contract",), FINISHED, ("776,000.00", "776000"), TONGXIN),
    Fact("a payment", ("payment",), FINISHED, ("310,400.00", "310400.00"), TONGXIN),
    Fact("an inspection", ("inspection",), FINISHED, ("已建立社会组织联系台账",), TONGXIN),
    Fact("the narrative", ("assessment",), FINISHED, ("建议下一年度改进培训课程",), TONGXIN),
    Fact("the comment", ("organization_comment",), FINISHED, ("认可考核结论",), TONGXIN),
    Fact("an objection", ("objection",), FINISHED, ("我会报价最低",), OBJECTOR),
    Fact("a process step", ("audit_row",), FINISHED, ("start_service", "开始履约")),
    Fact(
        "a correction of a recusal",
        ("correction",),
        REVIEWING,
        (CORRECTION_REASON,),
        TONGXIN,
        RECUSED,
        needs=("recusal", "reviewer_identity"),
    ),
    Fact(
        "a correction of an inspection",
        ("correction",),
        FINISHED,
        (INSPECTION_FIX.split()[0],),  # a table cell's first word: the PDF wraps the rest
        TONGXIN,
        needs=("inspection",),
    ),
    Fact(
        "an amendment",
        ("amendment", "contract"),
        FINISHED,
        (AMENDMENT_RATIONALE.split()[0],),
        TONGXIN,
    ),
    Fact("the winner's price", ("proposal",), FINISHED, ("776,000.00", "776000.00"), TONGXIN),
    # awarded, not yet contracted: the notice's facts are out, the record's are not
    Fact("price, awarded", ("proposal",), AWARDED_ONLY, ("283,000.00", "283000.00"), QIHANG),
    Fact("rival price, awarded", ("proposal",), AWARDED_ONLY, ("294,000.00", "294000"), TONGXIN),
    Fact("a sheet, awarded", ("review_sheet",), AWARDED_ONLY, ("70.25",), TONGXIN, "黄志明"),
    Fact("panel score, awarded", ("panel_result",), AWARDED_ONLY, ("72.92",), TONGXIN),
    Fact("a spread flag, awarded", ("spread_flags",), AWARDED_ONLY, ("分歧较大",), TONGXIN),
    Fact("a recusal, awarded", ("recusal",), AWARDED_ONLY, (AWARD_RECUSAL,), TONGXIN, RECUSED),
    # attached files, by the marker in each file's name
    Fact("a proposal's file", ("proposal_documents",), REVIEWING, (PROPOSAL_FILE,), TONGXIN),
    Fact(
        "a proposal's file, awarded",
        ("proposal_documents",),
        AWARDED_ONLY,
        (AWARDED_PROPOSAL_FILE,),
        QIHANG,
    ),
    Fact("the contract's scan", ("contract_documents",), FINISHED, (CONTRACT_FILE,), TONGXIN),
    Fact("an inspection's file", ("inspection_documents",), FINISHED, (INSPECTION_FILE,), TONGXIN),
    Fact("an assessment's file", ("assessment_documents",), FINISHED, (ASSESSMENT_FILE,), TONGXIN),
    Fact("a comment's file", ("comment_documents",), FINISHED, (COMMENT_FILE,), TONGXIN),
    Fact("an objection's letter", ("objection_documents",), FINISHED, (OBJECTION_FILE,), OBJECTOR),
)
PUBLIC_FACTS = (
    # what the public pages and the open data could show: (kinds, markers)
    Fact("a reviewer's name", ("reviewer_identity",), FINISHED, ("周海涛",), author="周海涛"),
    Fact("an objection", ("objection",), FINISHED, ("我会报价最低",), OBJECTOR),
    Fact("the winner's price", ("proposal",), FINISHED, ("776,000.00", "776000"), TONGXIN),
    Fact("a payment", ("payment",), FINISHED, ("310,400.00", "310400"), TONGXIN),
    Fact("an inspection", ("inspection",), FINISHED, ("已建立社会组织联系台账",), TONGXIN),
    Fact("the narrative", ("assessment",), FINISHED, ("建议下一年度改进培训课程",), TONGXIN),
    Fact("the year's result", ("assessment_result",), FINISHED, ("84.65",), TONGXIN),
    Fact("the contract", ("contract",), FINISHED, ("思总工购〔2019〕2号",), TONGXIN),
    Fact("an amendment", ("amendment",), FINISHED, (AMENDMENT_RATIONALE,), TONGXIN),
    Fact("a recusal", ("recusal",), REVIEWING, (RECUSAL_REASON,), TONGXIN, RECUSED),
    Fact("a rival's price under review", ("proposal",), REVIEWING, ("296,000.00",), TONGXIN),
    Fact("a correction", ("correction",), FINISHED, (INSPECTION_FIX,), TONGXIN),
    Fact("a price, awarded", ("proposal",), AWARDED_ONLY, ("283,000.00", "283000"), QIHANG),
    Fact("a recusal, awarded", ("recusal",), AWARDED_ONLY, (AWARD_RECUSAL,), TONGXIN, RECUSED),
    Fact("a sheet, awarded", ("review_sheet",), AWARDED_ONLY, ("70.25",), TONGXIN, "黄志明"),
)


def relations(viewer: Viewer, fact: Fact) -> set[str]:
    """The viewer's relations to the fact, stated plainly (the rule the gate must follow)."""
    found = {"public"}
    if viewer.staff:
        found.add(viewer.staff)
    elif viewer.organization:
        if viewer.organization == fact.owner:
            found.add("own_organization")
        elif AWARDED[fact.project] == viewer.organization:
            found.add("winner")
        else:
            found.add("other_bidder")
    else:
        found.add("author" if viewer.login == fact.author else "panel")
    return found


def moments(viewer: Viewer | None, project: str) -> Moments:
    """The moments passed on ``project`` for ``viewer`` (None: the public)."""
    return Moments(
        own_sheets_done=viewer is not None and project in viewer.reviews,
        awarded=AWARDED[project] is not None,
        contracted=project == FINISHED,  # AWARDED_ONLY: after_award, not after_contract
    )


def expected(policy: VisibilityPolicy, viewer: Viewer, fact: Fact) -> bool:
    """Whether ``viewer`` may see ``fact``: in reach, and every kind it shows allowed."""
    if fact.project not in viewer.reaches:
        return False
    kinds = (*fact.kinds, *fact.needs)
    seen = relations(viewer, fact)
    return all(policy.allows(kind, seen, moments(viewer, fact.project)) for kind in kinds)


def public_expected(policy: VisibilityPolicy, fact: Fact) -> bool:
    """Whether the public may see ``fact``."""
    at = moments(None, fact.project)
    return all(policy.allows(kind, {"public"}, at) for kind in (*fact.kinds, *fact.needs))
