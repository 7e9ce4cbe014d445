"""Look at an uploaded file before it is stored: what it is, by its content, or why not.

A document is accepted only when its bytes are one of the kinds a procurement file is
made of, and its name says the same kind:

- PDF (not encrypted, no script run on opening), OFD (the national e-document format: a
  zip with ``OFD.xml``), PNG and JPEG (of a sane number of pixels), Word ``.docx`` and
  Excel ``.xlsx`` (no macros);
- a zip is read by its directory, never unpacked to disk: at most :data:`MAX_PARTS` parts
  unpacking to at most :data:`MAX_UNPACKED_BYTES`, no part inflating more than
  :data:`MAX_RATIO` times, no encrypted part, and no XML part declaring a DTD or entities
  (read with defusedxml up to its root element, so XXE never reaches a parser);
- the name is a plain file name: not empty, no folder, no control or bidi characters
  (which make ``exe.pdf`` look like ``fdp.exe``), at most :data:`MAX_NAME` characters;
- at most ``max_bytes`` bytes (the cap of the documents' configuration).

Anything else (HTML, SVG, an executable, a ``.pdf`` that is really HTML, an old ``.doc``)
is refused with :class:`HostileFile`, whose message says in the language in use what is
wrong and names the file (by its name, quoted so that no character of it can hide).
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from procure.domain.language import N_, _, both
from procure.domain.text import quoted
from procure.services.documents.hostile import ACCEPTED, REFUSED_CONTENT, HostileFile
from procure.services.documents.images import image_pixels
from procure.services.documents.pdfs import check_pdf

__all__ = ["KINDS", "HostileFile", "Inspected", "check_name", "inspect_upload"]

MAX_NAME = 200
"""The longest file name accepted, in characters."""

MAX_PARTS = 5_000
"""The most parts a .docx, .xlsx or .ofd may have (a long report has a few hundred)."""

MAX_UNPACKED_BYTES = 256 * 2**20
"""The most a .docx, .xlsx or .ofd may unpack to, all parts together."""

MAX_RATIO = 200
"""The most one zip part of over a megabyte may inflate, as a multiple of its packed size
(text XML packs 10 to 50 times; a zip bomb thousands of times)."""

MAX_PIXELS = 80_000_000
"""The most pixels a PNG or JPEG may have (a phone camera takes 12 to 50 million)."""

INLINE_KINDS = frozenset({"pdf", "png", "jpeg"})
"""The kinds a browser shows itself (in a sandbox); the others are only downloaded."""

_BIDI_OR_INVISIBLE = {"Cc", "Cf", "Cs", "Zl", "Zp"}
_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Inspected:
    """What an accepted file is: its media type (as it will be served) and its kind."""

    media_type: str
    kind: str  # pdf, ofd, png, jpeg, docx, xlsx

    @property
    def inline(self) -> bool:
        """Whether the browser may show it in a sandboxed frame (PDF and images)."""
        return self.kind in INLINE_KINDS


KINDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "pdf": ("application/pdf", N_("PDF file"), (".pdf",)),
    "ofd": ("application/ofd", N_("OFD layout file"), (".ofd",)),
    "png": ("image/png", N_("PNG image"), (".png",)),
    "jpeg": ("image/jpeg", N_("JPEG image"), (".jpg", ".jpeg", ".jpe")),
    "docx": (_DOCX, N_("Word document (.docx)"), (".docx",)),
    "xlsx": (_XLSX, N_("Excel workbook (.xlsx)"), (".xlsx",)),
}
"""Each kind accepted: its media type, its name (in English, translated where it is shown),
the file-name endings it takes."""


def inspect_upload(name: str, data: bytes, *, max_bytes: int | None = None) -> Inspected:
    """Say what ``data`` is, or refuse it.

    Args:
        name: the file's name as sent (a name, not a path).
        data: its whole content.
        max_bytes: the cap on its size (none if ``None``).

    Returns:
        Its media type and kind, found from its content.

    Raises:
        HostileFile: naming the file and what is wrong with its name, its size or its
            content; nothing has been stored.
    """
    check_name(name)
    shown = quoted(name)
    if not data:
        raise HostileFile(_("The file %(name)s is empty (0 bytes); refused", name=shown))
    if max_bytes is not None and len(data) > max_bytes:
        raise HostileFile(  # its size is not given: a route may have read only the cap and a byte
            _(
                "The file %(name)s is larger than the limit of %(cap)s for one file; compress "
                "it or split it into several files and upload them again; refused",
                name=shown,
                cap=_size(max_bytes),
            )
        )
    kind = _kind_of(data, shown)
    media_type, label, endings = KINDS[kind]
    if not name.lower().endswith(endings):
        raise HostileFile(
            _(
                "The file %(name)s is a %(kind)s by its content, but its name does not end in "
                "%(endings)s; name it after its content and upload it again; refused",
                name=shown,
                kind=_(label),
                endings=" / ".join(endings),
            )
        )
    return Inspected(media_type=media_type, kind=kind)


def check_name(name: str) -> None:
    """Refuse a name that is empty, too long, has folder parts or hidden characters."""
    shown = quoted(name)
    if not name.strip():
        raise HostileFile(
            _("The file name %(name)s is empty; give the file a name; refused", name=shown)
        )
    if len(name) > MAX_NAME:
        raise HostileFile(
            _(
                "The file name %(name)s is longer than %(most)s characters; refused",
                name=shown,
                most=MAX_NAME,
            )
        )
    hidden = [c for c in name if unicodedata.category(c) in _BIDI_OR_INVISIBLE]
    if hidden:
        codes = both("、", ", ").join(f"U+{ord(c):04X}" for c in dict.fromkeys(hidden))
        raise HostileFile(
            _(
                "The file name %(name)s holds control characters or characters that turn the "
                "direction of the text (%(codes)s), which can make its type look like another; "
                "refused",
                name=shown,
                codes=codes,
            )
        )
    if "/" in name or "\\" in name or name.strip() in {".", ".."}:
        raise HostileFile(
            _(
                "The file name %(name)s has a path (folder) part; it may only be the name of "
                "the file itself; refused",
                name=shown,
            )
        )


def _kind_of(data: bytes, shown: str) -> str:
    head = data[:1024]
    if data.startswith(b"%PDF-"):
        check_pdf(data, shown)
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff"):
        kind = "png" if data.startswith(b"\x89PNG") else "jpeg"
        pixels = image_pixels(data, kind)
        if pixels is None:
            raise HostileFile(
                _(
                    "The file %(name)s is not a whole, readable %(kind)s (it is damaged); refused",
                    name=shown,
                    kind=_(KINDS[kind][1]),
                )
            )
        if pixels > MAX_PIXELS:
            raise HostileFile(
                _(
                    "The file %(name)s is a picture of %(pixels)s million pixels, over the "
                    "limit of %(most)s million pixels (opening it would fill the memory); "
                    "refused",
                    name=shown,
                    pixels=pixels // 1_000_000,
                    most=MAX_PIXELS // 1_000_000,
                )
            )
        return kind
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data, shown)
    refusal = REFUSED_CONTENT[_refused_content(head)]
    raise HostileFile(_(refusal, name=shown, accepted=_(ACCEPTED)))


def _refused_content(head: bytes) -> str:
    """What a refused file looks like (a key of :data:`REFUSED_CONTENT`), for the message."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"mz", b"\x7felf", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")):
        return "program"
    if b"<svg" in text:
        return "svg"
    if text.startswith((b"<!doctype html", b"<html", b"<script", b"<head", b"<body", b"<?xml")):
        return "html"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "old_office"
    if head.startswith((b"GIF8", b"BM", b"II*\x00", b"MM\x00*")) or head[8:12] == b"WEBP":
        return "picture"
    return "unknown"


