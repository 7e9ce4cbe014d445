"""What the award and the objection triggers record: the award notice (中选结果公示), an
objection (质疑) and its answer. Each adds what it recorded to the audit row's data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from procure.domain.errors import Refused
from procure.domain.language import _
from procure.domain.workdays import OutsideCalendar, WorkingCalendar
from procure.services.deadlines.calendar_state import calendar_for
from procure.store import notices, queries
from procure.store.models import Organization
from procure.store.notice_models import AwardNotice, Objection, ObjectionAnswer
from procure.workflow.context import ActionContext
from procure.workflow.scoring_guards import china_day

Effect = Callable[[ActionContext], None]


def publish_award_notice(ctx: ActionContext, organization: Organization) -> None:
    """Publish the notice of the award just made: its days counted on the working calendar.

    A day counted through a provisional (暂定) year is published as such: the audit row's
    notice names the provisional years, and the objection window stays open past it until
    the year's notice is entered or its bound passes (issue 18).

    Raises:
        Refused: the calendar does not know a day of the notice's windows (a year before the
            law the provisional calendar is built from).
    """
    assert ctx.project.id is not None and organization.id is not None
    published_on = china_day(ctx.at)
    calendar = calendar_for(ctx.session)
    try:
        dates = ctx.rules.notices.dates(calendar, published_on)
    except OutsideCalendar as exc:
        raise Refused(
            _(
                "The award is refused: the objection window of its notice cannot be counted: "
                "%(problem)s",
                problem=str(exc),
            )
        ) from exc
    number = len(notices.notices_of(ctx.session, ctx.project)) + 1
    ctx.session.add(
        AwardNotice(
            project_id=ctx.project.id,
            number=number,
            organization_id=organization.id,
            published_on=dates.published_on,
            notice_ends_on=dates.notice_ends_on,
            objections_close_on=dates.objections_close_on,
            published_at=ctx.at,
        )
    )
    ctx.audit_data.update(
        notice={
            "number": number,
            "published_on": dates.published_on.isoformat(),
            "notice_ends_on": dates.notice_ends_on.isoformat(),
            "objections_close_on": dates.objections_close_on.isoformat(),
            **_provisional(calendar, published_on, dates.objections_close_on),
        }
    )


def _provisional(calendar: WorkingCalendar, published_on: date, last: date) -> dict[str, Any]:
    years = calendar.provisional_years(published_on + timedelta(days=1), last)
    return {"provisional_years": list(years)} if years else {}


def _organization(ctx: ActionContext) -> Organization:
    organization = queries.organization_by_uscc(ctx.session, ctx.params["organization"])
    assert organization is not None and organization.id is not None, "guarded"
    return organization


def lodge_objection(ctx: ActionContext) -> None:
    organization = _organization(ctx)
    notice = notices.current_notice(ctx.session, ctx.project)
    assert notice is not None and notice.id is not None, "guarded by objection_within_window"
    lodged_on = ctx.params.get("lodged_on") or china_day(ctx.at)
    document = ctx.params.get("document") or None
    objection = Objection(
        notice_id=notice.id,
        organization_id=organization.id,  # type: ignore[arg-type]
        text=ctx.params["text"],
        lodged_on=lodged_on,
        recorded_at=ctx.at,
        recorded_by=ctx.actor.name,
        recorded_role=ctx.actor.role,
        document_ref=document,
    )
    ctx.session.add(objection)
    ctx.audit_data.update(
        organization=organization.uscc,
        notice=notice.number,
        text=objection.text,
        lodged_on=lodged_on,
        recorded_by=objection.recorded_by,
        recorded_role=objection.recorded_role,
        document_ref=document,
    )


def _answer(ctx: ActionContext, outcome: str) -> None:
    organization = _organization(ctx)
    waiting = [
        row
        for row in notices.unanswered_objections(ctx.session, ctx.project)
        if row.organization.id == organization.id
    ]
    assert waiting, "guarded by objection_unanswered"
    row = waiting[0]  # the oldest unanswered objection of this organization
    assert row.objection.id is not None
    answered_on = china_day(ctx.at)
    ctx.session.add(
        ObjectionAnswer(
            objection_id=row.objection.id,
            outcome=outcome,
            reason=ctx.reason,
            answered_on=answered_on,
            answered_by=ctx.actor.name,
            answered_at=ctx.at,
        )
    )
    ctx.audit_data.update(
        organization=organization.uscc,
        notice=row.notice.number,
        outcome=outcome,
        answered_on=answered_on,
    )


def uphold_objection(ctx: ActionContext) -> None:
    """The objection stands: the award is withdrawn and the panel's result reviewed again."""
    _answer(ctx, "upheld")
    ctx.project.awarded_organization_id = None


def reject_objection(ctx: ActionContext) -> None:
    """The objection does not stand: the answer gives the reason."""
    _answer(ctx, "rejected")


NOTICE_EFFECTS: dict[str, Effect] = {
    effect.__name__: effect for effect in (lodge_objection, uphold_objection, reject_objection)
}
