"""What a PDF shows, apart from how its bytes are laid out: to tell a re-save from an edit.

Another tool that reads a record and writes it again (pypdf, qpdf, a viewer's "save")
changes the bytes: object order, object numbers, compression, the trailer. It leaves the
content alone: the attached data, the document's title, subject and keywords, and each
page's size, text and drawing instructions (its content streams) and every resource they
draw with: forms and images, and the fonts with their embedded programs, widths, encodings
and ToUnicode maps, colour spaces, patterns and graphics states, each decoded and hashed
whole. Two files with the same content show the same thing. A tool that redraws the pages
(a "print to PDF") changes the drawing instructions, and an edited glyph changes its font
program: both are reported as an edit.

The file must also parse cleanly (pypdf's strict reader): a reader such as poppler that
does not repair a broken cross-reference table (a startxref pointing elsewhere) shows
nothing, so such a file is not the record, whatever a repairing reader recovers from it.
"""

from __future__ import annotations

import hashlib
import io
from typing import Any

_DOCUMENT_FIELDS = ("/Title", "/Author", "/Subject", "/Keywords")
_BACK_LINKS = frozenset({"/Parent", "/P"})
"""Keys that point back up the page tree: not content, and they would loop."""
_PAGE_FIELDS = ("/Resources", "/Annots", "/Rotate", "/CropBox", "/Group")
_STREAM_LAYOUT = frozenset({"/Length", "/Filter", "/DecodeParms", "/DL"})
"""How a stream's bytes are stored (a re-save may recompress): its decoded data is hashed."""


class NotCleanPdf(ValueError):
    """The bytes do not parse as a PDF without repair."""


def content_digest(pdf: bytes) -> str:
    """A SHA-256 over the content of ``pdf``: equal for a re-saved copy, not for an edit.

    Raises:
        NotCleanPdf: the bytes need repairing to be read (or cannot be read at all).
    """
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError, PdfStreamError

    try:
        reader = PdfReader(io.BytesIO(pdf), strict=True)
        return _digest(reader)
    except (PdfReadError, PdfStreamError, ValueError, KeyError, TypeError) as exc:
        raise NotCleanPdf(str(exc) or type(exc).__name__) from exc


def _digest(reader: Any) -> str:
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
        for name in _PAGE_FIELDS:
            digest.update(name.encode())
            _object(page.get(name), digest, [])
    return digest.hexdigest()


def _object(value: Any, digest: Any, path: list[int]) -> None:
    """Hash ``value`` and everything it refers to, streams decoded, object numbers ignored.

    ``path`` holds the objects on the way down (by identity), so a reference back to one
    of them is hashed as a marker instead of looping.
    """
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

    if isinstance(value, IndirectObject):
        value = value.get_object()
    if id(value) in path:
        digest.update(b"<cycle>")
        return
    if isinstance(value, DictionaryObject):
        path.append(id(value))
        digest.update(b"<<")
        for key in sorted(value):
            if key in _BACK_LINKS or (isinstance(value, StreamObject) and key in _STREAM_LAYOUT):
                continue
            digest.update(str(key).encode() + b" ")
            _object(value[key], digest, path)
        if isinstance(value, StreamObject):
            data = value.get_data()
            digest.update(f"stream {len(data)}:".encode() + data)
        digest.update(b">>")
        path.pop()
    elif isinstance(value, ArrayObject):
        path.append(id(value))
        digest.update(b"[")
        for item in value:
            _object(item, digest, path)
            digest.update(b" ")
        digest.update(b"]")
        path.pop()
    else:
        digest.update(f"{type(value).__name__}:{value!r}".encode())
