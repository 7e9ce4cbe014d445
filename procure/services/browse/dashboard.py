"""The dashboard of a viewer's scope: the year's projects by state, grades and spending.

Every figure is one grouped query over the projects the viewer may read
(:func:`procure.services.browse.visibility.project_clause`), optionally of one
funding year; money sums are exact ``Decimal``. What waits for the viewer is in
:mod:`procure.services.browse.waiting`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, select, type_coerce
from sqlmodel import Session, col

from procure.services.browse.visibility import ViewerScope, project_clause
from procure.services.browse.waiting import waiting_for
from procure.store.models import Assessment, Contract, Payment, Project, Purchaser
from procure.store.types import Hundredths
from procure.workflow.rules import Rules, default_rules

_ZERO = Decimal("0.00")


@dataclass(frozen=True)
class StateFigures:
    """One funding year's projects in one state: how many, their budgets and contracts."""

    year: int
    state: str
    state_zh: str
    projects: int
    budget: Decimal
    contracted: Decimal


@dataclass(frozen=True)
class GradeCount:
    """How many final assessments gave one grade (every band listed, zero or not)."""

    grade: str
    grade_zh: str
    assessments: int


@dataclass(frozen=True)
class PurchaserSpending:
    """What was paid out on one purchaser's contracts (its own, not those below it)."""

    purchaser: str
    purchaser_name: str
    paid: Decimal


@dataclass(frozen=True)
class Dashboard:
    """The figures of one scope (and year, if given)."""

    year: int | None
    years: list[int]
    by_year_state: list[StateFigures]
    grades: list[GradeCount]
    spending: list[PurchaserSpending]


def dashboard(
    session: Session, scope: ViewerScope, *, year: int | None = None, rules: Rules | None = None
) -> Dashboard:
    """Return the figures of the projects ``scope`` may read (of ``year``, if given).

    ``years`` lists the funding years from the scope's newest to its oldest, for a year
    picker (a year between them may have no project); the other figures are of ``year``
    only when it is given. Spending is the sum of payments on the contracts of the
    year's projects, by the project's purchaser, largest first.
    """
    rules = rules or default_rules()
    where = [project_clause(scope)]
    if year is not None:
        where.append(col(Project.year) == year)
    sums = _sums(session, where)
    return Dashboard(
        year=year,
        years=_years(session, project_clause(scope)),
        by_year_state=_by_year_state(sums, rules),
        grades=_grades(session, where, rules),
        spending=_spending(session, sums),
    )


def _rows(session: Session, statement: Any) -> list[Any]:
    return list(session.connection().execute(statement))


def scope_years(session: Session, scope: ViewerScope) -> list[int]:
    """The funding years the scope's projects span, newest first (for a year picker)."""
    return _years(session, project_clause(scope))


def _years(session: Session, readable: ColumnElement[bool]) -> list[int]:
    """Every year from the scope's last funding year back to its first (two index reads:
    listing the distinct years would read every project)."""
    statement = select(
        func.min(col(Project.year)).label("first"), func.max(col(Project.year)).label("last")
    ).where(readable)
    span = _rows(session, statement)[0]
    if span.first is None:
        return []
    return list(range(span.last, span.first - 1, -1))


def _sums(session: Session, where: list[ColumnElement[bool]]) -> list[Any]:
    """One pass over the projects: count, budgets, contract amounts and payments by year,
    state and purchaser (each contract's payments summed by its own index read)."""
    paid = (
        select(func.sum(col(Payment.amount)))
        .where(col(Payment.contract_id) == col(Contract.id))
        .scalar_subquery()
    )
    statement = (
        select(
            col(Project.year),
            col(Project.state),
            col(Project.purchaser_id),
            func.count().label("projects"),
            func.sum(col(Project.budget)).label("budget"),
            func.sum(col(Contract.amount)).label("contracted"),
            func.sum(type_coerce(paid, Hundredths())).label("paid"),
        )
        .outerjoin(Contract, col(Contract.project_id) == col(Project.id))
        .where(*where)
        .group_by(col(Project.year), col(Project.state), col(Project.purchaser_id))
    )
    return _rows(session, statement)


def _by_year_state(sums: list[Any], rules: Rules) -> list[StateFigures]:
    definition = rules.engine.definition
    totals: dict[tuple[int, str], list[Any]] = {}
    for row in sums:
        total = totals.setdefault((row.year, row.state), [0, _ZERO, _ZERO])
        total[0] += row.projects
        total[1] += row.budget or _ZERO
        total[2] += row.contracted or _ZERO
    order = {state.code: index for index, state in enumerate(definition.states)}
    figures = [
        StateFigures(year, state, definition.state(state).zh, *total)
        for (year, state), total in totals.items()
    ]
    return sorted(figures, key=lambda f: (-f.year, order.get(f.state, len(order))))


def _grades(session: Session, where: list[ColumnElement[bool]], rules: Rules) -> list[GradeCount]:
    statement = (
        select(col(Assessment.grade), func.count().label("assessments"))
        .join(Project, col(Project.id) == col(Assessment.project_id))
        .where(col(Assessment.final).is_(True), *where)
        .group_by(col(Assessment.grade))
    )
    counted = {row.grade: row.assessments for row in _rows(session, statement)}
    bands = rules.assessment.grades
    listed = [GradeCount(band.code, band.label_zh, counted.pop(band.code, 0)) for band in bands]
    # a grade no longer in the scorecard still counts, under its own code
    return listed + [GradeCount(code, code, count) for code, count in sorted(counted.items())]


def _spending(session: Session, sums: list[Any]) -> list[PurchaserSpending]:
    paid: dict[int, Decimal] = {}
    for row in sums:
        if row.paid is not None:
            paid[row.purchaser_id] = paid.get(row.purchaser_id, _ZERO) + row.paid
    names = select(col(Purchaser.id), col(Purchaser.code), col(Purchaser.name)).where(
        col(Purchaser.id).in_(sorted(paid))
    )
    spent = [PurchaserSpending(row.code, row.name, paid[row.id]) for row in _rows(session, names)]
    return sorted(spent, key=lambda s: (-s.paid, s.purchaser))


__all__ = [
    "Dashboard",
    "GradeCount",
    "PurchaserSpending",
    "StateFigures",
    "dashboard",
    "waiting_for",  # what waits for the viewer: procure.services.browse.waiting
]
