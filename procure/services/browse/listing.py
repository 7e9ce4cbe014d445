"""The projects list: filter, search, sort and page through the projects a viewer may read.

Pages are cut by keyset (``WHERE (sort value, id) > (last value, last id)``), never by
offset, so the thousandth page costs what the first does. The cursor handed back is
opaque text (base64 of the last row's sort value and id, with the sort it belongs to).
It needs no signature: it only says where to resume inside the viewer's own scoped,
filtered query, so an edited cursor can move the page but never widen what is read;
a malformed one is refused as :class:`InvalidInput`.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import ColumnElement, Select, literal, or_, select, tuple_
from sqlalchemy.sql.expression import UnaryExpression
from sqlalchemy.sql.operators import custom_op
from sqlmodel import Session, col

from procure.domain.errors import InvalidInput
from procure.domain.language import N_, _
from procure.domain.text import quoted
from procure.services.browse import search
from procure.services.browse.search import contains_clause, contains_pattern, few_matches
from procure.services.browse.visibility import ViewerScope, project_clause, purchaser_and_below
from procure.store import queries
from procure.store.models import Contract, Organization, Project, Purchaser
from procure.workflow.rules import Rules, default_rules

SORT_KEYS: tuple[str, ...] = ("code", "year", "budget", "state", "title")
"""What a list may be sorted by; ``-key`` sorts descending. Ties are broken by row id."""
SORT_LABELS: dict[tuple[str, bool], str] = {
    ("code", False): N_("Project code, ascending"),
    ("code", True): N_("Project code, descending"),
    ("year", False): N_("Year, oldest first"),
    ("year", True): N_("Year, newest first"),
    ("budget", False): N_("Budget, smallest first"),
    ("budget", True): N_("Budget, largest first"),
    ("state", False): N_("State, in order"),
    ("state", True): N_("State, in reverse order"),
    ("title", False): N_("Title, ascending"),
    ("title", True): N_("Title, descending"),
}
"""Each sort as the list's picker names it."""
PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
EXPORT_CHUNK = 1000
SEARCH_NARROW = 2000
_CURSOR_MAX = 600
_BAD_CURSOR = N_("this page link is damaged or out of date: start again from the first page")


@dataclass(frozen=True)
class ProjectFilters:
    """What narrows a list: each filter given must hold (all of them at once).

    ``purchaser`` is a purchaser code and keeps its projects and those of every
    purchaser below it; ``organization`` is a USCC or part of a name and keeps the
    projects contracted to a matching organization; ``q`` is part of a code or title.
    Text is matched case-insensitively.
    """

    year: int | None = None
    state: str | None = None
    purchaser: str | None = None
    organization: str | None = None
    q: str | None = None


@dataclass(frozen=True)
class ProjectRow:
    """One line of the list (``organization`` and the contract amount only once contracted;
    who may see them is the visibility gate's to say: ``services/visibility/listing.py``)."""

    code: str
    year: int
    title: str
    purchaser: str
    purchaser_name: str
    organization: str | None
    organization_uscc: str | None
    budget: Decimal
    contract_amount: Decimal | None
    state: str
    state_zh: str
    project_id: int
    purchaser_id: int


@dataclass(frozen=True)
class ProjectPage:
    """One page of rows and the cursor of the next page (``None`` on the last page)."""

    rows: list[ProjectRow]
    next_cursor: str | None


def list_page(
    session: Session,
    scope: ViewerScope,
    filters: ProjectFilters,
    *,
    sort: str = "code",
    after: str | None = None,
    size: int = PAGE_SIZE,
    rules: Rules | None = None,
) -> ProjectPage:
    """Return one page of the projects ``scope`` may read that match ``filters``.

    Args:
        sort: one of :data:`SORT_KEYS`, prefixed ``-`` for descending.
        after: the ``next_cursor`` of the previous page; ``None`` for the first page.
        size: rows per page, 1 to :data:`MAX_PAGE_SIZE`.

    Raises:
        InvalidInput: an unknown sort or state, a bad page size, a damaged cursor.
        NotFound: an unknown purchaser in the filters.
    """
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise InvalidInput(
            _("a page holds 1 to %(most)s rows, not %(size)s", most=MAX_PAGE_SIZE, size=size)
        )
    rules = rules or default_rules()
    key, descending = parse_sort(sort)
    statement = _matching(session, scope, filters, rules)
    sort_column, id_column = _SORT_COLUMNS[key], col(Project.id)
    if after is not None:
        value, last_id = decode_cursor(after, sort)
        position = tuple_(sort_column, id_column)
        bound = tuple_(_bind(sort_column, value), _bind(id_column, last_id))
        statement = statement.where(position < bound if descending else position > bound)
    if descending:
        statement = statement.order_by(sort_column.desc(), id_column.desc())
    else:
        statement = statement.order_by(sort_column, id_column)
    found = list(session.connection().execute(statement.limit(size + 1)))
    rows = [_row(found_row, rules) for found_row in found[:size]]
    cursor = None
    if len(found) > size:
        last = found[size - 1]
        cursor = encode_cursor(sort, _sort_value(key, last), last.id)
    return ProjectPage(rows, cursor)


