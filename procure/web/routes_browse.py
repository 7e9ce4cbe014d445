"""The year at a glance: the dashboard, the projects list and its export."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse
from sqlmodel import Session

from procure.domain.bounded import YEAR
from procure.services.accounts.signin import SignedIn
from procure.services.browse.dashboard import dashboard, working_year
from procure.services.browse.export import write_csv, write_xlsx
from procure.services.browse.labels import naming
from procure.services.browse.listing import (
    SORT_KEYS,
    ProjectFilters,
    ProjectRow,
    export_rows,
    list_page,
    sort_label,
)
from procure.services.browse.visibility import viewer_scope
from procure.services.browse.waiting import WaitingProject
from procure.services.public.objections import answer_due
from procure.services.visibility.listing import gated_rows
from procure.services.visibility.reading import dashboard_as_seen
from procure.web import pages
from procure.web.charts import dashboard_charts
from procure.web.deps import Account, Reader
from procure.workflow.rules import default_rules

router = APIRouter()

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/dashboard")
def dashboard_page(
    request: Request, account: Account, session: Reader, year: Annotated[str, Query()] = ""
) -> Response:
    """Projects by year and state, grades, spending, and what waits for this account."""
    scope = viewer_scope(session, account.user.login)
    kept = request.app.state.waiting
    waiting = answer_deadlines(session, kept.waiting(session, scope, account.user.login))
    figures = request.app.state.figures
    if year == "all":
        chosen = None  # every year: reads every project of the scope
    elif year:
        chosen = _year(year)
    else:  # one year keeps the page quick in a large province: the one with work
        chosen = working_year(session, scope, (w.year for w in waiting), cache=figures)
    summary = dashboard(session, scope, year=chosen, cache=figures)
    summary = dashboard_as_seen(scope.roles, summary)
    context: dict[str, Any] = {
        "summary": summary,
        "year": chosen,
        "charts": dashboard_charts(summary),
        "waiting": waiting,
        **naming(),
    }
    return pages.render(request, "dashboard.html", context)


def answer_deadlines(session: Session, waiting: list[WaitingProject]) -> list[WaitingProject]:
    """The waiting list with the last day to answer each objection that waits."""
    return [
        replace(
            project,
            actions=[
                replace(action, due=answer_due(session, action.since))
                if action.since is not None
                else action
                for action in project.actions
            ],
        )
        for project in waiting
    ]


@dataclass
class ListQuery:
    """The projects list's query string: its filters and sort, as typed."""

    year: str = ""
    state: str = ""
    purchaser: str = ""
    organization: str = ""
    q: str = ""
    sort: str = "code"

    def filters(self) -> ProjectFilters:
        """The filters, checked (a year must be written in digits 0-9)."""
        return ProjectFilters(
            year=_year(self.year),
            state=self.state.strip() or None,
            purchaser=self.purchaser.strip() or None,
            organization=self.organization.strip() or None,
            q=self.q.strip() or None,
        )

    def link(self) -> str:
        """The query string again, for the page links and the exports."""
        return urlencode({key: value for key, value in asdict(self).items() if value})

    def rows(self, session: Session, account: SignedIn) -> Iterator[ProjectRow]:
        """Every project of the list the account may read, in the list's order."""
        scope = viewer_scope(session, account.user.login)
        filters = self.filters()
        rows = export_rows(session, scope, filters, self.sort)
        return gated_rows(session, scope, rows, by_organization=bool(filters.organization))


ListQueryParams = Annotated[ListQuery, Depends()]


@router.get("/projects")
def projects_page(
    request: Request, account: Account, session: Reader, query: ListQueryParams, after: str = ""
) -> Response:
    """One page of the projects the account may read, filtered, searched and sorted."""
    scope = viewer_scope(session, account.user.login)
    filters = query.filters()
    page = list_page(session, scope, filters, sort=query.sort, after=after or None)
    rows = gated_rows(session, scope, page.rows, by_organization=bool(filters.organization))
    page = replace(page, rows=list(rows))
    context = {
        "page": page,
        "filters": filters,
        "sort": query.sort,
        "sort_keys": SORT_KEYS,
        "sort_label": sort_label,
        "states": [state.code for state in default_rules().engine.definition.states],
        "query": query.link(),
        "first_page": not after,
        **naming(),
    }
    return pages.render(request, "projects.html", context)


@router.get("/projects.csv")
def projects_csv(account: Account, session: Reader, query: ListQueryParams) -> Response:
    """The filtered list as CSV (UTF-8 with a byte-order mark, for spreadsheet programs)."""
    text = io.StringIO()
    write_csv(query.rows(session, account), text)  # starts with the byte-order mark itself
    return Response(
        text.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="projects.csv"'},
    )


@router.get("/projects.xlsx")
def projects_xlsx(account: Account, session: Reader, query: ListQueryParams) -> Response:
    """The filtered list as an .xlsx workbook."""
    book = io.BytesIO()
    write_xlsx(query.rows(session, account), book)
    book.seek(0)
    return StreamingResponse(
        book,
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="projects.xlsx"'},
    )


def _year(text: str) -> int | None:
    return YEAR.parse_optional(text)
