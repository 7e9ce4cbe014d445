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
is refused with :class:`HostileFile`, whose message says in Chinese what is wrong and
names the file (by its name, quoted so that no character of it can hide).
"""

from __future__ import annotations

import io
import logging
import unicodedata
import zipfile
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from procure.domain.errors import InvalidInput
from procure.domain.text import quoted
from procure.services.documents.images import image_pixels

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

ACCEPTED_ZH = "PDF、OFD、PNG、JPEG、Word（.docx）或 Excel（.xlsx）"

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
    "pdf": ("application/pdf", "PDF 文件", (".pdf",)),
    "ofd": ("application/ofd", "OFD 版式文件", (".ofd",)),
    "png": ("image/png", "PNG 图片", (".png",)),
    "jpeg": ("image/jpeg", "JPEG 图片", (".jpg", ".jpeg", ".jpe")),
    "docx": (_DOCX, "Word 文档（.docx）", (".docx",)),
    "xlsx": (_XLSX, "Excel 工作簿（.xlsx）", (".xlsx",)),
}
"""Each kind accepted: its media type, its name in Chinese, the file-name endings it takes."""


class HostileFile(InvalidInput):
    """An upload refused before storing; the message says why in Chinese and names the file."""

    def __init__(self, reason_zh: str) -> None:
        super().__init__(reason_zh)
        self.reason_zh = reason_zh


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
        raise HostileFile(f"文件 {shown} 是空文件（0 字节）；已拒绝")
    if max_bytes is not None and len(data) > max_bytes:
        raise HostileFile(  # its size is not given: a route may have read only the cap and a byte
            f"文件 {shown} 超过单个文件上限 {_size(max_bytes)}；"
            "请压缩或分成几个文件后再上传；已拒绝"
        )
    kind = _kind_of(data, shown)
    media_type, label, endings = KINDS[kind]
    if not name.lower().endswith(endings):
        raise HostileFile(
            f"文件 {shown} 的内容是{label}，但文件名不以 {' / '.join(endings)} 结尾；"
            "请按内容改正文件名后再上传；已拒绝"
        )
    return Inspected(media_type=media_type, kind=kind)


def check_name(name: str) -> None:
    """Refuse a name that is empty, too long, has folder parts or hidden characters."""
    shown = quoted(name)
    if not name.strip():
        raise HostileFile(f"文件名为空 {shown}；请给文件起一个名字；已拒绝")
    if len(name) > MAX_NAME:
        raise HostileFile(f"文件名 {shown} 超过 {MAX_NAME} 个字符；已拒绝")
    hidden = [c for c in name if unicodedata.category(c) in _BIDI_OR_INVISIBLE]
    if hidden:
        codes = "、".join(f"U+{ord(c):04X}" for c in dict.fromkeys(hidden))
        raise HostileFile(
            f"文件名 {shown} 含有控制字符或改变文字方向的字符（{codes}），"
            "可能让人看错文件类型；已拒绝"
        )
    if "/" in name or "\\" in name or name.strip() in {".", ".."}:
        raise HostileFile(f"文件名 {shown} 含有路径（文件夹）部分，只能是文件本身的名字；已拒绝")


def _kind_of(data: bytes, shown: str) -> str:
    head = data[:1024]
    if data.startswith(b"%PDF-"):
        _check_pdf(data, shown)
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff"):
        kind = "png" if data.startswith(b"\x89PNG") else "jpeg"
        pixels = image_pixels(data, kind)
        if pixels is None:
            raise HostileFile(f"文件 {shown} 不是完整可读的{KINDS[kind][1]}（已损坏）；已拒绝")
        if pixels > MAX_PIXELS:
            raise HostileFile(
                f"文件 {shown} 是一张 {pixels // 1_000_000} 百万像素的图片，超过上限 "
                f"{MAX_PIXELS // 1_000_000} 百万像素（打开时会占满内存）；已拒绝"
            )
        return kind
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data, shown)
    raise HostileFile(
        f"文件 {shown} 的内容是{_refused_label(head)}，不是允许的文件类型（只接受 {ACCEPTED_ZH}）；"
        "已拒绝"
    )


def _refused_label(head: bytes) -> str:
    """What a refused file looks like, for the message."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"mz", b"\x7felf", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")):
        return "可执行程序或脚本"
    if b"<svg" in text:
        return " SVG 图形（可含脚本）"
    if text.startswith((b"<!doctype html", b"<html", b"<script", b"<head", b"<body", b"<?xml")):
        return " HTML/XML 网页（可含脚本）"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "旧版 Office 文件（.doc/.xls）或加密的 Office 文件，请另存为 .docx/.xlsx 或 PDF"
    if head.startswith((b"GIF8", b"BM", b"II*\x00", b"MM\x00*")) or head[8:12] == b"WEBP":
        return "不接受的图片格式"
    return "未知格式"


