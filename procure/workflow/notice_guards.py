"""Guards of award notices and objections (质疑): who may object, until when, and
that a contract is not signed while an objection waits for its answer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from procure.domain.language import _, ngettext
from procure.domain.workdays import OutsideCalendar, WorkingCalendar
from procure.store import notices, queries
from procure.store.models import Organization
from procure.store.notice_models import AwardNotice
from procure.workflow.context import ActionContext
from procure.workflow.engine import Guard
from procure.workflow.scoring_guards import china_day

WORKING_CALENDAR = "working_calendar"
"""The fact holding a function that returns the calendar the database counts on."""
OBJECTION_WINDOW = "objection_window"


def objections_close_on(ctx: ActionContext, notice: AwardNotice) -> date:
    """The last day to object to ``notice``, counted again on today's calendar.

    A window counted through a provisional (暂定) year stays open until its bound or until
    the year's notice is entered and it is counted again (issue 18); without the calendar
    (a caller that gave none) the day the notice published holds.
    """
    source: Callable[[], WorkingCalendar] | None = ctx.facts.get(WORKING_CALENDAR)
    rule = ctx.rules.deadlines.rule(OBJECTION_WINDOW)
    if source is None or rule is None:
        return notice.objections_close_on
    hold = ctx.rules.deadlines.hold_working_days
    try:
        return rule.window(notice.published_on, source(), hold).closes_on()
    except OutsideCalendar:
        return notice.objections_close_on


def _named(ctx: ActionContext) -> Organization | None:
    return queries.organization_by_uscc(ctx.session, ctx.params.get("organization", ""))


def _notice(ctx: ActionContext) -> AwardNotice | None:
    return notices.current_notice(ctx.session, ctx.project)


def objector_bid(ctx: ActionContext) -> str | None:
    """Only an organization that made a proposal, other than the one awarded, may object."""
    organization = _named(ctx)
    if organization is None:
        return _("Organization %(uscc)s is not registered", uscc=ctx.params.get("organization"))
    if queries.proposal_of(ctx.session, ctx.project, organization.uscc) is None:
        return _(
            "%(organization)s made no proposal for %(code)s: only an organization that bid "
            "may object to its award",
            organization=organization.name,
            code=ctx.project.code,
        )
    if organization.id == ctx.project.awarded_organization_id:
        return _(
            "%(organization)s was awarded %(code)s: it cannot object to its award",
            organization=organization.name,
            code=ctx.project.code,
        )
    return None


def objection_documented(ctx: ActionContext) -> str | None:
    """An officer records an objection only citing the document it came in."""
    if ctx.actor.role == "officer" and not ctx.params.get("document"):
        return _(
            "A project officer may record an objection only with the reference number of the "
            "letter the organization sent; the organization's own account needs none"
        )
    return None


def objection_within_window(ctx: ActionContext) -> str | None:
    """The objection is dated within the notice's window, and not in the future."""
    notice = _notice(ctx)
    if notice is None:
        return _("%(code)s has no award notice to object to", code=ctx.project.code)
    today = china_day(ctx.at)
    day: date = ctx.params.get("lodged_on") or today
    if day > today:
        return _(
            "The objection is dated %(day)s, after today (%(today)s)",
            day=day.isoformat(),
            today=today.isoformat(),
        )
    if day < notice.published_on:
        return _(
            "The objection is dated %(day)s, before the award notice was published (%(published)s)",
            day=day.isoformat(),
            published=notice.published_on.isoformat(),
        )
    closes = objections_close_on(ctx, notice)
    if day > closes:
        return _(
            "The objection window of the award notice published %(published)s closed on %(closes)s",
            published=notice.published_on.isoformat(),
            closes=closes.isoformat(),
        )
    return None


def objection_not_duplicate(ctx: ActionContext) -> str | None:
    """An organization lodges one objection per award notice."""
    notice, organization = _notice(ctx), _named(ctx)
    if notice is None or organization is None:
        return None
    if notices.objection_to(ctx.session, notice, organization) is not None:
        return _(
            "%(organization)s already objected to this award notice",
            organization=organization.name,
        )
    return None


def objection_unanswered(ctx: ActionContext) -> str | None:
    """The organization named has an objection against this project still to be answered."""
    organization = _named(ctx)
    if organization is None:
        return _("Organization %(uscc)s is not registered", uscc=ctx.params.get("organization"))
    waiting = [
        row
        for row in notices.unanswered_objections(ctx.session, ctx.project)
        if row.organization.id == organization.id
    ]
    if not waiting:
        return _(
            "%(organization)s has no unanswered objection against %(code)s",
            organization=organization.name,
            code=ctx.project.code,
        )
    return None


def no_unanswered_objection(ctx: ActionContext) -> str | None:
    """No contract is signed while an objection against the award waits for its answer."""
    waiting = notices.unanswered_objections(ctx.session, ctx.project)
    if not waiting:
        return None
    first = waiting[0]
    values = {
        "organization": first.organization.name,
        "day": first.objection.lodged_on.isoformat(),
    }
    if len(waiting) == 1:
        return _(
            "%(organization)s objected to the award on %(day)s and has no answer yet: answer "
            "the objection before signing",
            **values,
        )
    return ngettext(
        "%(organization)s objected to the award on %(day)s and has no answer yet (and "
        "%(num)d more): answer the objections before signing",
        "%(organization)s objected to the award on %(day)s and has no answer yet (and "
        "%(num)d more): answer the objections before signing",
        len(waiting) - 1,
        **values,
    )


NOTICE_GUARDS: dict[str, Guard] = {
    guard.__name__: guard
    for guard in (
        objector_bid,
        objection_documented,
        objection_within_window,
        objection_not_duplicate,
        objection_unanswered,
        no_unanswered_objection,
    )
}
NOTICE_FACT_GUARDS = frozenset(
    {
        "objector_bid",
        "objection_documented",
        "objection_within_window",
        "objection_not_duplicate",
        "objection_unanswered",
    }
)
