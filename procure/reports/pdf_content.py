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
MAX_OBJECTS = 100_000
"""More objects than any record draws with: a file past it is refused, not hashed for hours."""
_STREAM_LAYOUT = frozenset({"/Length", "/Filter", "/DecodeParms", "/DL"})
"""How a stream's bytes are stored (a re-save may recompress): its decoded data is hashed."""


class NotCleanPdf(ValueError):
    """The bytes do not parse as a PDF without repair (or draw with too many objects)."""


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
    graph = _Graph()
    for page in reader.pages:
        digest.update(f"box={[float(v) for v in page.mediabox]}\n".encode())
        digest.update(page.extract_text().encode())
        stream = page.get_contents()
        digest.update(stream.get_data() if stream is not None else b"")
        for name in _PAGE_FIELDS:
            digest.update(name.encode() + graph.digest(page.get(name)))
    return digest.hexdigest()


class _Graph:
    """Digests of objects and everything they refer to: streams decoded, object numbers
    ignored, each object hashed once (however often it is referred to), a reference back
    up the path hashed as a marker. At most :data:`MAX_OBJECTS` objects are read."""

    def __init__(self) -> None:
        self.done: dict[int, bytes] = {}
        self.path: set[int] = set()

    def digest(self, value: Any) -> bytes:
        from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

        if isinstance(value, IndirectObject):
            value = value.get_object()
        key = id(value)
        if key in self.done:
            return self.done[key]
        if key in self.path:
            return b"<cycle>"
        if not isinstance(value, DictionaryObject | ArrayObject):
            return f"{type(value).__name__}:{value!r}".encode()
        if len(self.done) >= MAX_OBJECTS:
            raise NotCleanPdf(f"more than {MAX_OBJECTS} objects drawn on its pages")
        self.path.add(key)
        hashed = hashlib.sha256()
        if isinstance(value, DictionaryObject):
            stream = isinstance(value, StreamObject)
            for name in sorted(value):
                if name in _BACK_LINKS or (stream and name in _STREAM_LAYOUT):
                    continue
                hashed.update(str(name).encode() + b" " + self.digest(value[name]))
            if isinstance(value, StreamObject):
                data = value.get_data()
                hashed.update(f"stream {len(data)}:".encode() + data)
        else:
            hashed.update(b"[" + b" ".join(self.digest(item) for item in value) + b"]")
        self.path.discard(key)
        self.done[key] = hashed.digest()
        return self.done[key]
