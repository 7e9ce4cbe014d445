"""Excel score sheets: the blank template a reviewer or assessor fills in, and reading it back.

Layout of the first worksheet, 评分表 (Scores): row 1 the title; row 2 the scorecard name
(B2) and version (D2); row 4 the headers; one row per criterion from row 5:
code, criterion, kind, maximum, score, planned, actual, respondents, satisfied, unit.
Assessment sheets add 评语 (Narratives: one per dimension) and 一票否决 (Veto: yes or no per
item). A template is written in the language in use (headers, names, worksheet names) and read
back in either language.
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
from procure.domain.language import N_, both, pgettext
from procure.domain.language import gettext as _
from procure.domain.renewal import VetoItem
from procure.domain.scorecard import Criterion, Scorecard
from procure.domain.text import spreadsheet_cell
from procure.services.scoring.sheet_layout import (
    FIRST_ROW,
    HEADER_ROW,
    NARRATIVES_SHEET,
    SCORE_COLUMNS,
    SCORES_SHEET,
    SHEET_NAMES,
    VETO_SHEET,
    SheetInput,
    check_scorecard,
    yes_no,
)
from procure.services.scoring.xlsx_scan import scan_workbook


def headers() -> tuple[str, ...]:
    """The header row of the scores worksheet, in the language in use."""
    return (
        pgettext("scoring", "Code"),
        pgettext("scoring", "Criterion"),
        pgettext("scoring", "Kind"),
        pgettext("scoring", "Maximum"),
        pgettext("scoring", "Score"),
        _("Planned"),
        _("Actual"),
        _("Respondents"),
        _("Satisfied"),
        pgettext("scoring", "Unit"),
    )


KIND_LABELS = {
    "judged": N_("Judged"),
    "price": N_("Price (computed)"),
    "attainment": N_("Attainment"),
    "satisfaction": N_("Satisfaction"),
}
_GREY = PatternFill("solid", fgColor="DDDDDD")
_BOLD = Font(bold=True)


def write_template(card: Scorecard, path: Path, veto_items: Mapping[str, VetoItem]) -> None:
    """Write a blank sheet for ``card``: one row per criterion with its maximum."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _sheet_name(SCORES_SHEET)
    sheet["A1"] = _("%(title)s, version %(version)s", title=card.title, version=card.version)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"], sheet["B2"], sheet["C2"], sheet["D2"] = (
        pgettext("scoring", "Scorecard"),
        card.name,
        pgettext("scoring", "Version"),
        card.version,
    )
    sheet["A3"] = _(
        "Fill in the score; for attainment the planned and the actual number; for "
        "satisfaction the respondents and the satisfied; n/a where not applicable."
    )
    for column, header in enumerate(headers(), start=1):
        cell = sheet.cell(HEADER_ROW, column, header)
        cell.font = _BOLD
    for offset, criterion in enumerate(card.criteria):
        _criterion_row(sheet, FIRST_ROW + offset, criterion)
    widths = (24, 22, 16, 8, 10, 10, 10, 10, 10, 8)
    for letter, width in zip("ABCDEFGHIJ", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = f"A{FIRST_ROW}"
    if card.name == "assessment" or any(c.kind == "attainment" for c in card.criteria):
        _narrative_sheet(book.create_sheet(_sheet_name(NARRATIVES_SHEET)), card)
        _veto_sheet(book.create_sheet(_sheet_name(VETO_SHEET)), veto_items)
    book.save(path)


def _sheet_name(sheet: str) -> str:
    """A worksheet's name in the language in use."""
    return both(*SHEET_NAMES[sheet])


def _criterion_row(sheet: Worksheet, row: int, criterion: Criterion) -> None:
    kind = _(KIND_LABELS[criterion.kind]) if criterion.kind in KIND_LABELS else criterion.kind
    values = (criterion.code, criterion.label, kind)
    for column, value in enumerate(values, start=1):
        sheet.cell(row, column, spreadsheet_cell(value))
    sheet.cell(row, 4, float(criterion.weight) if criterion.weight % 1 else int(criterion.weight))
    sheet.cell(row, 10, spreadsheet_cell(criterion.unit_label))
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
            error=_("Between 0 and %(maximum)s", maximum=criterion.weight),
            showErrorMessage=True,
        )
        sheet.add_data_validation(check)
        check.add(sheet.cell(row, SCORE_COLUMNS["score"]))
    grey = {"judged": (6, 7, 8, 9), "attainment": (5, 8, 9), "satisfaction": (5, 6, 7)}
    for column in grey.get(criterion.kind, ()):
        sheet.cell(row, column).fill = _GREY


