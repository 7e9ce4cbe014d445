"""Small documents, good and hostile, made in memory for the attachment tests (issue 22).

:data:`GOOD` holds one accepted file of each kind, by file name; :func:`hostile` one file of
each hostile class, by the class's name, with the file name it is sent under. Each is a few
kilobytes (the zip bomb packs 8 MB of zeros into about 8 KB).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from functools import cache

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Override PartName="/{part}" ContentType="{media}"/></Types>'
)
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
DOCX_BODY = (
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>服务方案</w:t></w:r></w:p></w:body></w:document>"
)
EXTERNAL = '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">'
        for n in range(1, 10)
    )
    + "]>"
)


def pdf(*, pages: int = 1, password: str | None = None, script: bool = False) -> bytes:
    """A PDF of blank pages; encrypted with ``password`` ("" encrypts with an empty user
    password, as a "no copying" file does), or opening with a script."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    if script:
        from pypdf.actions import JavaScript

        writer.add_open_action(JavaScript("app.alert('hi');"))
    if password is not None:
        writer.encrypt(user_password=password, owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png(width: int = 4, height: int = 3) -> bytes:
    """A grey PNG of ``width`` × ``height`` pixels (its rows packed, however large)."""
    packer = zlib.compressobj(9)
    row = b"\x00" + b"\x80" * width
    body = b"".join(packer.compress(row) for _ in range(min(height, 64))) + packer.flush()

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )


def jpeg(width: int = 4, height: int = 3) -> bytes:
    """The markers of a JPEG of ``width`` × ``height``: APP0, a baseline frame, the end."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    frame = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + frame + b"\xff\xd9"


def package(parts: dict[str, bytes | str], *, encrypted: bool = False) -> bytes:
    """A zip of ``parts`` (deflated); each part flagged as encrypted if ``encrypted``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    packed = bytearray(out.getvalue())
    for signature, flags in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)) if encrypted else ():
        at = packed.find(signature)
        while at >= 0:
            packed[at + flags] |= 0x1  # the general-purpose flag's "encrypted" bit
            at = packed.find(signature, at + 4)
    return bytes(packed)


def docx(body: str = DOCX_BODY, **extra: bytes | str) -> bytes:
    """A Word document whose body is ``body``, with ``extra`` parts (``/`` written ``__``)."""
    parts: dict[str, bytes | str] = {
        "[Content_Types].xml": CONTENT_TYPES.format(part="word/document.xml", media=DOCX_MAIN),
        "word/document.xml": body,
    }
    parts.update({name.replace("__", "/"): data for name, data in extra.items()})
    return package(parts)


def xlsx() -> bytes:
    """A workbook of one sheet, as openpyxl writes it."""
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "预算"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ofd() -> bytes:
    """The frame of an OFD document: OFD.xml naming its first document."""
    root = (
        '<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"'
        ' Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml'
        "</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
    )
    return package(
        {
            "OFD.xml": root,
            "Doc_0/Document.xml": '<ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"/>',
        }
    )


@cache
def good() -> dict[str, bytes]:
    """One accepted file of each kind, by its file name."""
    return {
        "服务方案.pdf": pdf(),
        "登记证书.ofd": ofd(),
        "现场照片.png": png(),
        "签到表.jpg": jpeg(),
        "服务方案.docx": docx(),
        "预算表.xlsx": xlsx(),
    }


@cache
def hostile() -> dict[str, tuple[str, bytes]]:
    """One file of each hostile class: class -> (file name, content)."""
    comment = "<!--" + "x" * 6000 + "-->"
    return {
        "html": ("说明.html", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        "html_named_pdf": ("方案.pdf", b"<html><body><script>alert(1)</script></body></html>"),
        "svg": ("图.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        "svg_named_png": ("图.png", b'<?xml version="1.0"?><svg onload="alert(1)"/>'),
        "executable": ("方案.pdf.exe", b"MZ\x90\x00" + bytes(60)),
        "old_office": ("方案.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)),
        "plain_zip": ("材料.zip", package({"readme.txt": "hello"})),
        "encrypted_pdf": ("加密.pdf", pdf(password="secret")),
        "restricted_pdf": ("限制复制.pdf", pdf(password="")),
        "scripted_pdf": ("脚本.pdf", pdf(script=True)),
        "broken_pdf": ("损坏.pdf", pdf()[:200]),
        "zip_bomb": ("炸弹.docx", docx(**{"word__media__zeros.bin": bytes(8 * 2**20)})),
        "xxe_docx": ("外部实体.docx", docx(EXTERNAL + DOCX_BODY)),
        "xxe_after_comment": ("外部实体.docx", docx(comment + EXTERNAL + DOCX_BODY)),
        "dtd_docx": (
            "外部DTD.docx",
            docx('<!DOCTYPE w SYSTEM "http://evil.invalid/x.dtd">' + DOCX_BODY),
        ),
        "laughs_docx": ("笑声.docx", docx(LAUGHS + DOCX_BODY)),
        "xxe_ofd": ("外部实体.ofd", package({"OFD.xml": EXTERNAL + "<ofd:OFD/>"})),
        "macro_docx": ("宏.docx", docx(**{"word__vbaProject.bin": b"\x00" * 64})),
        "encrypted_part": (
            "加密部件.docx",
            package(
                {"[Content_Types].xml": "<Types/>", "word/document.xml": DOCX_BODY},
                encrypted=True,
            ),
        ),
        "pixel_bomb_png": ("巨图.png", png(100_000, 100_000)),
        "pixel_bomb_jpeg": ("巨图.jpg", jpeg(65_000, 65_000)),
        "cut_png": ("半张.png", png()[:40]),
        "cut_jpeg": ("半张.jpg", jpeg()[:22]),  # cut inside its first segment: no frame
        "renamed_png": ("照片.pdf", png()),
        "empty_file": ("空.pdf", b""),
        "bidi_name": ("照片\u202egnp.exe", png()),
        "control_name": ("照片\x00.png", png()),
        "newline_name": ("照片\n.png", png()),
        "path_name": ("../../etc/照片.png", png()),
        "windows_path_name": ("C:\\Users\\照片.png", png()),
        "empty_name": ("", png()),
        "long_name": ("长" * 300 + ".png", png()),
    }


def text_pdf(*lines: str) -> bytes:
    """A one-page A4 PDF showing ``lines`` (ASCII) in Helvetica: a document a person can see
    open in a viewer."""
    shown = b"".join(
        b"(" + line.encode("ascii").replace(b"(", b"\\(").replace(b")", b"\\)") + b") Tj 0 -28 Td "
        for line in lines
    )
    content = b"BT /F1 20 Tf 72 770 Td " + shown + b"ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)
