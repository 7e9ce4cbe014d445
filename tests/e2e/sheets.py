"""Fill in the .xlsx score sheets ``procure scorecard template`` writes, as a person would in
Excel, and write the same sheets as .yaml or .json.

Layout (procure/services/scoring/sheet_xlsx.py): worksheet 评分表 with the scorecard name in B2 and
its version in D2, one row per criterion from row 5 with its code in column A, the score in E,
planned/actual in F/G, respondents/satisfied in H/I; worksheet 评语 with one row per dimension
(code in A, narrative in C); worksheet 一票否决 with one row per veto item (code in A, 是/否 in C).
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

SCORES, NARRATIVES, VETO = "评分表", "评语", "一票否决"
COLUMNS = {"score": "E", "planned": "F", "actual": "G", "respondents": "H", "satisfied": "I"}


def row_of(sheet: Worksheet, code: str) -> int:
    """The row whose column A holds ``code``."""
    for row in range(1, sheet.max_row + 1):
        if sheet.cell(row, 1).value == code:
            return row
    raise LookupError(f"no row for {code} on {sheet.title}")


def fill(
    template: Path,
    dest: Path,
    scores: Mapping[str, Any],
    *,
    narratives: Mapping[str, str] | None = None,
    veto: Mapping[str, str] | None = None,
    cells: Mapping[tuple[str, str], Any] | None = None,
) -> Path:
    """Copy ``template`` to ``dest`` with the answers written in.

    Args:
        scores: criterion code -> a score (column E) or a mapping of planned/actual or
            respondents/satisfied (columns F to I); None leaves the cell blank.
        narratives: dimension code -> text for column C of 评语.
        veto: veto item code -> the answer for column C of 一票否决.
        cells: (worksheet, cell) -> value written last, for anything else (e.g. ("评分表", "D2")).
    """
    book = load_workbook(template)
    sheet = book[SCORES]
    for code, value in scores.items():
        row = row_of(sheet, code)
        answers = value if isinstance(value, Mapping) else {"score": value}
        for name, answer in answers.items():
            sheet[f"{COLUMNS[name]}{row}"] = answer
    for code, text in (narratives or {}).items():
        book[NARRATIVES][f"C{row_of(book[NARRATIVES], code)}"] = text
    for code, answer in (veto or {}).items():
        book[VETO][f"C{row_of(book[VETO], code)}"] = answer
    for (name, cell), value in (cells or {}).items():
        book[name][cell] = value
    book.save(dest)
    return dest


def write_json(dest: Path, data: Mapping[str, Any]) -> Path:
    dest.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return dest


def write_text(dest: Path, text: str) -> Path:
    dest.write_text(text, encoding="utf-8")
    return dest


def write_noise(path: Path) -> Path:
    """Write 4 KiB of bytes that are no file format (the same for the same name) to ``path``."""
    path.write_bytes(random.Random(path.name).randbytes(4096))
    return path
