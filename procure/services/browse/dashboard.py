"""The dashboard of a viewer's scope: the year's projects by state, grades and spending.

Every figure is a grouped query over the projects the viewer may read
(:func:`procure.services.browse.visibility.project_clause`), optionally of one
funding year, read from covering indexes; money sums are exact ``Decimal``. The web
app keeps the figures counted per funding year and purchaser, and counts again only
the parts a write changed (:mod:`procure.services.browse.figures_cache`); a scope of
purchasers (or everything) sums the parts it reaches, an organization's scope (a few
projects) is counted afresh. What waits for the viewer is in
:mod:`procure.services.browse.waiting`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlmodel import Session, col

from procure.services.browse.figures_cache import FiguresCache, Part, PartFigures
from procure.services.browse.visibility import Reach, ViewerScope, project_clause, reach_clause
from procure.services.browse.waiting import waiting_for
from procure.store.models import Assessment, Contract, Payment, Project, Purchaser
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


@dataclass(frozen=True)
class _Counted:
    """What the database counts for a dashboard, before the rules name it."""

    years: tuple[int, ...]
    by_year_state: tuple[tuple[int, str, int, Decimal, Decimal], ...]
    grades: tuple[tuple[str, int], ...]
    paid: tuple[tuple[int, Decimal], ...]


def dashboard(
    session: Session,
    scope: ViewerScope,
    *,
    year: int | None = None,
    rules: Rules | None = None,
    cache: FiguresCache | None = None,
) -> Dashboard:
    """Return the figures of the projects ``scope`` may read (of ``year``, if given).

    ``years`` lists the funding years from the scope's newest to its oldest, for a year
    picker (a year between them may have no project); the other figures are of ``year``
    only when it is given. Spending is the sum of payments on the contracts of the
    year's projects, by the project's purchaser, largest first.

    Args:
        cache: the figures counted per year and purchaser, kept across writes (see
            :mod:`procure.services.browse.figures_cache`); ``None`` counts afresh.
    """
    rules = rules or default_rules()
    reach = scope.reach
    if cache is None or reach.organization_project_ids:
        counted = _count(session, reach, year)
    else:
        counted = _summed(cache.parts(session), reach, year)
    return Dashboard(
        year=year,
        years=list(counted.years),
        by_year_state=_by_year_state(counted, rules),
        grades=_grades(counted, rules),
        spending=_spending(session, counted),
    )


def _rows(session: Session, statement: Any) -> list[Any]:
    return list(session.connection().execute(statement))


def scope_years(
    session: Session, scope: ViewerScope, *, cache: FiguresCache | None = None
) -> list[int]:
    """The funding years the scope's projects span, newest first (for a year picker);
    read from ``cache``'s parts when the scope is one of purchasers."""
    reach = scope.reach
    if cache is None or reach.organization_project_ids:
        return _years(session, project_clause(scope))
    return list(_summed(cache.parts(session), reach, -1).years)  # -1: no year's figures


def working_year(
    session: Session,
    scope: ViewerScope,
    waiting_years: Iterable[int],
    *,
    cache: FiguresCache | None = None,
) -> int | None:
    """The funding year a dashboard opens on: the one with work for the viewer.

    The newest year of a project waiting for the viewer (``waiting_years``); if nothing
    waits, the newest year in which a contract of the scope was signed (a renewal's next
    year, awarded but not signed, has nothing to read yet); else the newest year.
    """
    waiting = max(waiting_years, default=None)
    if waiting is not None:
        return waiting
    reach = scope.reach
    if cache is None or reach.organization_project_ids:
        counted = _count(session, reach, None)
    else:
        counted = _summed(cache.parts(session), reach, None)
    signed = (year for year, _state, _projects, _budget, amount in counted.by_year_state if amount)
    return max(signed, default=max(counted.years, default=None))


def _count(session: Session, reach: Reach, year: int | None) -> _Counted:
    """Count each figure by its own grouped query, each read from a covering index."""
    where = [reach_clause(reach)]
    if year is not None:
        where.append(col(Project.year) == year)
    return _Counted(
        years=tuple(_years(session, reach_clause(reach))),
        by_year_state=_by_year_state_sums(session, where),
        grades=_grade_counts(session, where),
        paid=_paid(session, where),
    )