def export_rows(
    session: Session,
    scope: ViewerScope,
    filters: ProjectFilters,
    sort: str = "code",
    *,
    rules: Rules | None = None,
) -> Iterator[ProjectRow]:
    """Yield every project of the list, in order, reading a chunk of rows at a time."""
    cursor: str | None = None
    while True:
        page = list_page(
            session, scope, filters, sort=sort, after=cursor, size=EXPORT_CHUNK, rules=rules
        )
        yield from page.rows
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def sort_label(key: str, descending: bool) -> str:
    """A sort as the list's picker names it (``budget``, descending: "Budget, largest first")."""
    return _(SORT_LABELS[key, descending])


def parse_sort(sort: str) -> tuple[str, bool]:
    """Return the sort key and whether it is descending (``-budget``).

    Raises:
        InvalidInput: a key not in :data:`SORT_KEYS`.
    """
    key = sort[1:] if sort.startswith("-") else sort
    if key not in SORT_KEYS:
        raise InvalidInput(
            _(
                "cannot sort by %(sort)s (by: %(keys)s; '-' before one sorts descending)",
                sort=quoted(sort),
                keys=", ".join(SORT_KEYS),
            )
        )
    return key, sort.startswith("-")


_SORT_COLUMNS: dict[str, Any] = {
    "code": col(Project.code),
    "year": col(Project.year),
    "budget": col(Project.budget),
    "state": col(Project.state),
    "title": col(Project.title),
}


def _matching(
    session: Session, scope: ViewerScope, filters: ProjectFilters, rules: Rules
) -> Select[*tuple[Any, ...]]:
    statement: Select[*tuple[Any, ...]] = (
        select(
            col(Project.id),
            col(Project.code),
            col(Project.year),
            col(Project.title),
            col(Project.budget),
            col(Project.state),
            col(Project.purchaser_id),
            col(Purchaser.code).label("purchaser"),
            col(Purchaser.name).label("purchaser_name"),
            col(Organization.name).label("organization"),
            col(Organization.uscc).label("organization_uscc"),
            col(Contract.amount).label("contract_amount"),
        )
        .join(Purchaser, col(Purchaser.id) == col(Project.purchaser_id))
        .outerjoin(Contract, col(Contract.project_id) == col(Project.id))
        .outerjoin(Organization, col(Organization.id) == col(Contract.organization_id))
        .where(project_clause(scope))
    )
    return statement.where(*_narrowed(session, scope, filters, rules))


def _narrowed(
    session: Session, scope: ViewerScope, filters: ProjectFilters, rules: Rules
) -> list[ColumnElement[bool]]:
    """The filters' where-clauses, shaped so that a page is found without reading them all.

    A filter or search (unlike the sort) may keep few projects or many, and which one
    it is decides the fast way to a sorted page: read in the sort's index order, a rare
    match would fetch the whole table row by row; read by the filter's index, a common
    one would fetch and sort every match. So the matches are first collected by one
    plain read, up to :data:`SEARCH_NARROW` of them: when that is all of them the page
    is cut from those ids, else (many matches) the page is read in the sort's order,
    where a page's worth is found early (SQLite, whose planner cannot tell the two
    apart, is kept off the filters' indexes then).
    """
    text = filters.q.strip() if filters.q else ""
    clauses = _filter_clauses(session, filters, rules)
    sqlite = session.get_bind().dialect.name == "sqlite"
    probed = clauses
    if text:
        few = few_matches(session, text, SEARCH_NARROW)
        searched = contains_clause(session, text) if few is None else col(Project.id).in_(few)
        readable = [project_clause(scope), *clauses]
        if sqlite and few is None and clauses and not search.selective(session, readable):
            probed = _filter_clauses(session, filters, rules, unindexed=True)
        clauses, probed = [*clauses, searched], [*probed, searched]
    if not clauses:
        return []
    probe = select(col(Project.id)).where(project_clause(scope), *probed)
    ids = session.connection().execute(probe.limit(SEARCH_NARROW + 1)).scalars().all()
    if len(ids) <= SEARCH_NARROW:
        return [col(Project.id).in_(ids)]
    if not sqlite:
        return clauses
    unindexed = _filter_clauses(session, filters, rules, unindexed=True)
    return [*unindexed, contains_clause(session, text)] if text else unindexed