def _narrative_sheet(sheet: Worksheet, card: Scorecard) -> None:
    titles = (
        _("Dimension code"),
        pgettext("scoring", "Dimension"),
        _("Narrative (required for each dimension)"),
    )
    for column, header in enumerate(titles, start=1):
        sheet.cell(1, column, header).font = _BOLD
    for row, dimension in enumerate(card.dimensions, start=2):
        sheet.cell(row, 1, dimension.code)
        sheet.cell(row, 2, spreadsheet_cell(dimension.label))
        sheet.cell(row, 3).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 16, 22
    sheet.column_dimensions["C"].width = 80


def _veto_sheet(sheet: Worksheet, veto_items: Mapping[str, VetoItem]) -> None:
    titles = (pgettext("scoring", "Code"), _("Veto item"), _("Did it happen? (yes/no)"))
    for column, header in enumerate(titles, start=1):
        sheet.cell(1, column, header).font = _BOLD
    yes, no = both("是", "yes"), both("否", "no")
    answers = DataValidation(type="list", formula1=f'"{yes},{no}"', allow_blank=False)
    sheet.add_data_validation(answers)
    for row, item in enumerate(veto_items.values(), start=2):
        sheet.cell(row, 1, item.code)
        sheet.cell(row, 2, spreadsheet_cell(both(item.label_zh, item.label_en)))
        sheet.cell(row, 3, no)
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
    grids, names = _read_grids(path)
    if SCORES_SHEET not in grids:
        raise InvalidInput(
            _(
                "%(file)s: no worksheet named %(sheet)s; use the template",
                file=path.name,
                sheet=_sheet_name(SCORES_SHEET),
            )
        )
    scores = grids[SCORES_SHEET]
    check_scorecard(
        _value(scores, 2, 2),
        _value(scores, 2, 4),
        card,
        _in_file(path, f"{names[SCORES_SHEET]} B2/D2"),
    )
    sheet_input = SheetInput(scores={})
    for row in range(FIRST_ROW, len(scores) + 1):
        code = _value(scores, row, 1)
        if code is None or str(code).strip() == "":
            continue
        where = _("%(sheet)s row %(row)s", sheet=names[SCORES_SHEET], row=row)
        code = str(code).strip()
        if code in sheet_input.scores:
            raise InvalidInput(
                _(
                    "%(where)s: the criterion %(code)s appears twice",
                    where=_in_file(path, where),
                    code=code,
                )
            )
        sheet_input.places[code] = where
        value = _row_value(scores, row, card, code, _in_file(path, where))
        if value is not None:
            sheet_input.scores[code] = value
    if NARRATIVES_SHEET in grids:
        sheet_input.narratives, sheet_input.narrative_places = _narratives(
            grids[NARRATIVES_SHEET], names[NARRATIVES_SHEET]
        )
    if VETO_SHEET in grids:
        sheet_input.veto = _veto(grids[VETO_SHEET], _in_file(path, names[VETO_SHEET]))
    return sheet_input


def _in_file(path: Path, place: str) -> str:
    """A place in the sheet file, as a refusal names it (the file, then the place)."""
    return _("%(file)s: %(place)s", file=path.name, place=place)


def _read_grids(path: Path) -> tuple[dict[str, Grid], dict[str, str]]:
    """The values of the template's worksheets, read in streaming mode (already scanned),
    each under its Chinese name, and the name each has in the file (either language)."""
    wanted = {name: sheet for sheet, names in SHEET_NAMES.items() for name in names}
    try:
        with path.open("rb") as handle:  # closed even when openpyxl gives up half-way
            book = load_workbook(handle, data_only=True, read_only=True)
            try:
                found = [name for name in book.sheetnames if name in wanted]
                grids = {
                    wanted[name]: list(book[name].iter_rows(min_row=1, min_col=1, values_only=True))
                    for name in found
                }
                return grids, {wanted[name]: name for name in found}
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
                _(
                    "%(file)s: the workbook's XML declares entities or a DTD, which a "
                    "spreadsheet never needs; refused",
                    file=path.name,
                )
            ) from exc
        raise InvalidInput(_("%(file)s: not a readable .xlsx workbook", file=path.name)) from exc


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
                _(
                    "%(where)s (%(code)s): the price points are computed from the quoted "
                    "prices; leave this row blank",
                    where=where,
                    code=code,
                )
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


def _narratives(grid: Grid, sheet: str) -> tuple[dict[str, str], dict[str, str]]:
    texts: dict[str, str] = {}
    places: dict[str, str] = {}
    for number, row in enumerate(grid[1:], start=2):
        code = row[0] if row else None
        text = row[2] if len(row) > 2 else None
        if code:
            texts[str(code).strip()] = "" if text is None else str(text).strip()
            places[str(code).strip()] = _("%(sheet)s row %(row)s", sheet=sheet, row=number)
    return texts, places


def _veto(grid: Grid, source: str) -> list[str]:
    found = []
    for number, row in enumerate(grid[1:], start=2):
        code = row[0] if row else None
        where = _("%(sheet)s row %(row)s", sheet=source, row=number)
        if code and yes_no(row[2] if len(row) > 2 else None, where):
            found.append(str(code).strip())
    return found
