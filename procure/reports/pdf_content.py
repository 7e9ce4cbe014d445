"""What a PDF shows, apart from how its bytes are laid out: to tell a re-save from an edit.

Another tool that reads a record and writes it again (pypdf, qpdf, a viewer's "save")
changes the bytes: object order, compression, the trailer. It leaves the content alone:
the attached data, the document's title, subject and keywords, and each page's size,
text and drawing instructions (its content streams and the forms and images it uses,
decoded). Two files with the same content show the same thing. A tool that redraws the
pages (a "print to PDF") changes the drawing instructions, and is reported as an edit.
"""

from __future__ import annotations

import hashlib
import io
from typing import Any

_DOCUMENT_FIELDS = ("/Title", "/Author", "/Subject", "/Keywords")


def content_digest(pdf: bytes) -> str:
    """A SHA-256 over the content of ``pdf``: equal for a re-saved copy, not for an edit.

    Raises:
        pypdf.errors.PdfReadError: the bytes are not a readable PDF.
    """
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    digest = hashlib.sha256()
    metadata: Any = reader.metadata or {}
    for name in _DOCUMENT_FIELDS:
        digest.update(f"{name}={metadata.get(name, '')}\n".encode())
    for name, contents in sorted(reader.attachments.items()):
        for content in contents:
            digest.update(name.encode() + b"\0" + hashlib.sha256(content).digest())
    digest.update(f"pages={len(reader.pages)}\n".encode())
    for page in reader.pages:
        digest.update(f"box={[float(v) for v in page.mediabox]}\n".encode())
        digest.update(page.extract_text().encode())
        stream = page.get_contents()
        digest.update(stream.get_data() if stream is not None else b"")
        _resources(page.get("/Resources"), digest, set())
    return digest.hexdigest()


def _resources(resources: Any, digest: Any, seen: set[int]) -> None:
    """Add the decoded data of every form and image a page (or form) draws, by name."""
    if resources is None:
        return
    resources = resources.get_object()
    xobjects = resources.get("/XObject")
    if xobjects is None:
        return
    xobjects = xobjects.get_object()
    for name in sorted(xobjects):
        xobject = xobjects[name].get_object()
        if id(xobject) in seen:
            continue
        seen.add(id(xobject))
        digest.update(str(name).encode() + b"\0" + xobject.get_data())
        _resources(xobject.get("/Resources"), digest, seen)
