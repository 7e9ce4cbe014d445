"""Guards that keep a project's dates in order (``workflows/contract_dates.yaml``, issue 21):
the signing after the award, the service after the signing, inspections in the service (or
rectification) period, assessments after the service started. Each returns ``None`` when
its rule holds, else the refusal naming the rule and the dates."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, col, select

from procure.domain.contract_dates import ContractDateRules
from procure.store import notices, queries
from procure.store.models import Project, TransitionLog
from procure.workflow import next_year
from procure.workflow.context import ActionContext
from procure.workflow.engine import Guard
from procure.workflow.scoring_guards import china_day


def signing_dates_in_order(ctx: ActionContext) -> str | None:
    """The signing is on or after the award (and the end of the objection window when an
    objection was lodged), not in the future, and not after the service starts."""
    today = china_day(ctx.at)
    return signing_problem_of(
        ctx.session,
        ctx.project,
        ctx.rules.contract_dates,
        ctx.params.get("signed_on") or today,
        today=today,
        start=next_year.carried_terms(ctx.project, ctx.params)["start"],
    )


def signing_problem_of(
    session: Session,
    project: Project,
    rules: ContractDateRules,
    signed_on: date,
    *,
    today: date,
    start: date | None,
) -> str | None:
    """The signing rules for ``project`` signed on ``signed_on``: against its current award
    notice and, when an objection was lodged against it, the end of its window. The same
    rule judges a signing and a corrected signing date."""
    notice = notices.current_notice(session, project)
    objected = notice is not None and any(
        row.notice.id == notice.id for row in notices.objections_of(session, project)
    )
    return rules.signing_problem(
        signed_on,
        today=today,
        awarded_on=notice.published_on if notice is not None else None,
        objections_close_on=notice.objections_close_on if notice and objected else None,
        start=start,
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
        rectification_from=(
            rectification_required_on(ctx.session, ctx.project)
            if ctx.project.state == "rectifying"
            else None
        ),
    )


def rectification_required_on(
    session: Session, project: Project, *, first: bool = False
) -> date | None:
    """The day (in China) the project's last rectification was required (``first``: its
    first one), if one ever was."""
    seq = col(TransitionLog.seq)
    statement = (
        select(TransitionLog.at)
        .where(
            TransitionLog.project_code == project.code,
            TransitionLog.to_state == "rectifying",
        )
        .order_by(seq if first else seq.desc())
        .limit(1)
    )
    found = session.exec(statement).first()
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
