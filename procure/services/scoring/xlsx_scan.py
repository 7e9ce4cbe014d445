"""Look inside an uploaded .xlsx before any spreadsheet library loads it.

A score sheet is a few kilobytes: one worksheet of a dozen rows and ten columns, two
smaller ones. A workbook of 127 KB can still hold millions of cells (they compress to
almost nothing), and loading it builds every cell in memory. So before the workbook is
opened, :func:`scan_workbook` reads the zip's directory and streams each worksheet's XML
once, counting as it goes, and refuses as soon as a limit is passed:

- the parts together unpack to at most :data:`MAX_UNPACKED_BYTES`;
- no XML part declares a DOCTYPE or entities (entity expansion starts there);
- a worksheet's declared dimension, its rows, columns and cells stay within
  :data:`MAX_ROWS`, :data:`MAX_COLUMNS` and :data:`MAX_CELLS`;
- a number cell holds a number as Excel writes it (``NaN`` or ``inf`` is refused, naming
  the worksheet and the cell).

Memory stays bounded: the stream parser keeps only the elements not yet cleared, and it
stops at the first limit passed. Messages name the file by its name, never a path.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO
from xml.etree.ElementTree import Element, ParseError
from zipfile import BadZipFile, ZipFile

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring, iterparse

from procure.domain.errors import InvalidInput
from procure.domain.language import N_
from procure.domain.language import gettext as _
from procure.domain.text import quoted

MAX_UNPACKED_BYTES = 16 * 2**20
"""The most a score-sheet workbook may unpack to (a filled template is a few kilobytes)."""

MAX_ROWS = 1_000
"""The most rows a worksheet of a score sheet may have (the template has a few dozen)."""

MAX_COLUMNS = 30
"""The rightmost column a worksheet may use (the template uses ten: A to J)."""

MAX_CELLS = 20_000
"""The most cells all worksheets together may hold."""

_NUMBER = re.compile(r"-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d{1,7})")
_RANGE_END = re.compile(r"(?:[A-Z]{1,3}\d{1,7}:)?([A-Z]{1,3})(\d{1,7})")
_DECLARED, _ROW, _CELL = N_("Its declared size"), N_("A row"), N_("A cell")
"""What of a worksheet reaches too far, translated where it is said."""
_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def scan_workbook(path: Path) -> None:
    """Refuse a workbook that is larger, wider or longer than a score sheet can be.

    Raises:
        InvalidInput: naming the file (by name), the worksheet and, for a bad number,
            the cell; or saying the file is not a readable .xlsx workbook.
    """
    try:
        with ZipFile(path) as archive:
            parts = archive.infolist()
            unpacked = sum(part.file_size for part in parts)
            if unpacked > MAX_UNPACKED_BYTES:
                raise InvalidInput(
                    _(
                        "%(file)s: unpacks to %(size)s MB, more than a score sheet can be "
                        "(%(most)s MB at most); refused",
                        file=path.name,
                        size=unpacked // 2**20,
                        most=MAX_UNPACKED_BYTES // 2**20,
                    )
                )
            for part in parts:
                if part.filename.endswith((".xml", ".rels")):
                    _refuse_doctype(archive, part.filename, path.name)
            cells = 0
            for worksheet, sheet in _worksheets(archive):
                with archive.open(worksheet) as stream:
                    cells = _scan_sheet(stream, sheet, path.name, cells)
    except DefusedXmlException as exc:
        raise InvalidInput(
            _(
                "%(file)s: the workbook's XML declares entities or a DTD, which a "
                "spreadsheet never needs; refused",
                file=path.name,
            )
        ) from exc
    except (BadZipFile, OSError, RuntimeError, KeyError, ParseError, ValueError) as exc:
        raise InvalidInput(_("%(file)s: not a readable .xlsx workbook", file=path.name)) from exc


def _refuse_doctype(archive: ZipFile, part: str, file: str) -> None:
    with archive.open(part) as stream:
        head = stream.read(4096)
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head or b"\x00" in head:
        raise InvalidInput(
            _(
                "%(file)s: %(part)s declares a DOCTYPE or entities, which a spreadsheet never "
                "needs; refused",
                file=file,
                part=quoted(part),
            )
        )


def _worksheets(archive: ZipFile) -> Iterator[tuple[str, str]]:
    """Each worksheet part and its name as Excel shows it (the part's name if unknown)."""
    names = set(archive.namelist())
    named: dict[str, str] = {}
    if "xl/workbook.xml" in names and "xl/_rels/workbook.xml.rels" in names:
        targets = {
            rel.get("Id", ""): rel.get("Target", "")
            for rel in fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        }
        for element in fromstring(archive.read("xl/workbook.xml")).iter():
            if _local(element) == "sheet":
                target = targets.get(element.get(_RELS, ""), "")
                part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                named[str(PurePosixPath(part))] = element.get("name", part)
    for part in sorted(names):
        if part.startswith("xl/worksheets/") and part.endswith(".xml"):
            yield part, named.get(part, part)


def _scan_sheet(stream: IO[bytes], sheet: str, file: str, cells: int) -> int:
    """Count the rows and cells of one worksheet, checking each number; return the cells
    counted so far (over every worksheet)."""
    rows = columns = 0
    for event, element in iterparse(stream, events=("start", "end")):
        name = _local(element)
        if event == "start":
            if name == "dimension":
                _check_extent(element.get("ref", ""), sheet, file, _DECLARED)
            continue
        if name == "c":
            cells, columns = cells + 1, columns + 1
            if columns > MAX_COLUMNS:
                raise InvalidInput(
                    _(
                        "%(file)s: %(sheet)s has a row of more than %(most)s columns (a score "
                        "sheet uses ten); refused",
                        file=file,
                        sheet=sheet,
                        most=MAX_COLUMNS,
                    )
                )
            if cells > MAX_CELLS:
                raise InvalidInput(
                    _(
                        "%(file)s: %(sheet)s holds more than %(most)s cells (a score sheet has a "
                        "few hundred); refused",
                        file=file,
                        sheet=sheet,
                        most=MAX_CELLS,
                    )
                )
            _check_cell(element, sheet, file)
            element.clear()
        elif name == "row":
            rows, columns = rows + 1, 0
            if rows > MAX_ROWS:
                raise InvalidInput(
                    _(
                        "%(file)s: %(sheet)s has more than %(most)s rows (a score sheet has a "
                        "few dozen); refused",
                        file=file,
                        sheet=sheet,
                        most=MAX_ROWS,
                    )
                )
            _check_extent(f"A{element.get('r', '1')}", sheet, file, _ROW)
            element.clear()
    return cells


def _check_extent(ref: str, sheet: str, file: str, what: str) -> None:
    found = _RANGE_END.fullmatch(ref.upper())
    if not found:
        return
    column, row = _column_number(found.group(1)), int(found.group(2))
    if column > MAX_COLUMNS or row > MAX_ROWS:
        raise InvalidInput(
            _(
                "%(file)s: %(sheet)s: %(what)s reaches %(ref)s, beyond the %(rows)s rows and "
                "%(columns)s columns a score sheet may use; refused",
                file=file,
                sheet=sheet,
                what=_(what),
                ref=quoted(ref),
                rows=MAX_ROWS,
                columns=MAX_COLUMNS,
            )
        )


def _check_cell(element: Element, sheet: str, file: str) -> None:
    ref = element.get("r", "")
    found = _CELL_REF.fullmatch(ref)
    if found and _column_number(found.group(1)) > MAX_COLUMNS:
        _check_extent(ref, sheet, file, _CELL)
    if element.get("t", "n") != "n":
        return
    value = next((child.text for child in element if _local(child) == "v"), None)
    if value is not None and not _NUMBER.fullmatch(value.strip()):
        raise InvalidInput(
            _(
                "%(file)s: %(sheet)s cell %(ref)s holds %(value)s, which is not a number; "
                "write the score in digits",
                file=file,
                sheet=sheet,
                ref=ref or "?",
                value=quoted(value),
            )
        )


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _local(element: Element) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rpartition("}")[2]
