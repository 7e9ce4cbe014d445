"""The projects list: scoped, filtered, searched, sorted, paged by keyset, exported safely."""

from __future__ import annotations

import base64
import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from procure.domain.errors import InvalidInput, NotFound
from procure.domain.language import use_language
from procure.services.browse import listing
from procure.services.browse.export import headers, write_csv, write_xlsx
from procure.services.browse.listing import (
    SORT_KEYS,
    ProjectFilters,
    encode_cursor,
    export_rows,
    list_page,
)
from procure.services.browse.visibility import ViewerScope, viewer_scope
from tests.integration.browse_world import CODES, FED_AUDITOR, WC_OFFICER, build_world
from tests.integration.builders import AUDITOR, QIHANG, Plan, create_project

EVERYTHING = ProjectFilters()


@pytest.fixture
def world(session: Session) -> Session:
    build_world(session)
    return session


def everyone(session: Session) -> ViewerScope:
    return viewer_scope(session, AUDITOR.name)


def codes(session: Session, filters: ProjectFilters, login: str = AUDITOR.name) -> list[str]:
    page = list_page(session, viewer_scope(session, login), filters, size=100)
    return [row.code for row in page.rows]


def walk(session: Session, sort: str, size: int, filters: ProjectFilters = EVERYTHING) -> list[str]:
    """Every code, page by page, following the cursors."""
    scope, seen, cursor = everyone(session), [], None
    while True:
        page = list_page(session, scope, filters, sort=sort, after=cursor, size=size)
        seen += [row.code for row in page.rows]
        if page.next_cursor is None:
            return seen
        cursor = page.next_cursor


def test_a_row_shows_the_project_its_purchaser_and_its_contract(world: Session) -> None:
    rows = list_page(world, everyone(world), ProjectFilters(q="SM-2019-001")).rows

    assert len(rows) == 1
    row = rows[0]
    assert (row.code, row.year, row.title) == ("SM-2019-001", 2019, "职工成长方程式")
    assert (row.purchaser, row.purchaser_name) == ("SM-FED", "厦门市思明区总工会")
    assert (row.organization, row.organization_uscc) == ("厦门市思明区启航社会工作服务中心", QIHANG)
    assert (row.budget, row.contract_amount) == (Decimal("900000.00"), Decimal("868000.00"))
    assert (row.state, row.state_zh) == ("contracted", "已签约")


def test_a_project_not_yet_contracted_has_no_organization_or_amount(world: Session) -> None:
    row = list_page(world, everyone(world), ProjectFilters(q="HL-2019")).rows[0]

    assert (row.organization, row.organization_uscc, row.contract_amount) == (None, None, None)


def test_the_list_holds_only_what_the_viewer_may_read(world: Session) -> None:
    assert codes(world, EVERYTHING) == sorted(CODES)
    assert codes(world, EVERYTHING, WC_OFFICER.name) == ["SM-WC-2019-001", "SM-WC-2020-001"]
    assert codes(world, EVERYTHING, "nobody") == []


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (ProjectFilters(year=2020), ["SM-WC-2020-001"]),
        (ProjectFilters(state="approved"), ["SM-ZS-2019-001"]),
        (ProjectFilters(purchaser="SM-WC"), ["SM-WC-2019-001", "SM-WC-2020-001"]),
        (
            ProjectFilters(purchaser="SM-FED", year=2019),
            ["SM-2019-001", "SM-WC-2019-001", "SM-ZS-2019-001"],
        ),
        (ProjectFilters(organization=QIHANG.lower()), ["SM-2019-001"]),
        (ProjectFilters(organization="启航"), ["SM-2019-001"]),
        (ProjectFilters(organization="同心"), []),  # a bid is not a contract
        (ProjectFilters(q="sm-wc"), ["SM-WC-2019-001", "SM-WC-2020-001"]),
        (ProjectFilters(q="加油站"), ["SM-WC-2019-001"]),
        (ProjectFilters(q="%"), []),
        (ProjectFilters(q="_"), []),
        (ProjectFilters(q="  "), sorted(CODES)),
    ],
    ids=lambda value: repr(value) if isinstance(value, ProjectFilters) else None,
)
def test_filters_narrow_the_list(
    world: Session, filters: ProjectFilters, expected: list[str]
) -> None:
    assert codes(world, filters) == expected


def test_a_filter_never_widens_the_scope(world: Session) -> None:
    assert codes(world, ProjectFilters(purchaser="HL-FED"), FED_AUDITOR.name) == []


