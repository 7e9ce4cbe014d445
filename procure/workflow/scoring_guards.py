"""Guards of the review panel and the assessment (quorum, pass mark, recusals, narratives,
the organization's comment window). Each returns ``None`` when its rule holds, else the reason.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from procure.domain.assessment import combine_assessment
from procure.domain.language import gettext as _
from procure.domain.language import ngettext, pgettext
from procure.domain.money import quantize2
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
            if recused:
                return ngettext(
                    "The proposal by %(organization)s has %(num)d valid review sheet "
                    "(%(recused)s recused); the quorum is %(quorum)s",
                    "The proposal by %(organization)s has %(num)d valid review sheets "
                    "(%(recused)s recused); the quorum is %(quorum)s",
                    panel.valid_sheets,
                    organization=entry.organization.name,
                    recused=recused,
                    quorum=card.panel.quorum,
                )
            return ngettext(
                "The proposal by %(organization)s has %(num)d valid review sheet; the quorum "
                "is %(quorum)s",
                "The proposal by %(organization)s has %(num)d valid review sheets; the quorum "
                "is %(quorum)s",
                panel.valid_sheets,
                organization=entry.organization.name,
                quorum=card.panel.quorum,
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
        return _(
            "The proposal by %(organization)s has no valid review sheet",
            organization=entry.organization.name,
        )
    pass_mark = ctx.rules.review.pass_mark
    if pass_mark is not None and panel.score < pass_mark:
        return _(
            "The proposal by %(organization)s scored %(score)s, below the pass mark %(mark)s",
            organization=entry.organization.name,
            score=panel.score,
            mark=quantize2(pass_mark),
        )
    return None


def _recused_reviewer(ctx: ActionContext) -> str:
    return str(ctx.params.get("reviewer") or ctx.actor.name)


def reviewer_declares_own_conflict(ctx: ActionContext) -> str | None:
    """A reviewer declares only their own conflict; an officer may record anyone's."""
    if ctx.actor.role == "reviewer" and _recused_reviewer(ctx) != ctx.actor.name:
        return _("%(name)s may declare only their own conflict of interest", name=ctx.actor.name)
    return None


def recused_reviewer_has_account(ctx: ActionContext) -> str | None:
    """The recused reviewer is a registered, active account (one person, one identity)."""
    reviewer = _recused_reviewer(ctx)
    user = accounts.user_by_login(ctx.session, reviewer)
    if user is None:
        return _(
            "There is no account %(login)s: a recusal names the reviewer's account",
            login=repr(reviewer),
        )
    if not user.active:
        return _("The account %(login)s (%(name)s) is deactivated", login=reviewer, name=user.name)
    return None


def comment_documented(ctx: ActionContext) -> str | None:
    """An officer records the organization's comment only citing the document it came in."""
    if ctx.actor.role == "officer" and not ctx.params.get("document"):
        return _(
            "An officer may record the organization's comment only with the reference of the "
            "document it sent (document=…); the organization's own account needs none"
        )
    return None


def reviewer_has_sheet(ctx: ActionContext) -> str | None:
    """A reviewer replaces only a sheet of their own, recorded for this proposal."""
    proposal = queries.proposal_of(ctx.session, ctx.project, ctx.params.get("organization", ""))
    if proposal is None:
        return None  # proposal_exists says so
    if not any(r.reviewer == ctx.actor.name for r in queries.reviews_of(ctx.session, proposal)):
        return _(
            "%(name)s has no sheet of their own on this proposal to replace (record one instead)",
            name=ctx.actor.name,
        )
    return None


def assessor_has_sheet(ctx: ActionContext) -> str | None:
    """An assessor replaces only a sheet of their own on this project."""
    if not any(
        a.assessor == ctx.actor.name for a in queries.assessment_sheets(ctx.session, ctx.project)
    ):
        return _(
            "%(name)s has no assessment sheet of their own on %(code)s to replace (record one "
            "instead)",
            name=ctx.actor.name,
            code=ctx.project.code,
        )
    return None


def recusal_not_duplicate(ctx: ActionContext) -> str | None:
    """A reviewer is recused from a proposal once."""
    proposal = queries.proposal_of(ctx.session, ctx.project, ctx.params.get("organization", ""))
    if proposal is None:
        return None
    reviewer = _recused_reviewer(ctx)
    if any(r.reviewer == reviewer for r in panels.recusals_of(ctx.session, proposal)):
        return _("%(name)s is already recused from this proposal", name=reviewer)
    return None


def assessor_not_duplicate(ctx: ActionContext) -> str | None:
    """An assessor records one sheet per project."""
    if any(
        s.assessor == ctx.actor.name for s in queries.assessment_sheets(ctx.session, ctx.project)
    ):
        return _(
            "%(name)s already recorded an assessment sheet for %(code)s",
            name=ctx.actor.name,
            code=ctx.project.code,
        )
    return None


def assessment_recorded(ctx: ActionContext) -> str | None:
    """At least one assessment sheet has been recorded."""
    if not queries.assessment_sheets(ctx.session, ctx.project):
        return _("%(code)s has no assessment sheet recorded yet", code=ctx.project.code)
    return None


def narratives_complete(ctx: ActionContext) -> str | None:
    """Every dimension has a written narrative (as CPARS requires for every area)."""
    sheets = queries.assessment_sheets(ctx.session, ctx.project)
    if not sheets:
        return None
    card = ctx.rules.assessment
    outcome = combine_assessment([assessment_facts(sheet, card) for sheet in sheets], card)
    if outcome.missing_narratives:
        labels = {d.code: d.label for d in card.dimensions}
        missing = pgettext("list", ", ").join(
            labels.get(code, code) for code in outcome.missing_narratives
        )
        return _("No narrative written for %(dimensions)s", dimensions=missing)
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
        return _(
            "The comment is dated %(day)s, before the last assessment sheet it answers "
            "(%(sheet_day)s)",
            day=day.isoformat(),
            sheet_day=last_sheet.isoformat(),
        )
    if day > closes.date():
        return _(
            "The organization's %(days)s-day comment window closed on %(closes)s",
            days=ctx.rules.comment_window_days,
            closes=closes.date().isoformat(),
        )
    if day > today:
        return _(
            "The comment is dated %(day)s, after today (%(today)s)",
            day=day.isoformat(),
            today=today.isoformat(),
        )
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
        return _(
            "The organization's %(days)s-day comment window is open until %(closes)s and it has "
            "not acknowledged the assessment",
            days=ctx.rules.comment_window_days,
            closes=closes.date().isoformat(),
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
