"""The year-end renewal: the dry-run plan, a confirmation repeating its counts, and the
apply as a background job (refused while another renewal of the year is under way)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import col, select

from procure.domain.errors import InvalidInput
from procure.jobs import renewing
from procure.jobs.views import view
from procure.services.accounts.signin import SignedIn
from procure.services.lifecycle.clock import now_utc
from procure.services.renewal import pages as renewal_pages
from procure.services.renewal.pages import ACTION_LABELS, Confirmed, PlanPage
from procure.store.models import Purchaser
from procure.web import pages
from procure.web.confirm import confirmation_token, is_confirmed
from procure.web.deps import Account, CheckedForm, Reader, Writer

router = APIRouter()


@router.get("/renewal")
def plan(request: Request, account: Account, session: Reader) -> Response:
    """The dry-run plan of ?year= (and ?purchaser=), or the form asking for them."""
    values = {k: request.query_params.get(k, "").strip() for k in ("year", "purchaser")}
    purchaser = values["purchaser"] or None
    renewal_pages.check_may_see(session, account.user, purchaser)
    if not values["year"]:  # the form starts with the year that has work, if any
        year_with_work = renewal_pages.working_year(session, account.user)
        start = {**values, "year": "" if year_with_work is None else str(year_with_work)}
        return _plan_page(request, session, account, start, None)
    try:
        year = renewal_pages.parse_year(values["year"])
    except InvalidInput as exc:
        return _plan_page(request, session, account, values, None, {"year": str(exc)}, 400)
    found = renewal_pages.plan_page(session, account.user, year, purchaser)
    return _plan_page(request, session, account, values, found)


def _plan_page(
    request: Request,
    session: Reader,
    account: Account,
    values: dict[str, str],
    found: PlanPage | None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    purchasers = [
        p
        for p in session.exec(select(Purchaser).order_by(col(Purchaser.code)))
        if renewal_pages.reaches(session, account.user, p.code, renewal_pages.VIEW_ROLES)
    ]
    context = {
        "values": values,
        "errors": errors or {},
        "plan": found,
        "labels": ACTION_LABELS,
        "purchasers": purchasers,
        "whole": renewal_pages.reaches(session, account.user, None, renewal_pages.VIEW_ROLES),
    }
    session.commit()
    return pages.render(request, "renewal.html", context, status=status)


def _asked(form: dict[str, str]) -> tuple[int, str | None]:
    return renewal_pages.parse_year(form.get("year")), (form.get("purchaser") or "").strip() or None


@router.post("/renewal/confirm")
def confirm(request: Request, account: Account, form: CheckedForm, session: Reader) -> Response:
    """The confirmation page: the plan's counts again, and the button that applies it."""
    year, purchaser = _asked(form)
    renewal_pages.check_may_apply(session, account.user, purchaser)
    found = renewal_pages.plan_page(session, account.user, year, purchaser)
    return _confirmation(request, account, found)


def _confirmation(
    request: Request,
    account: SignedIn,
    found: PlanPage,
    *,
    stale: Confirmed | None = None,
    status: int = 200,
) -> Response:
    echoed = {
        "year": str(found.year),
        "purchaser": found.purchaser or "",
        **{f"count_{action}": str(found.counts[action]) for action in ACTION_LABELS},
        "digest": found.digest,
    }
    confirm = confirmation_token(request, account, _step(found.year, found.purchaser), echoed)
    context = {
        "plan": found,
        "labels": ACTION_LABELS,
        "stale": stale,
        "echoed": echoed,
        "confirm": confirm,
    }
    return pages.render(request, "renewal_confirm.html", context, status=status)


def _step(year: int, purchaser: str | None) -> str:
    """What a renewal's confirmation token is bound to, besides the plan's counts and digest."""
    return f"renewal:{year}:{purchaser or ''}"


@router.post("/renewal/apply")
def apply(
    request: Request, account: Account, form: CheckedForm, session: Writer, reader: Reader
) -> Response:
    """Start the renewal as a job, if the plan is still the one confirmed and no renewal of
    the year is under way; otherwise say so (and start nothing)."""
    year, purchaser = _asked(form)
    renewal_pages.check_may_apply(reader, account.user, purchaser)
    found = renewal_pages.plan_page(reader, account.user, year, purchaser)
    if not is_confirmed(request, account, _step(year, purchaser), form):
        return _confirmation(request, account, found)  # never applied without the page
    confirmed = Confirmed.from_form(form)
    if not confirmed.holds_for(found):
        return _confirmation(request, account, found, stale=confirmed, status=409)
    started = renewing.start(
        session,
        year=year,
        purchaser=purchaser,
        requested_by=account.user.login,
        at=now_utc(),
        total=found.to_write,
    )
    if not started.started:
        context = {"job": view(started.job, now_utc()), "year": year}
        return pages.render(request, "renewal_busy.html", context, status=409)
    return RedirectResponse(f"/jobs/{started.job.id}", status_code=303)