def test_an_unknown_state_or_purchaser_in_the_filters_is_refused(world: Session) -> None:
    with pytest.raises(InvalidInput, match=r"^未知状态 'done'（可用：draft, "):
        codes(world, ProjectFilters(state="done"))
    with use_language("en"), pytest.raises(InvalidInput, match=r"^unknown state 'done' \(known: "):
        codes(world, ProjectFilters(state="done"))
    with pytest.raises(NotFound, match=r"^未知的购买方 'XX'$"):
        codes(world, ProjectFilters(purchaser="XX"))
    with use_language("en"), pytest.raises(NotFound, match=r"^unknown purchaser 'XX'$"):
        codes(world, ProjectFilters(purchaser="XX"))


@pytest.mark.parametrize("key", SORT_KEYS)
@pytest.mark.parametrize("descending", [False, True])
def test_pages_of_any_size_join_into_the_whole_sorted_list(
    world: Session, key: str, descending: bool
) -> None:
    sort = f"-{key}" if descending else key
    whole = walk(world, sort, 100)

    assert sorted(whole) == sorted(CODES)
    assert walk(world, sort, 1) == whole
    assert walk(world, sort, 2) == whole


def test_sorting_by_budget_orders_by_amount_and_ties_by_row(world: Session) -> None:
    create_project(world, Plan(code="SM-2019-002", budget="80000.00"), title="同额预算")

    assert walk(world, "budget", 2)[:2] == ["SM-ZS-2019-001", "SM-2019-002"]
    assert walk(world, "-budget", 2)[-2:] == ["SM-2019-002", "SM-ZS-2019-001"]
    assert walk(world, "-year", 3)[0] == "SM-WC-2020-001"


def test_an_unknown_sort_is_refused(world: Session) -> None:
    with pytest.raises(InvalidInput, match="不能按 'purpose' 排序"):
        list_page(world, everyone(world), EVERYTHING, sort="purpose")
    with use_language("en"), pytest.raises(InvalidInput, match="cannot sort by 'purpose'"):
        list_page(world, everyone(world), EVERYTHING, sort="purpose")


def test_a_page_size_out_of_range_is_refused(world: Session) -> None:
    with pytest.raises(InvalidInput, match="每页可显示 1 至 1000 行，不能是 0 行"):
        list_page(world, everyone(world), EVERYTHING, size=0)


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "not a cursor!",
        "%%%%",
        _b64("not json"),
        _b64('{"a": 1}'),
        _b64('["code", "SM", 1, 2]'),
        _b64('["year", 2019, 1]'),  # made for another sort
        _b64('["code", "SM", "1"]'),
        _b64('["code", "SM", -1]'),
        _b64('["code", "SM", 1e400]'),
        _b64('["code", 5, 1]'),
        _b64('["code", "SM", 99999999999999999999999]'),
        "A" * 5000,
        _b64("\udcff".encode("utf-8", "surrogatepass").decode("latin-1")),
    ],
)
def test_a_damaged_cursor_is_refused_as_invalid_input(world: Session, cursor: str) -> None:
    with pytest.raises(InvalidInput, match="翻页链接已损坏或已过期"):
        list_page(world, everyone(world), EVERYTHING, sort="code", after=cursor)


@pytest.mark.parametrize(
    ("sort", "value"),
    [("-budget", "1e999"), ("budget", "0.001"), ("budget", "NaN"), ("year", "2019"), ("year", 0)],
)
def test_a_cursor_value_of_the_wrong_kind_is_refused(
    world: Session, sort: str, value: str | int
) -> None:
    with use_language("en"), pytest.raises(InvalidInput, match="damaged or out of date"):
        list_page(
            world, everyone(world), EVERYTHING, sort=sort, after=encode_cursor(sort, value, 1)
        )


def test_an_edited_cursor_moves_the_page_but_never_leaves_the_scope(world: Session) -> None:
    scope = viewer_scope(world, WC_OFFICER.name)

    page = list_page(world, scope, EVERYTHING, after=encode_cursor("code", "", 1))

    assert [row.code for row in page.rows] == ["SM-WC-2019-001", "SM-WC-2020-001"]


def test_export_rows_yields_every_matching_project_in_order(world: Session) -> None:
    rows = export_rows(world, everyone(world), ProjectFilters(year=2019), "-code")

    assert [row.code for row in rows] == sorted((c for c in CODES if "2019" in c), reverse=True)


HOSTILE_TITLES = ('=HYPERLINK("http://x")', "+1+2", "-3", "@SUM(A1)")  # names are stripped: no tab