def _filter_clauses(
    session: Session,
    filters: ProjectFilters,
    rules: Rules | None = None,
    *,
    unindexed: bool = False,
) -> list[ColumnElement[bool]]:
    """Return the where-clauses over :class:`Project` that ``filters`` ask for, but the
    search (``q``: see :func:`~procure.services.browse.search.contains_clause`).

    With ``unindexed`` (SQLite only) each compares its column behind a unary ``+``, which
    keeps SQLite's planner from reading the projects through that column's index.

    Raises:
        InvalidInput: an unknown state.
        NotFound: an unknown purchaser.
    """
    definition = (rules or default_rules()).engine.definition
    column = _unindexed if unindexed else _indexed
    clauses: list[ColumnElement[bool]] = []
    if filters.year is not None:
        clauses.append(column(col(Project.year)) == filters.year)
    if filters.state:
        if not definition.has_state(filters.state):
            known = ", ".join(state.code for state in definition.states)
            raise InvalidInput(
                _(
                    "unknown state %(state)s (known: %(known)s)",
                    state=quoted(filters.state),
                    known=known,
                )
            )
        clauses.append(column(col(Project.state)) == filters.state)
    if filters.purchaser:
        purchaser = queries.purchaser_by_code(session, filters.purchaser.strip())
        assert purchaser.id is not None
        below = sorted(purchaser_and_below(session, purchaser.id))
        clauses.append(column(col(Project.purchaser_id)).in_(below))
    if filters.organization and filters.organization.strip():
        clauses.append(_organization_clause(filters.organization.strip(), column))
    return clauses


def _indexed(column: Any) -> Any:
    return column


def _unindexed(column: Any) -> Any:
    return UnaryExpression(column, operator=custom_op("+"), type_=column.type)


def _organization_clause(text: str, column: Any = _indexed) -> ColumnElement[bool]:
    matching = select(col(Organization.id)).where(
        or_(
            col(Organization.uscc) == text.upper(),
            col(Organization.name).ilike(contains_pattern(text), escape="\\"),
        )
    )
    contracted = select(col(Contract.project_id)).where(col(Contract.organization_id).in_(matching))
    found: ColumnElement[bool] = column(col(Project.id)).in_(contracted)
    return found


def _bind(column: Any, value: object) -> Any:
    return literal(value, type_=column.type)


def _row(found: Any, rules: Rules) -> ProjectRow:
    return ProjectRow(
        code=found.code,
        year=found.year,
        title=found.title,
        purchaser=found.purchaser,
        purchaser_name=found.purchaser_name,
        organization=found.organization,
        organization_uscc=found.organization_uscc,
        budget=found.budget,
        contract_amount=found.contract_amount,
        state=found.state,
        state_zh=rules.engine.definition.state(found.state).zh,
        project_id=found.id,
        purchaser_id=found.purchaser_id,
    )


def _sort_value(key: str, found: Any) -> str | int:
    value = getattr(found, key)
    return str(value) if isinstance(value, Decimal) else value


def encode_cursor(sort: str, value: str | int, last_id: int) -> str:
    """Return the opaque cursor that resumes ``sort`` after the row (``value``, ``last_id``)."""
    text = json.dumps([sort, value, last_id], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple[str | int | Decimal, int]:
    """Return the sort value and row id a cursor resumes after.

    Raises:
        InvalidInput: a cursor that is malformed, or made for another sort.
    """
    if len(cursor) > _CURSOR_MAX:
        raise InvalidInput(_(_BAD_CURSOR))
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        decoded = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode())
    except (ValueError, UnicodeError, binascii.Error) as exc:
        raise InvalidInput(_(_BAD_CURSOR)) from exc
    if not isinstance(decoded, list) or len(decoded) != 3 or decoded[0] != sort:
        raise InvalidInput(_(_BAD_CURSOR))
    _sort, value, last_id = decoded
    if type(last_id) is not int or not 0 < last_id < 2**63:
        raise InvalidInput(_(_BAD_CURSOR))
    return _checked_value(parse_sort(sort)[0], value), last_id


def _checked_value(key: str, value: object) -> str | int | Decimal:
    if key == "year":
        if type(value) is not int or not 0 < value < 10_000:
            raise InvalidInput(_(_BAD_CURSOR))
        return value
    if not isinstance(value, str) or len(value) > 200:
        raise InvalidInput(_(_BAD_CURSOR))
    if key != "budget":
        return value
    try:
        amount = Decimal(value)
    except InvalidOperation as exc:
        raise InvalidInput(_(_BAD_CURSOR)) from exc
    if not amount.is_finite() or abs(amount) > 10**13:
        raise InvalidInput(_(_BAD_CURSOR))
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput(_(_BAD_CURSOR))
    return amount
