"""Excel score sheets: the blank template a reviewer or assessor fills in, and reading it back.

Layout of the first worksheet, 评分表: row 1 the title; row 2 the scorecard name
(B2) and version (D2); row 4 the headers; one row per criterion from row 5:
code, criterion, kind, maximum, score, planned, actual, respondents, satisfied, unit.
Assessment sheets add 评语 (one narrative per dimension) and 一票否决 (是/否 per item).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError
from zipfile import BadZipFile

from defusedxml import DefusedXmlException
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from procure.domain.errors import InvalidInput
from procure.domain.renewal import VetoItem
from procure.domain.scorecard import Criterion, Scorecard
from procure.domain.text import spreadsheet_cell
from procure.services.scoring.sheet_layout import (
    FIRST_ROW,
    HEADER_ROW,
    NARRATIVES_SHEET,
    SCORE_COLUMNS,
    SCORES_SHEET,
    VETO_SHEET,
    SheetInput,
    check_scorecard,
    yes_no,
)
from procure.services.scoring.xlsx_scan import scan_workbook

HEADERS = (
    "代码",
    "评分项",
    "类型",
    "满分",
    "得分",
    "计划数",
    "实际数",
    "受访人数",
    "满意人数",
    "单位",
)
KIND_LABELS = {
    "judged": "评分",
    "price": "报价（自动计算）",
    "attainment": "完成率",
    "satisfaction": "满意度",
}
_GREY = PatternFill("solid", fgColor="DDDDDD")
_BOLD = Font(bold=True)


def write_template(card: Scorecard, path: Path, veto_items: Mapping[str, VetoItem]) -> None:
    """Write a blank sheet for ``card``: one row per criterion with its maximum."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SCORES_SHEET
    sheet["A1"] = f"{card.title_zh}（{card.name} v{card.version}）"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"], sheet["B2"], sheet["C2"], sheet["D2"] = (
        "scorecard",
        card.name,
        "version",
        card.version,
    )
    sheet["A3"] = "填写“得分”；完成率填计划数与实际数；满意度填受访与满意人数；不适用填 n/a。"
    for column, header in enumerate(HEADERS, start=1):
        cell = sheet.cell(HEADER_ROW, column, header)
        cell.font = _BOLD
    for offset, criterion in enumerate(card.criteria):
        _criterion_row(sheet, FIRST_ROW + offset, criterion)
    widths = (24, 22, 16, 8, 10, 10, 10, 10, 10, 8)
    for letter, width in zip("ABCDEFGHIJ", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = f"A{FIRST_ROW}"
    if card.name == "assessment" or any(c.kind == "attainment" for c in card.criteria):
        _narrative_sheet(book.create_sheet(NARRATIVES_SHEET), card)
        _veto_sheet(book.create_sheet(VETO_SHEET), veto_items)
    book.save(path)


def _criterion_row(sheet: Worksheet, row: int, criterion: Criterion) -> None:
    values = (criterion.code, criterion.label_zh, KIND_LABELS.get(criterion.kind, criterion.kind))
    for column, value in enumerate(values, start=1):
        sheet.cell(row, column, spreadsheet_cell(value))
    sheet.cell(row, 4, float(criterion.weight) if criterion.weight % 1 else int(criterion.weight))
    sheet.cell(row, 10, spreadsheet_cell(getattr(criterion, "unit", "") or ""))
    if criterion.kind == "price":
        for column in range(5, 10):
            sheet.cell(row, column).fill = _GREY
        return
    if criterion.kind == "judged" and not getattr(criterion, "allow_na", False):
        check = DataValidation(
            type="decimal",
            operator="between",
            formula1="0",
            formula2=str(criterion.weight),
            error=f"0 到 {criterion.weight} 之间",
            showErrorMessage=True,
        )
        sheet.add_data_validation(check)
        check.add(sheet.cell(row, SCORE_COLUMNS["score"]))
    grey = {"judged": (6, 7, 8, 9), "attainment": (5, 8, 9), "satisfaction": (5, 6, 7)}
    for column in grey.get(criterion.kind, ()):
        sheet.cell(row, column).fill = _GREY


def _narrative_sheet(sheet: Worksheet, card: Scorecard) -> None:
    for column, header in enumerate(("维度代码", "维度", "评语（每个维度必填）"), start=1):
        sheet.cell(1, column, header).font = _BOLD
    for row, dimension in enumerate(card.dimensions, start=2):
        sheet.cell(row, 1, dimension.code)
        sheet.cell(row, 2, spreadsheet_cell(dimension.label_zh))
        sheet.cell(row, 3).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 16, 22
    sheet.column_dimensions["C"].width = 80


def _veto_sheet(sheet: Worksheet, veto_items: Mapping[str, VetoItem]) -> None:
    for column, header in enumerate(("代码", "一票否决事项", "是否发生（是/否）"), start=1):
        sheet.cell(1, column, header).font = _BOLD
    answers = DataValidation(type="list", formula1='"是,否"', allow_blank=False)
    sheet.add_data_validation(answers)
    for row, item in enumerate(veto_items.values(), start=2):
        sheet.cell(row, 1, item.code)
        sheet.cell(row, 2, spreadsheet_cell(item.label_zh))
        sheet.cell(row, 3, "否")
        answers.add(sheet.cell(row, 3))
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 26, 20


Grid = list[tuple[Any, ...]]
"""A worksheet's values, row by row from row 1 (``grid[0]`` is row 1, column A first)."""


def read_xlsx(path: Path, card: Scorecard) -> SheetInput:
    """Read a filled-in template.

    The workbook is scanned first (:func:`procure.services.scoring.xlsx_scan.scan_workbook`: its
    size, rows, columns and cells are capped before anything is loaded), then read in
    openpyxl's streaming read-only mode.

    Raises:
        InvalidInput: naming the file, the worksheet and row, and the problem.
    """
    scan_workbook(path)
    grids = _read_grids(path)
    if SCORES_SHEET not in grids:
        raise InvalidInput(f"{path.name}: no worksheet named {SCORES_SHEET}; use the template")
    scores = grids[SCORES_SHEET]
    check_scorecard(
        _value(scores, 2, 2),
        _value(scores, 2, 4),
        card,
        f"{path.name}: {SCORES_SHEET} B2/D2",
    )
    sheet_input = SheetInput(scores={})
    for row in range(FIRST_ROW, len(scores) + 1):
        code = _value(scores, row, 1)
        if code is None or str(code).strip() == "":
            continue
        where = f"{SCORES_SHEET} row {row}"
        code = str(code).strip()
        if code in sheet_input.scores:
            raise InvalidInput(f"{path.name}: {where}: criterion {code} appears twice")
        sheet_input.places[code] = where
        value = _row_value(scores, row, card, code, f"{path.name}: {where}")
        if value is not None:
            sheet_input.scores[code] = value
    if NARRATIVES_SHEET in grids:
        sheet_input.narratives, sheet_input.narrative_places = _narratives(grids[NARRATIVES_SHEET])
    if VETO_SHEET in grids:
        sheet_input.veto = _veto(grids[VETO_SHEET], path.name)
    return sheet_input


def _read_grids(path: Path) -> dict[str, Grid]:
    """The values of the template's worksheets, read in streaming mode (already scanned)."""
    wanted = (SCORES_SHEET, NARRATIVES_SHEET, VETO_SHEET)
    try:
        with path.open("rb") as handle:  # closed even when openpyxl gives up half-way
            book = load_workbook(handle, data_only=True, read_only=True)
            try:
                return {
                    name: list(book[name].iter_rows(min_row=1, min_col=1, values_only=True))
                    for name in book.sheetnames
                    if name in wanted
                }
            finally:
                book.close()
    except (
        InvalidFileException,
        BadZipFile,
        OSError,
        KeyError,
        ValueError,
        TypeError,
        ParseError,
    ) as exc:
        if _caused_by_entities(exc):
            raise InvalidInput(
                f"{path.name}: the workbook's XML declares entities or a DTD, which a "
                "spreadsheet never needs; refused"
            ) from exc
        raise InvalidInput(
            f"{path.name}: not a readable .xlsx workbook ({type(exc).__name__})"
        ) from exc


def _value(grid: Grid, row: int, column: int) -> Any:
    """The value at ``row`` and ``column`` (both from 1), ``None`` beyond the data."""
    if row > len(grid) or column > len(grid[row - 1]):
        return None
    return grid[row - 1][column - 1]


def _caused_by_entities(exc: BaseException | None) -> bool:
    """Whether defusedxml refused the XML somewhere down the chain openpyxl wraps it in."""
    while exc is not None:
        if isinstance(exc, DefusedXmlException):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _row_value(grid: Grid, row: int, card: Scorecard, code: str, where: str) -> Any:
    kind = next((c.kind for c in card.criteria if c.code == code), None)
    cells = {name: _cell(_value(grid, row, column)) for name, column in SCORE_COLUMNS.items()}
    if kind == "price":
        if any(value not in (None, "") for value in cells.values()):
            raise InvalidInput(
                f"{where} ({code}): the price points are computed from the quoted prices; "
                "leave this row blank"
            )
        return None
    if kind == "attainment":
        return {"planned": cells["planned"], "actual": cells["actual"]}
    if kind == "satisfaction":
        return {"respondents": cells["respondents"], "satisfied": cells["satisfied"]}
    return cells["score"]


def _cell(value: object) -> Any:
    """An Excel cell as sheet text: numbers exactly as shown (Excel stores binary floats)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return str(Decimal(repr(value)).normalize()) if value % 1 else str(int(value))
    if isinstance(value, int):
        return str(value)
    if value is None:
        return None
    return str(value).strip()


def _narratives(grid: Grid) -> tuple[dict[str, str], dict[str, str]]:
    texts: dict[str, str] = {}
    places: dict[str, str] = {}
    for number, row in enumerate(grid[1:], start=2):
        code = row[0] if row else None
        text = row[2] if len(row) > 2 else None
        if code:
            texts[str(code).strip()] = "" if text is None else str(text).strip()
            places[str(code).strip()] = f"{NARRATIVES_SHEET} row {number}"
    return texts, places


def _veto(grid: Grid, source: str) -> list[str]:
    found = []
    for number, row in enumerate(grid[1:], start=2):
        code = row[0] if row else None
        if code and yes_no(
            row[2] if len(row) > 2 else None, f"{source}: {VETO_SHEET} row {number}"
        ):
            found.append(str(code).strip())
    return found