def _summed(parts: Mapping[Part, PartFigures], reach: Reach, year: int | None) -> _Counted:
    """The figures of the parts ``reach`` covers (of ``year``, if given), summed."""
    reached = {
        part: figures
        for part, figures in parts.items()
        if reach.everything or part[1] in reach.purchaser_ids
    }
    years = {part_year for part_year, _purchaser in reached}
    states: dict[tuple[int, str], tuple[int, Decimal, Decimal]] = {}
    grades: dict[str, int] = {}
    paid: dict[int, Decimal] = {}
    for (part_year, purchaser), figures in reached.items():
        if year is not None and part_year != year:
            continue
        for state, projects, budget, contracted in figures.by_state:
            before = states.get((part_year, state), (0, _ZERO, _ZERO))
            states[(part_year, state)] = (
                before[0] + projects,
                before[1] + budget,
                before[2] + contracted,
            )
        for grade, count in figures.grades:
            grades[grade] = grades.get(grade, 0) + count
        if figures.paid:
            paid[purchaser] = paid.get(purchaser, _ZERO) + figures.paid
    return _Counted(
        years=tuple(range(max(years), min(years) - 1, -1)) if years else (),
        by_year_state=tuple((y, state, *sums) for (y, state), sums in sorted(states.items())),
        grades=tuple(sorted(grades.items())),
        paid=tuple(sorted(paid.items())),
    )


def _years(session: Session, readable: ColumnElement[bool]) -> list[int]:
    """Every year from the scope's last funding year back to its first (two index reads,
    each its own query: one query asking both reads the whole index)."""
    first = select(func.min(col(Project.year))).where(readable).scalar_subquery()
    last = select(func.max(col(Project.year))).where(readable).scalar_subquery()
    span = _rows(session, select(first.label("first"), last.label("last")))[0]
    if span.first is None:
        return []
    return list(range(span.last, span.first - 1, -1))


def _by_year_state_sums(
    session: Session, where: list[ColumnElement[bool]]
) -> tuple[tuple[int, str, int, Decimal, Decimal], ...]:
    """Projects and budgets by year and state (the projects' covering index alone), and
    the contract amounts of each (one index read per project)."""
    year, state = col(Project.year), col(Project.state)
    projects = (
        select(year, state, func.count().label("projects"), func.sum(col(Project.budget)))
        .where(*where)
        .group_by(year, state)
    )
    contracted = (
        select(year, state, func.sum(col(Contract.amount)))
        .join(Contract, col(Contract.project_id) == col(Project.id))
        .where(*where)
        .group_by(year, state)
    )
    amounts = {(row[0], row[1]): row[2] for row in _rows(session, contracted)}
    return tuple(
        (row[0], row[1], row[2], row[3] or _ZERO, amounts.get((row[0], row[1])) or _ZERO)
        for row in _rows(session, projects)
    )


def _grade_counts(
    session: Session, where: list[ColumnElement[bool]]
) -> tuple[tuple[str, int], ...]:
    statement = (
        select(col(Assessment.grade), func.count().label("assessments"))
        .join(Project, col(Project.id) == col(Assessment.project_id))
        .where(col(Assessment.final).is_(True), *where)
        .group_by(col(Assessment.grade))
    )
    return tuple((row.grade, row.assessments) for row in _rows(session, statement))


def _paid(session: Session, where: list[ColumnElement[bool]]) -> tuple[tuple[int, Decimal], ...]:
    """Payments summed by the purchaser of the project they were paid on."""
    statement = (
        select(col(Project.purchaser_id), func.sum(col(Payment.amount)).label("paid"))
        .select_from(Payment)
        .join(Contract, col(Contract.id) == col(Payment.contract_id))
        .join(Project, col(Project.id) == col(Contract.project_id))
        .where(*where)
        .group_by(col(Project.purchaser_id))
    )
    return tuple((row.purchaser_id, row.paid) for row in _rows(session, statement) if row.paid)


def _by_year_state(counted: _Counted, rules: Rules) -> list[StateFigures]:
    definition = rules.engine.definition
    figures = [
        StateFigures(year, state, definition.state(state).zh, projects, budget, contracted)
        for year, state, projects, budget, contracted in counted.by_year_state
    ]
    order = {state.code: index for index, state in enumerate(definition.states)}
    return sorted(figures, key=lambda f: (-f.year, order.get(f.state, len(order))))


def _grades(counted: _Counted, rules: Rules) -> list[GradeCount]:
    found = dict(counted.grades)
    bands = rules.assessment.grades
    listed = [GradeCount(band.code, band.label_zh, found.pop(band.code, 0)) for band in bands]
    # a grade no longer in the scorecard still counts, under its own code
    return listed + [GradeCount(code, code, count) for code, count in sorted(found.items())]


def _spending(session: Session, counted: _Counted) -> list[PurchaserSpending]:
    """The paid sums with each purchaser's code and name as they are now."""
    paid = dict(counted.paid)
    if not paid:
        return []
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