def _zip_kind(data: bytes, shown: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            _check_zip_sizes(parts, shown)
            names = {part.filename for part in parts}
            kind = _office_kind(names, shown)
            for part in parts:
                if part.filename.lower().endswith((".xml", ".rels")):
                    _check_xml(archive, part, shown)
            if kind in {"docx", "xlsx"}:
                _check_content_types(archive, kind, shown)
            return kind
    except DefusedXmlException as exc:
        raise HostileFile(
            _(
                "The XML of the file %(name)s declares a DTD or entities (the way in of an XXE "
                "attack, which a normal document never needs); refused",
                name=shown,
            )
        ) from exc
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError,
            KeyError, ParseError, ValueError, NotImplementedError) as exc:  # fmt: skip
        raise HostileFile(
            _(
                "The file %(name)s is not a readable zipped document (%(error)s); refused",
                name=shown,
                error=type(exc).__name__,
            )
        ) from exc


def _check_zip_sizes(parts: list[zipfile.ZipInfo], shown: str) -> None:
    if len(parts) > MAX_PARTS:
        raise HostileFile(
            _(
                "The file %(name)s has %(parts)s parts, over the limit of %(most)s; refused",
                name=shown,
                parts=len(parts),
                most=MAX_PARTS,
            )
        )
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_UNPACKED_BYTES:
        raise HostileFile(
            _(
                "The file %(name)s unpacks to %(size)s, over the limit of %(most)s (a zip "
                "bomb); refused",
                name=shown,
                size=_size(unpacked),
                most=_size(MAX_UNPACKED_BYTES),
            )
        )
    for part in parts:
        if part.flag_bits & 0x1:
            raise HostileFile(
                _(
                    "The file %(name)s has an encrypted part %(part)s; refused",
                    name=shown,
                    part=quoted(part.filename),
                )
            )
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > 2**20 and ratio > MAX_RATIO:
            raise HostileFile(
                _(
                    "The part %(part)s of the file %(name)s unpacks to %(ratio)s times its "
                    "packed size, over the limit of %(most)s times (a zip bomb); refused",
                    name=shown,
                    part=quoted(part.filename),
                    ratio=round(ratio),
                    most=MAX_RATIO,
                )
            )


def _office_kind(names: set[str], shown: str) -> str:
    if "OFD.xml" in names:
        return "ofd"
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return "docx"
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return "xlsx"
    raise HostileFile(
        _(
            "The file %(name)s is a zip archive, but no OFD, Word (.docx) or Excel (.xlsx) "
            "document (only %(accepted)s); refused",
            name=shown,
            accepted=_(ACCEPTED),
        )
    )


def _check_xml(archive: zipfile.ZipFile, part: zipfile.ZipInfo, shown: str) -> None:
    """Parse ``part`` up to its root element: a DTD or an entity can only come before it."""
    with archive.open(part) as stream:
        for _event, _element in iterparse(stream, events=("start",), forbid_dtd=True):
            break


def _check_content_types(archive: zipfile.ZipFile, kind: str, shown: str) -> None:
    """Refuse a macro-enabled document (.docm, .xlsm saved under another name)."""
    declared = archive.read("[Content_Types].xml").lower()
    names = {name.lower() for name in archive.namelist()}
    if b"macroenabled" in declared or any(name.endswith("vbaproject.bin") for name in names):
        raise HostileFile(
            _(
                "The file %(name)s is a %(kind)s with macros (VBA programs); refused",
                name=shown,
                kind=_(KINDS[kind][1]),
            )
        )


def _size(count: int) -> str:
    if count >= 2**20:
        return f"{count / 2**20:.1f} MB"
    if count >= 2**10:
        return f"{count / 2**10:.0f} KB"
    return _("%(count)s bytes", count=count)
