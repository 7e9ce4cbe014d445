"""The size of a PNG or JPEG in pixels, read from its header without decoding it.

A picture of a few kilobytes can declare a hundred thousand pixels square (one colour
compresses to nothing); whoever opens it decodes every pixel. So the header is read
before the picture is accepted (see :mod:`procure.services.documents.inspect`).
"""

from __future__ import annotations

import struct

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
"""The JPEG markers that start a frame (SOF0 to SOF15, less DHT, JPG and DAC)."""


def image_pixels(data: bytes, kind: str) -> int | None:
    """Width times height of a PNG (``kind="png"``) or JPEG, or ``None`` if its header is
    damaged (cut short, zero-sized, no frame before the end)."""
    size = _png_size(data) if kind == "png" else _jpeg_size(data)
    if size is None or 0 in size:
        return None
    width, height = size
    return width * height


def _png_size(data: bytes) -> tuple[int, int] | None:
    # signature, then the IHDR chunk: length (13), type, width, height
    if len(data) < 33 or not data.startswith(_PNG_SIGNATURE) or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    if not data.rstrip(b"\x00").endswith(b"IEND\xaeB`\x82"):
        return None  # cut short: no end chunk
    return width, height


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    at = 2  # after the start-of-image marker
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # markers without a length
            at += 2
            continue
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        if marker in _JPEG_FRAMES:
            if at + 9 > len(data) or length < 7:
                return None
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return width, height
        if marker == 0xD9 or length < 2:  # end of image before a frame, or a broken length
            return None
        at += 2 + length
    return None