def hostile_rows(session: Session) -> list[str]:
    for number, title in enumerate(HOSTILE_TITLES, start=2):
        create_project(session, Plan(code=f"SM-2019-{number:03d}"), title=title)
    return [f"'{title}" for title in HOSTILE_TITLES]


def test_the_csv_has_headers_in_the_language_in_use_and_neutralizes_formulas(
    world: Session,
) -> None:
    expected = hostile_rows(world)
    stream = io.StringIO(newline="")

    written = write_csv(export_rows(world, everyone(world), EVERYTHING), stream)

    text = stream.getvalue()
    assert text.startswith("\ufeff项目编号,年度,项目名称,购买方代码,购买方,承接组织")
    table = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert written == len(table) - 1 == len(CODES) + len(HOSTILE_TITLES)
    titles = [
        line[2]
        for line in table[1:]
        if line[0].startswith("SM-2019-0") and line[0] != "SM-2019-001"
    ]
    assert titles == expected
    contracted = next(line for line in table if line[0] == "SM-2019-001")
    assert contracted[7:9] == ["900000.00", "868000.00"]
    assert contracted[9:] == ["contracted", "已签约"]
    with use_language("en"):
        english = io.StringIO(newline="")
        write_csv(export_rows(world, everyone(world), EVERYTHING), english)
    assert english.getvalue().startswith("\ufeffProject code,Year,Project title,Purchaser code")
    assert (
        "SM-2019-001" in english.getvalue() and ",contracted,Contracted\r\n" in english.getvalue()
    )


def test_the_xlsx_has_headers_in_the_language_in_use_money_as_numbers_and_no_formulas(
    world: Session,
) -> None:
    expected = hostile_rows(world)
    stream = io.BytesIO()

    write_xlsx(export_rows(world, everyone(world), EVERYTHING), stream)

    sheet = load_workbook(io.BytesIO(stream.getvalue())).worksheets[0]
    table = list(sheet.iter_rows(values_only=True))
    assert list(table[0]) == headers() == [
        "项目编号", "年度", "项目名称", "购买方代码", "购买方", "承接组织", "统一社会信用代码",
        "预算（元）", "合同金额（元）", "状态代码", "状态",
    ]  # fmt: skip
    assert load_workbook(io.BytesIO(stream.getvalue())).sheetnames == ["项目"]
    titles = [
        line[2]
        for line in table[1:]
        if str(line[0]).startswith("SM-2019-0") and line[0] != "SM-2019-001"
    ]
    assert titles == expected
    contracted = next(line for line in table if line[0] == "SM-2019-001")
    assert contracted[7:9] == (900000, 868000)
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


@pytest.mark.parametrize("narrow", [0, 1, 2000])
def test_a_search_finds_the_same_projects_whether_its_matches_are_rare_or_common(
    world: Session, monkeypatch: pytest.MonkeyPatch, narrow: int
) -> None:
    monkeypatch.setattr(listing, "SEARCH_NARROW", narrow)

    assert codes(world, ProjectFilters(q="sm-wc")) == ["SM-WC-2019-001", "SM-WC-2020-001"]
    assert walk(world, "-title", 1, ProjectFilters(q="SM")) == walk(
        world, "-title", 9, ProjectFilters(q="sm")
    )


@pytest.mark.parametrize("narrow", [0, 1, 2000])
@pytest.mark.parametrize(
    "filters",
    [
        ProjectFilters(year=2019),
        ProjectFilters(year=2019, state="draft"),
        ProjectFilters(purchaser="SM-FED"),
        ProjectFilters(organization="启航"),
        ProjectFilters(purchaser="SM-FED", q="职工"),
    ],
    ids=repr,
)
def test_a_filter_keeps_the_same_projects_whether_its_matches_are_few_or_many(
    world: Session, monkeypatch: pytest.MonkeyPatch, narrow: int, filters: ProjectFilters
) -> None:
    expected = walk(world, "code", 100, filters)
    assert expected  # each filter keeps some projects of the world
    monkeypatch.setattr(listing, "SEARCH_NARROW", narrow)

    for sort in ("code", "-budget", "title"):
        assert walk(world, sort, 1, filters) == walk(world, sort, 100, filters)
    assert walk(world, "code", 1, filters) == expected


def test_a_search_ignores_the_case_of_latin_letters_in_titles(world: Session) -> None:
    create_project(world, Plan(code="SM-2019-002"), title="Social Work 社工服务")

    assert codes(world, ProjectFilters(q="social WORK")) == ["SM-2019-002"]
    assert codes(world, ProjectFilters(q="社工")) == ["SM-2019-002"]
