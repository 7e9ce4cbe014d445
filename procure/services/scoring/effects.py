"""What the scoring triggers record: review sheets, recusals, assessment sheets, comments,
and the finalized assessment that combines the assessors' sheets.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from procure.domain.assessment import combine_assessment
from procure.domain.language import gettext as _
from procure.domain.scorecard import PriceContext
from procure.services.scoring.scorecard_versions import PIN_KEY, pin_logged, pin_scorecard
from procure.services.scoring.sheet_layout import NarrativeInvalid
from procure.store import queries
from procure.store.models import Assessment, OrganizationComment, Proposal, Recusal, Review
from procure.workflow.context import ActionContext
from procure.workflow.sheets import assessment_facts, stored_points

Effect = Callable[[ActionContext], None]


def record_review(ctx: ActionContext) -> None:
    proposal = queries.proposal_of(ctx.session, ctx.project, ctx.params["organization"])
    assert proposal is not None and proposal.id is not None, "guarded by proposal_exists"
    sheet = _scored_sheet(ctx, proposal)
    ctx.session.add(
        Review.model_validate({"proposal_id": proposal.id, "reviewer": ctx.actor.name, **sheet})
    )


def replace_review(ctx: ActionContext) -> None:
    """Replace the reviewer's own sheet while the panel is open: the row holds the new
    sheet; the trail keeps the old one in its earlier row, and this row names its total."""
    proposal = queries.proposal_of(ctx.session, ctx.project, ctx.params["organization"])
    assert proposal is not None and proposal.id is not None, "guarded by proposal_exists"
    review = next(
        (r for r in queries.reviews_of(ctx.session, proposal) if r.reviewer == ctx.actor.name),
        None,
    )
    assert review is not None, "guarded by reviewer_has_sheet"
    replaced = review.total
    for name, value in _scored_sheet(ctx, proposal).items():
        setattr(review, name, value)
    ctx.session.add(review)
    ctx.audit_data.update(replaced_total=replaced)


def _scored_sheet(ctx: ActionContext, proposal: Proposal) -> dict[str, Any]:
    """Score the trigger's sheet on ``proposal``: the review row's fields; the audit row
    says the same (and pins the scorecard version on first use)."""
    card = ctx.rules.review
    lowest = min(p.price for p in queries.proposals_of(ctx.session, ctx.project))
    sheet = card.score_sheet(ctx.params["scores"], prices=PriceContext(lowest, proposal.price))
    pinned = pin_scorecard(ctx.session, ctx.rules, card, ctx.at)
    conflict = bool(ctx.params.get("conflict", False))
    ctx.audit_data.update(
        organization=ctx.params["organization"],
        reviewer=ctx.actor.name,
        scores=stored_points(sheet.points),
        inputs=sheet.inputs,
        total=sheet.total,
        conflict=conflict,
        scorecard=f"{card.name} v{card.version}",
    )
    if pinned is not None:
        ctx.audit_data[PIN_KEY] = pin_logged(pinned)
    return {
        "scores": stored_points(sheet.points),
        "inputs": sheet.inputs,
        "total": sheet.total,
        "conflict": conflict,
        "scorecard_name": card.name,
        "scorecard_version": card.version,
        "recorded_at": ctx.at,
    }


def record_recusal(ctx: ActionContext) -> None:
    proposal = queries.proposal_of(ctx.session, ctx.project, ctx.params["organization"])
    assert proposal is not None and proposal.id is not None, "guarded by proposal_exists"
    reviewer = str(ctx.params.get("reviewer") or ctx.actor.name)
    ctx.session.add(
        Recusal(
            proposal_id=proposal.id,
            reviewer=reviewer,
            reason=ctx.params["reason"],
            recorded_by=ctx.actor.name,
            recorded_role=ctx.actor.role,
            recorded_at=ctx.at,
        )
    )
    ctx.audit_data.update(
        organization=ctx.params["organization"], reviewer=reviewer, reason=ctx.params["reason"]
    )


def record_assessment(ctx: ActionContext) -> None:
    assert ctx.project.id is not None
    sheet = _assessed_sheet(ctx)
    ctx.session.add(
        Assessment.model_validate(
            {"project_id": ctx.project.id, "assessor": ctx.actor.name, **sheet}
        )
    )


def replace_assessment(ctx: ActionContext) -> None:
    """Replace the assessor's own (latest) sheet until the assessment is finalized; the
    trail keeps the old sheet in its earlier row, and this row names its total."""
    mine = [
        a
        for a in queries.assessment_sheets(ctx.session, ctx.project)
        if a.assessor == ctx.actor.name
    ]
    assert mine, "guarded by assessor_has_sheet"
    sheet = mine[-1]
    replaced = sheet.total
    for name, value in _assessed_sheet(ctx).items():
        setattr(sheet, name, value)
    ctx.session.add(sheet)
    ctx.audit_data.update(replaced_total=replaced)


def _assessed_sheet(ctx: ActionContext) -> dict[str, Any]:
    """Score the trigger's assessment sheet: the row's fields; the audit row says the same
    (and pins the scorecard version on first use)."""
    card = ctx.rules.assessment
    sheet = card.score_sheet(ctx.params["scores"])
    veto = sorted(set(ctx.params.get("veto", [])))
    grade = card.grade(sheet.total)
    ctx.rules.renewal.decide(grade, sheet.total, veto)  # refuses an unknown veto item
    if veto:  # 一票否决: the lowest grade whatever the score
        grade = card.grades[-1]
    narratives = _narratives(ctx)
    pinned = pin_scorecard(ctx.session, ctx.rules, card, ctx.at)
    ctx.audit_data.update(
        assessor=ctx.actor.name,
        scores=stored_points(sheet.points),
        inputs=sheet.inputs,
        total=sheet.total,
        grade=grade.code,
        veto=veto,
        narrative=ctx.params.get("narrative", ""),
        narratives=narratives,
        scorecard=f"{card.name} v{card.version}",
    )
    if pinned is not None:
        ctx.audit_data[PIN_KEY] = pin_logged(pinned)
    return {
        "scores": stored_points(sheet.points),
        "inputs": sheet.inputs,
        "total": sheet.total,
        "grade": grade.code,
        "veto": veto,
        "narrative": ctx.params.get("narrative", ""),
        "narratives": narratives,
        "scorecard_name": card.name,
        "scorecard_version": card.version,
        "recorded_at": ctx.at,
    }


def _narratives(ctx: ActionContext) -> dict[str, str]:
    dimensions = {d.code for d in ctx.rules.assessment.dimensions}
    narratives = dict(ctx.params.get("narratives", {}))
    unknown = sorted(set(narratives) - dimensions)
    if unknown:
        raise NarrativeInvalid(
            _(
                "A narrative was given for an unknown dimension %(code)s; the dimensions are "
                "%(known)s",
                code=unknown[0],
                known=", ".join(sorted(dimensions)),
            )
        )
    return {code: text for code, text in narratives.items() if text}


def record_comment(ctx: ActionContext) -> None:
    assert ctx.project.id is not None
    acknowledged = bool(ctx.params.get("acknowledged", False))
    commented_on = ctx.params.get("commented_on") or ctx.at.date()
    comment = OrganizationComment(
        project_id=ctx.project.id,
        text=ctx.params["text"],
        acknowledged=acknowledged,
        commented_on=commented_on,
        recorded_at=ctx.at,
        recorded_by=ctx.actor.name,
        recorded_role=ctx.actor.role,
        document_ref=ctx.params.get("document"),
    )
    ctx.session.add(comment)
    ctx.audit_data.update(
        text=ctx.params["text"],
        acknowledged=acknowledged,
        commented_on=commented_on,
        recorded_by=comment.recorded_by,
        recorded_role=comment.recorded_role,
        document_ref=comment.document_ref,
    )
    if ctx.params.get("document"):
        ctx.audit_data["document"] = ctx.params["document"]


def finalize_assessment(ctx: ActionContext) -> None:
    assert ctx.project.id is not None
    card = ctx.rules.assessment
    sheets = queries.assessment_sheets(ctx.session, ctx.project)
    outcome = combine_assessment([assessment_facts(sheet, card) for sheet in sheets], card)
    final = Assessment(
        project_id=ctx.project.id,
        assessor="、".join(sheet.assessor for sheet in sheets),
        scores=stored_points(outcome.points),
        inputs={sheet.assessor: sheet.inputs for sheet in sheets},
        total=outcome.total,
        grade=outcome.grade.code,
        veto=list(outcome.veto),
        narrative="\n".join(sheet.narrative for sheet in sheets if sheet.narrative),
        narratives=dict(outcome.narratives),
        scorecard_name=card.name,
        scorecard_version=card.version,
        recorded_at=ctx.at,
        final=True,
    )
    ctx.session.add(final)
    ctx.audit_data.update(
        sheets=len(sheets),
        total=outcome.total,
        grade=outcome.grade.code,
        veto=list(outcome.veto),
        scorecard=f"{card.name} v{card.version}",
    )


SCORING_EFFECTS: dict[str, Effect] = {
    effect.__name__: effect
    for effect in (
        record_review,
        replace_review,
        record_recusal,
        record_assessment,
        replace_assessment,
        record_comment,
        finalize_assessment,
    )
}
