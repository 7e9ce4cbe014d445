"""The projects list as a spreadsheet: .csv and .xlsx, Chinese headers with English beside.

Every text cell goes through :func:`procure.domain.text.spreadsheet_cell`: a name that
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written with a
leading ``'`` so a spreadsheet shows it instead of running it. Amounts are written as
numbers in .xlsx (two places) and as plain decimal text in .csv. The .csv starts with a
UTF-8 byte-order mark, which spreadsheet programs need to read Chinese correctly.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from procure.domain.text import spreadsheet_cell, visible
from procure.services.browse.listing import ProjectRow

COLUMNS: tuple[tuple[str, str], ...] = (
    ("code", "项目编号 Code"),
    ("year", "年度 Year"),
    ("title", "项目名称 Title"),
    ("purchaser", "购买方代码 Purchaser"),
    ("purchaser_name", "购买方 Purchaser name"),
    ("organization", "承接组织 Organization"),
    ("organization_uscc", "统一社会信用代码 USCC"),
    ("budget", "预算（元） Budget (yuan)"),
    ("contract_amount", "合同金额（元） Contract amount (yuan)"),
    ("state", "状态代码 State"),
    ("state_zh", "状态 State (中文)"),
)
SHEET_TITLE = "项目 Projects"
_MONEY_FORMAT = "#,##0.00"


def write_csv(rows: Iterable[ProjectRow], stream: IO[str]) -> int:
    """Write the rows as CSV (UTF-8 with a byte-order mark) and return how many were written.

    ``stream`` is a text stream opened with ``newline=""``.
    """
    stream.write("\ufeff")
    writer = csv.writer(stream)
    writer.writerow([header for _, header in COLUMNS])
    written = 0
    for row in rows:
        writer.writerow([_csv_cell(getattr(row, name)) for name, _ in COLUMNS])
        written += 1
    return written


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return spreadsheet_cell(f"{value:f}")
    return spreadsheet_cell(value)


def write_xlsx(rows: Iterable[ProjectRow], stream: IO[bytes]) -> int:
    """Write the rows as one .xlsx sheet and return how many were written."""
    workbook = Workbook(write_only=True)
    sheet: WriteOnlyWorksheet = workbook.create_sheet(SHEET_TITLE)
    sheet.append([header for _, header in COLUMNS])
    written = 0
    for row in rows:
        sheet.append([_xlsx_cell(sheet, getattr(row, name)) for name, _ in COLUMNS])
        written += 1
    workbook.save(stream)
    return written


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: object) -> Any:
    if isinstance(value, Decimal):
        # openpyxl writes a Decimal's exact digits (its stubs only name float).
        cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]
        cell.number_format = _MONEY_FORMAT
        return cell
    if isinstance(value, str):
        if ILLEGAL_CHARACTERS_RE.search(value):
            value = visible(value)  # a control character .xlsx cannot hold: spelled out
        return spreadsheet_cell(value)
    return value
