"""Guards that keep a project's dates in order (``workflows/contract_dates.yaml``, issue 21):
the signing after the award, the service after the signing, inspections in the service (or
rectification) period, assessments after the service started. Each returns ``None`` when
its rule holds, else the refusal naming the rule and the dates."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import col, select

from procure.store import notices, queries
from procure.store.models import TransitionLog
from procure.workflow import next_year
from procure.workflow.context import ActionContext
from procure.workflow.engine import Guard
from procure.workflow.scoring_guards import china_day


def signing_dates_in_order(ctx: ActionContext) -> str | None:
    """The signing is on or after the award (and the end of the objection window when an
    objection was lodged), not in the future, and not after the service starts."""
    today = china_day(ctx.at)
    signed_on: date = ctx.params.get("signed_on") or today
    notice = notices.current_notice(ctx.session, ctx.project)
    objected = notice is not None and any(
        row.notice.id == notice.id for row in notices.objections_of(ctx.session, ctx.project)
    )
    return ctx.rules.contract_dates.signing_problem(
        signed_on,
        today=today,
        awarded_on=notice.published_on if notice is not None else None,
        objections_close_on=notice.objections_close_on if notice and objected else None,
        start=next_year.carried_terms(ctx.project, ctx.params)["start"],
    )


def inspection_in_service_period(ctx: ActionContext) -> str | None:
    """An inspection is dated within the service period, or within the rectification
    period when a rectification is under way, and not in the future."""
    contract = queries.contract_of(ctx.session, ctx.project)
    inspected_on: date | None = ctx.params.get("inspected_on")
    if contract is None or inspected_on is None:
        return None
    return ctx.rules.contract_dates.inspection_problem(
        inspected_on,
        today=china_day(ctx.at),
        start=contract.start_on,
        end=contract.end_on,
        rectification_from=_rectification_required_on(ctx),
    )


def _rectification_required_on(ctx: ActionContext) -> date | None:
    """The day (in China) the rectification under way was required, if one is."""
    if ctx.project.state != "rectifying":
        return None
    statement = (
        select(TransitionLog.at)
        .where(
            TransitionLog.project_code == ctx.project.code,
            TransitionLog.to_state == "rectifying",
        )
        .order_by(col(TransitionLog.seq).desc())
        .limit(1)
    )
    found = ctx.session.exec(statement).first()
    if found is None:
        return None
    return china_day(datetime.fromisoformat(found.replace("Z", "+00:00")))


def assessment_after_service_start(ctx: ActionContext) -> str | None:
    """An assessment sheet is recorded after the service period started."""
    contract = queries.contract_of(ctx.session, ctx.project)
    if contract is None:
        return None
    return ctx.rules.contract_dates.assessment_problem(china_day(ctx.at), start=contract.start_on)


DATE_GUARDS: dict[str, Guard] = {
    guard.__name__: guard
    for guard in (
        signing_dates_in_order,
        inspection_in_service_period,
        assessment_after_service_start,
    )
}
DATE_FACT_GUARDS = frozenset({"signing_dates_in_order", "inspection_in_service_period"})
