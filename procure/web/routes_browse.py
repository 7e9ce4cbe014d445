"""The year at a glance: the dashboard, the projects list and its export."""

from __future__ import annotations

import io
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse

from procure.domain.errors import InvalidInput
from procure.services.browse.dashboard import dashboard, scope_years, waiting_for
from procure.services.browse.export import write_csv, write_xlsx
from procure.services.browse.listing import SORT_KEYS, ProjectFilters, export_rows, list_page
from procure.services.browse.visibility import viewer_scope
from procure.web import pages
from procure.web.charts import dashboard_charts
from procure.web.deps import Account, Reader

router = APIRouter()

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/dashboard")
def dashboard_page(
    request: Request, account: Account, session: Reader, year: Annotated[str, Query()] = ""
) -> Response:
    """Projects by year and state, grades, spending, and what waits for this account."""
    scope = viewer_scope(session, account.user.login)
    if year == "all":
        chosen = None  # every year: reads every project of the scope
    elif year:
        chosen = _year(year)
    else:  # the newest year by default: the page stays quick in a large province
        years = scope_years(session, scope)
        chosen = years[0] if years else None
    summary = dashboard(session, scope, year=chosen, cache=request.app.state.figures)
    context: dict[str, Any] = {
        "summary": summary,
        "year": chosen,
        "charts": dashboard_charts(summary),
        "waiting": waiting_for(session, scope, account.user.login),
    }
    return pages.render(request, "dashboard.html", context)


@router.get("/projects")
def projects_page(
    request: Request,
    account: Account,
    session: Reader,
    year: str = "",
    state: str = "",
    purchaser: str = "",
    organization: str = "",
    q: str = "",
    sort: str = "code",
    after: str = "",
) -> Response:
    """One page of the projects the account may read, filtered, searched and sorted."""
    scope = viewer_scope(session, account.user.login)
    filters = _filters(year, state, purchaser, organization, q)
    page = list_page(session, scope, filters, sort=sort, after=after or None)
    context = {
        "page": page,
        "filters": filters,
        "sort": sort,
        "sort_keys": SORT_KEYS,
        "query": _query(year, state, purchaser, organization, q, sort),
        "first_page": not after,
    }
    return pages.render(request, "projects.html", context)


@router.get("/projects.csv")
def projects_csv(
    account: Account,
    session: Reader,
    year: str = "",
    state: str = "",
    purchaser: str = "",
    organization: str = "",
    q: str = "",
    sort: str = "code",
) -> Response:
    """The filtered list as CSV (UTF-8 with a byte-order mark, for spreadsheet programs)."""
    scope = viewer_scope(session, account.user.login)
    rows = export_rows(session, scope, _filters(year, state, purchaser, organization, q), sort)
    text = io.StringIO()
    write_csv(rows, text)  # starts with the byte-order mark itself
    return Response(
        text.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="projects.csv"'},
    )


@router.get("/projects.xlsx")
def projects_xlsx(
    account: Account,
    session: Reader,
    year: str = "",
    state: str = "",
    purchaser: str = "",
    organization: str = "",
    q: str = "",
    sort: str = "code",
) -> Response:
    """The filtered list as an .xlsx workbook."""
    scope = viewer_scope(session, account.user.login)
    rows = export_rows(session, scope, _filters(year, state, purchaser, organization, q), sort)
    book = io.BytesIO()
    write_xlsx(rows, book)
    book.seek(0)
    return StreamingResponse(
        book,
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="projects.xlsx"'},
    )


def _year(text: str) -> int | None:
    if not text.strip():
        return None
    if not text.strip().isascii() or not text.strip().isdigit():
        raise InvalidInput(f"年度 year must be a year such as {date.today().year}, not {text!r}")
    return int(text)


def _filters(year: str, state: str, purchaser: str, organization: str, q: str) -> ProjectFilters:
    return ProjectFilters(
        year=_year(year),
        state=state.strip() or None,
        purchaser=purchaser.strip() or None,
        organization=organization.strip() or None,
        q=q.strip() or None,
    )


def _query(year: str, state: str, purchaser: str, organization: str, q: str, sort: str) -> str:
    from urllib.parse import urlencode

    given = {
        "year": year,
        "state": state,
        "purchaser": purchaser,
        "organization": organization,
        "q": q,
        "sort": sort,
    }
    return urlencode({key: value for key, value in given.items() if value})
