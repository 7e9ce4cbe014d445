"""The projects list as a spreadsheet: .csv and .xlsx, headers and states in the language in use.

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

from procure.domain.language import N_, _
from procure.domain.text import spreadsheet_cell, visible
from procure.services.browse.labels import state_label
from procure.services.browse.listing import ProjectRow

COLUMNS: tuple[tuple[str, str], ...] = (
    ("code", N_("Project code")),
    ("year", N_("Year")),
    ("title", N_("Project title")),
    ("purchaser", N_("Purchaser code")),
    ("purchaser_name", N_("Purchaser")),
    ("organization", N_("Contracted organization")),
    ("organization_uscc", N_("Unified social credit code")),
    ("budget", N_("Budget (yuan)")),
    ("contract_amount", N_("Contract amount (yuan)")),
    ("state", N_("State code")),
    ("state_zh", N_("State")),
)
"""The columns: a row's attribute and its header (translated where written); ``state_zh``
is the state's label in the language in use."""
SHEET_TITLE = N_("Projects")
_MONEY_FORMAT = "#,##0.00"


def write_csv(rows: Iterable[ProjectRow], stream: IO[str]) -> int:
    """Write the rows as CSV (UTF-8 with a byte-order mark) and return how many were written.

    ``stream`` is a text stream opened with ``newline=""``.
    """
    stream.write("\ufeff")
    writer = csv.writer(stream)
    writer.writerow(headers())
    written = 0
    for row in rows:
        writer.writerow([_csv_cell(_value(row, name)) for name, _header in COLUMNS])
        written += 1
    return written


def headers() -> list[str]:
    """The header row in the language in use."""
    return [_(header) for _name, header in COLUMNS]


def _value(row: ProjectRow, name: str) -> object:
    return state_label(row.state) if name == "state_zh" else getattr(row, name)


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return spreadsheet_cell(f"{value:f}")
    return spreadsheet_cell(value)


def write_xlsx(rows: Iterable[ProjectRow], stream: IO[bytes]) -> int:
    """Write the rows as one .xlsx sheet and return how many were written."""
    workbook = Workbook(write_only=True)
    sheet: WriteOnlyWorksheet = workbook.create_sheet(_(SHEET_TITLE))
    sheet.append(headers())
    written = 0
    for row in rows:
        sheet.append([_xlsx_cell(sheet, _value(row, name)) for name, _header in COLUMNS])
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
