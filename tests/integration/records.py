"""Reading evaluation records in tests: whether this machine can print them, a record's data,
and a printed record's text as pdftotext reads it."""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

import pytest
from sqlalchemy import Engine

from procure.reports import fonts
from procure.reports.data import build_record
from procure.store.db import new_session


def printing_unavailable() -> str | None:
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:  # Pango or HarfBuzz is missing
        return f"WeasyPrint's system libraries are missing ({exc}); run .ci/system-packages.sh"
    try:
        fonts.font_setup()
    except fonts.PrintingUnavailable as exc:
        return str(exc)
    if shutil.which("pdftotext") is None:
        return "pdftotext (poppler-utils) is missing; run .ci/system-packages.sh"
    return None


needs_printing = pytest.mark.skipif(
    printing_unavailable() is not None, reason=str(printing_unavailable())
)


def record_of(engine: Engine, code: str) -> dict[str, Any]:
    with new_session(engine) as session:
        return build_record(session, code)


def pdf_text(pdf: bytes) -> str:
    completed = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return squeezed(completed.stdout.decode("utf-8"))


def squeezed(text: str) -> str:
    """pdftotext spaces Chinese text unevenly: compare without any whitespace."""
    return "".join(text.split())


def text_of_page(pdf: bytes, number: int) -> str:
    completed = subprocess.run(
        ["pdftotext", "-f", str(number), "-l", str(number), "-layout", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return completed.stdout.decode("utf-8")
