"""Guards of the review panel and the assessment (quorum, pass mark, recusals, narratives,
the organization's comment window). Each returns ``None`` when its rule holds, else the reason.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from procure.domain.assessment import combine_assessment
from procure.domain.panel import aggregate_panel
from procure.store import accounts, panels, queries
from procure.workflow.context import ActionContext
from procure.workflow.engine import Guard
from procure.workflow.sheets import assessment_facts


def review_quorum(ctx: ActionContext) -> str | None:
    """Every proposal has a quorum of valid sheets (recused reviewers do not count)."""
    card = ctx.rules.review
    for entry in panels.project_panels(ctx.session, ctx.project):
        panel = aggregate_panel(entry.sheets, card)
        if not panel.quorum_met:
            recused = len(entry.sheets) - panel.valid_sheets
            note = f" ({recused} recused)" if recused else ""
            return (
                f"the proposal by {entry.organization.name} has {panel.valid_sheets} valid "
                f"review sheet(s){note}, the quorum is {card.panel.quorum}"
            )
    return None


def proposal_passes(ctx: ActionContext) -> str | None:
    """The chosen proposal's panel score reaches the review pass mark."""
    proposal = queries.proposal_of(ctx.session, ctx.project, ctx.params.get("organization", ""))
    if proposal is None:
        return None
    entry = panels.panel_sheets(ctx.session, proposal)
    panel = aggregate_panel(entry.sheets, ctx.rules.review)
    if panel.score is None:
        return f"the proposal by {entry.organization.name} has no valid review sheet"
    pass_mark = ctx.rules.review.pass_mark
    if pass_mark is not None and panel.score < pass_mark:
        return (
            f"proposal by {entry.organization.name} scored {panel.score}, "
            f"below the pass mark {pass_mark:.2f}"
        )
    return None


def _recused_reviewer(ctx: ActionContext) -> str:
    return str(ctx.params.get("reviewer") or ctx.actor.name)


def reviewer_declares_own_conflict(ctx: ActionContext) -> str | None:
    """A reviewer declares only their own conflict; an officer may record anyone's."""
    if ctx.actor.role == "reviewer" and _recused_reviewer(ctx) != ctx.actor.name:
        return f"{ctx.actor.name} may declare only their own conflict of interest"
    return None


def recused_reviewer_has_account(ctx: ActionContext) -> str | None:
    """The recused reviewer is a registered, active account (one person, one identity)."""
    reviewer = _recused_reviewer(ctx)
    user = accounts.user_by_login(ctx.session, reviewer)
    if user is None:
        return f"no account {reviewer!r}: a recusal names the reviewer's account"
    if not user.active:
        return f"the account {reviewer} ({user.name}) is deactivated"
    return None


def comment_documented(ctx: ActionContext) -> str | None:
    """An officer records the organization's comment only citing the document it came in."""
    if ctx.actor.role == "officer" and not ctx.params.get("document"):
        return (
            "an officer may record the organization's comment only with the reference of the "
            "document it sent (document=来函文号); the organization's own account needs none"
        )
    return None


def reviewer_has_sheet(ctx: ActionContext) -> str | None:
    """A reviewer replaces only a sheet of their own, recorded for this proposal."""
    proposal = queries.proposal_of(ctx.session, ctx.project, ctx.params.get("organization", ""))
    if proposal is None:
        return None  # proposal_exists says so
    if not any(r.reviewer == ctx.actor.name for r in queries.reviews_of(ctx.session, proposal)):
        return (
            f"{ctx.actor.name} 尚未为该方案提交评分表，无可替换 has no sheet of their own on "
            f"this proposal to replace (record one instead)"
        )
    return None


def assessor_has_sheet(ctx: ActionContext) -> str | None:
    """An assessor replaces only a sheet of their own on this project."""
    if not any(
        a.assessor == ctx.actor.name for a in queries.assessment_sheets(ctx.session, ctx.project)
    ):
        return (
            f"{ctx.actor.name} 尚未为 {ctx.project.code} 录入考核评分表，无可替换 has no "
            f"assessment sheet of their own to replace (record one instead)"
        )
    return None


