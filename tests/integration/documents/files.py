"""Small real files for the attachment tests: each call gives different bytes."""

from __future__ import annotations

import io
from itertools import count

_SERIAL = count(1)


def pdf(title: str = "服务方案") -> bytes:
    """A one-page PDF whose bytes differ from every other call's (its title is numbered)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Title": f"{title} {next(_SERIAL)}"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
