"""Damaged records: the ways an edited or hostile PDF broke the PDF library (issue 24).

:func:`attachment_bomb` writes a small PDF whose ``evaluation-record.json`` inflates to
200 MB; :func:`damaged` edits a printed record (an unknown filter, an edited /CheckSum,
bytes of its cross-reference stream changed).
"""

from __future__ import annotations

import zlib

ATTACHMENT = b"evaluation-record.json"


def attachment_bomb(inflated: int = 200 * 2**20, *, filter_name: bytes = b"/FlateDecode") -> bytes:
    """A one-page PDF carrying an attachment of ``inflated`` zero bytes, deflated (~200 KB),
    compressed a megabyte at a time so the test itself stays small."""
    packer = zlib.compressobj(9)
    chunk = bytes(2**20)
    body = b"".join(packer.compress(chunk) for _ in range(inflated // len(chunk)))
    body += packer.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [("
        + ATTACHMENT
        + b") 4 0 R] >> >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] >>",
        b"<< /Type /Filespec /F (" + ATTACHMENT + b") /EF << /F 5 0 R >> >>",
        b"<< /Type /EmbeddedFile /Filter "
        + filter_name
        + b" /Length "
        + str(len(body)).encode()
        + b" >>\nstream\n"
        + body
        + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + content + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def damaged(record: bytes) -> dict[str, bytes]:
    """Damaged copies of a printed ``record``, by the damage done."""
    checksum = record.index(b"/CheckSum <")
    end = record.index(b">", checksum)
    xref = record.index(b"/Type /XRef")
    stream = record.index(b"stream", xref) + len(b"stream\n")
    copies = {
        # the same length, so the cross-reference table still points right: only the filter
        # is unknown (a shorter name would break the table, which the strict parse reports)
        "unknown_filter": record.replace(b"/FlateDecode", b"/FooooDecode", 3),
        "checksum_edited": record[:checksum]
        + b"/CheckSum <<"
        + record[checksum + 11 : end - 1]
        + b">>"
        + record[end + 1 :],
    }
    for offset in (0, 5, 40):
        edited = bytearray(record)
        edited[stream + offset] ^= 0x01
        copies[f"xref_stream_byte_{offset}"] = bytes(edited)
    return copies