def recusal_not_duplicate(ctx: ActionContext) -> str | None:
    """A reviewer is recused from a proposal once."""
    proposal = queries.proposal_of(ctx.session, ctx.project, ctx.params.get("organization", ""))
    if proposal is None:
        return None
    reviewer = _recused_reviewer(ctx)
    if any(r.reviewer == reviewer for r in panels.recusals_of(ctx.session, proposal)):
        return f"{reviewer} is already recused from this proposal"
    return None


def assessor_not_duplicate(ctx: ActionContext) -> str | None:
    """An assessor records one sheet per project."""
    if any(
        s.assessor == ctx.actor.name for s in queries.assessment_sheets(ctx.session, ctx.project)
    ):
        return f"{ctx.actor.name} already recorded an assessment sheet for {ctx.project.code}"
    return None


def assessment_recorded(ctx: ActionContext) -> str | None:
    """At least one assessment sheet has been recorded."""
    if not queries.assessment_sheets(ctx.session, ctx.project):
        return f"{ctx.project.code} has no assessment sheet recorded yet"
    return None


def narratives_complete(ctx: ActionContext) -> str | None:
    """Every dimension has a written narrative (as CPARS requires for every area)."""
    sheets = queries.assessment_sheets(ctx.session, ctx.project)
    if not sheets:
        return None
    card = ctx.rules.assessment
    outcome = combine_assessment([assessment_facts(sheet, card) for sheet in sheets], card)
    if outcome.missing_narratives:
        labels = {d.code: d.label_zh for d in card.dimensions}
        missing = ", ".join(
            f"{code} ({labels.get(code, code)})" for code in outcome.missing_narratives
        )
        return f"no narrative written for {missing}"
    return None


def _window_closes(ctx: ActionContext) -> datetime | None:
    sheets = queries.assessment_sheets(ctx.session, ctx.project)
    if not sheets:
        return None
    opened = max(sheet.recorded_at for sheet in sheets)
    return opened + timedelta(days=ctx.rules.comment_window_days)


def comment_within_window(ctx: ActionContext) -> str | None:
    """The organization's comment is dated within its window: not before the last
    assessment sheet it answers, not after the window closes, and not in the future."""
    closes = _window_closes(ctx)
    if closes is None:
        return None
    today = china_day(ctx.at)
    day = ctx.params.get("commented_on") or today
    last_sheet = china_day(closes - timedelta(days=ctx.rules.comment_window_days))
    if day < last_sheet:
        return (
            f"the comment is dated {day.isoformat()}, before the last assessment sheet it "
            f"answers ({last_sheet.isoformat()})"
        )
    if day > closes.date():
        return (
            f"the organization's {ctx.rules.comment_window_days}-day comment window closed on "
            f"{closes.date().isoformat()}"
        )
    if day > today:
        return f"the comment is dated {day.isoformat()}, after today ({today.isoformat()})"
    return None


def china_day(moment: datetime) -> date:
    """The calendar day in China (UTC+8) of ``moment``; a naive moment is taken as UTC."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(CHINA).date()


CHINA = timezone(timedelta(hours=8), "CST")


def comment_window_closed(ctx: ActionContext) -> str | None:
    """The organization's comment window has passed, or it acknowledged the assessment."""
    closes = _window_closes(ctx)
    if closes is None:
        return None
    if any(c.acknowledged for c in queries.comments_of(ctx.session, ctx.project)):
        return None
    if ctx.at < closes:
        return (
            f"the organization's {ctx.rules.comment_window_days}-day comment window is open "
            f"until {closes.date().isoformat()} and it has not acknowledged the assessment"
        )
    return None


SCORING_GUARDS: dict[str, Guard] = {
    guard.__name__: guard
    for guard in (
        review_quorum,
        proposal_passes,
        reviewer_declares_own_conflict,
        recusal_not_duplicate,
        reviewer_has_sheet,
        assessor_has_sheet,
        assessor_not_duplicate,
        assessment_recorded,
        narratives_complete,
        comment_within_window,
        comment_window_closed,
        recused_reviewer_has_account,
        comment_documented,
    )
}
SCORING_FACT_GUARDS = frozenset(
    {
        "proposal_passes",
        "reviewer_declares_own_conflict",
        "recusal_not_duplicate",
        "reviewer_has_sheet",
        "comment_within_window",
        "recused_reviewer_has_account",
        "comment_documented",
    }
)