def _check_pdf(data: bytes, shown: str) -> None:
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its repair notes are not ours to print
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise HostileFile(
                f"文件 {shown} 是加密（设有密码或权限限制）的 PDF，评审和审计无法核对其内容；"
                "请另存为不加密的 PDF 后再上传；已拒绝"
            )
        root = reader.trailer["/Root"].get_object()
        scripted = _runs_actions(root) or b"/JavaScript" in data or b"/Launch" in data
        pages = len(reader.pages)
    except HostileFile:
        raise
    except (Exception, RecursionError) as exc:  # a damaged file can lead pypdf anywhere
        raise HostileFile(f"文件 {shown} 不是可读的 PDF（{type(exc).__name__}）；已拒绝") from exc
    if scripted:
        raise HostileFile(
            f"文件 {shown} 是打开时会自动运行脚本或动作的 PDF；请另存为普通 PDF 后再上传；已拒绝"
        )
    if pages == 0:
        raise HostileFile(f"文件 {shown} 是没有页面的 PDF；已拒绝")


_ACTIONS = frozenset({"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/Rendition"})
"""Actions a PDF may run by itself that reach beyond the page (a link to a page is fine)."""


def _runs_actions(root: object) -> bool:
    """Whether the catalog runs a script or program on opening, or names document scripts."""
    from pypdf.generic import DictionaryObject

    if not isinstance(root, DictionaryObject):
        return False
    names = root.get("/Names")
    names = names.get_object() if names is not None else None
    if isinstance(names, DictionaryObject) and "/JavaScript" in names:
        return True
    opening = root.get("/OpenAction")
    opening = opening.get_object() if opening is not None else None
    if isinstance(opening, DictionaryObject) and opening.get("/S") in _ACTIONS:
        return True
    return "/AA" in root


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
            f"文件 {shown} 的 XML 声明了 DTD 或实体（XXE 攻击的入口，正常文档不需要）；已拒绝"
        ) from exc
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError,
            KeyError, ParseError, ValueError, NotImplementedError) as exc:  # fmt: skip
        raise HostileFile(
            f"文件 {shown} 不是可读的压缩文档（{type(exc).__name__}）；已拒绝"
        ) from exc


def _check_zip_sizes(parts: list[zipfile.ZipInfo], shown: str) -> None:
    if len(parts) > MAX_PARTS:
        raise HostileFile(f"文件 {shown} 含有 {len(parts)} 个部件，超过上限 {MAX_PARTS}；已拒绝")
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_UNPACKED_BYTES:
        raise HostileFile(
            f"文件 {shown} 解压后有 {_size(unpacked)}，超过上限 {_size(MAX_UNPACKED_BYTES)}"
            "（压缩炸弹）；已拒绝"
        )
    for part in parts:
        if part.flag_bits & 0x1:
            raise HostileFile(f"文件 {shown} 含有加密的部件 {quoted(part.filename)}；已拒绝")
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > 2**20 and ratio > MAX_RATIO:
            raise HostileFile(
                f"文件 {shown} 的部件 {quoted(part.filename)} 压缩比为 {ratio:.0f} 倍，"
                f"超过上限 {MAX_RATIO} 倍（压缩炸弹）；已拒绝"
            )


def _office_kind(names: set[str], shown: str) -> str:
    if "OFD.xml" in names:
        return "ofd"
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return "docx"
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return "xlsx"
    raise HostileFile(
        f"文件 {shown} 是压缩包，但不是 OFD、Word（.docx）或 Excel（.xlsx）文档"
        f"（只接受 {ACCEPTED_ZH}）；已拒绝"
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
        raise HostileFile(f"文件 {shown} 是含宏（VBA 程序）的{KINDS[kind][1]}；已拒绝")


def _size(count: int) -> str:
    if count >= 2**20:
        return f"{count / 2**20:.1f} MB"
    if count >= 2**10:
        return f"{count / 2**10:.0f} KB"
    return f"{count} 字节"
