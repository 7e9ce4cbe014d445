"""Cell bombs: a filled-in score-sheet workbook with millions of tiny cells added, which
compress to almost nothing (2 million cells: about 29 MB of XML in about 130 KB)."""

from __future__ import annotations

import io
import zipfile

SCORES_PART = "xl/worksheets/sheet1.xml"


def cell_bomb(workbook: bytes, cells: int = 2_000_000, *, per_row: int = 10) -> bytes:
    """``workbook`` with ``cells`` more number cells (``per_row`` a row) in its first
    worksheet, written a row at a time so the test itself stays small."""
    row = b"<row>" + b"<c><v>1</v></c>" * per_row + b"</row>"
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(workbook)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dest,
    ):
        for item in source.infolist():
            data = source.read(item)
            if item.filename != SCORES_PART:
                dest.writestr(item, data)
                continue
            head, _, tail = data.partition(b"</sheetData>")
            with dest.open(SCORES_PART, "w") as part:
                part.write(head)
                for _ in range(cells // per_row):
                    part.write(row)
                part.write(b"</sheetData>" + tail)
    return out.getvalue()
