"""Which characters of a record no installed font can draw (they would print as boxes).

fontconfig knows every installed font's character set; their union, read once per process
with one ``fc-list`` call, says what any fallback could draw. Emoji and CJK Extension B and
beyond need fonts of their own: the warning names the Debian packages that carry them.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

EXTRA_FONT_PACKAGES = ("fonts-noto-color-emoji", "fonts-hanazono")
"""Emoji, and the CJK extension ideographs beyond the BMP (HanaMin B)."""

SHOWN = 8
"""How many undrawable characters a warning names before saying how many more there are."""


@lru_cache(maxsize=1)
def _drawable_ranges() -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """The union of the installed fonts' character sets as sorted (starts, ends), or None
    when fontconfig cannot say (then nothing is reported)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        listing = subprocess.run(
            [fc_list, "--format", "%{charset}\\n"], capture_output=True, text=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    ranges = sorted(_parse_charsets(listing.split()))
    if not ranges:
        return None
    merged: list[list[int]] = []
    for start, end in ranges:
        if merged and start <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple(r[0] for r in merged), tuple(r[1] for r in merged)


def _parse_charsets(tokens: Iterable[str]) -> Iterator[tuple[int, int]]:
    for token in tokens:
        first, _, last = token.partition("-")
        try:
            yield int(first, 16), int(last or first, 16)
        except ValueError:
            continue


def _drawable(code: int, ranges: tuple[tuple[int, ...], tuple[int, ...]]) -> bool:
    starts, ends = ranges
    index = bisect_right(starts, code) - 1
    return index >= 0 and code <= ends[index]


def undrawable(record: Any) -> list[str]:
    """The distinct characters in ``record``'s text that no installed font has, in order."""
    ranges = _drawable_ranges()
    if ranges is None:
        return []
    found: dict[str, None] = {}
    for text in _texts(record):
        for char in text:
            if char in found or unicodedata.category(char)[0] in "CZ":  # controls, spaces
                continue
            if not _drawable(ord(char), ranges):
                found[char] = None
    return list(found)


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)


def coverage_warning(code: str, chars: list[str]) -> str | None:
    """A one-line warning naming the characters of ``code``'s record that print as boxes."""
    if not chars:
        return None
    named = ", ".join(f"{char} (U+{ord(char):04X})" for char in chars[:SHOWN])
    more = f" and {len(chars) - SHOWN} more" if len(chars) > SHOWN else ""
    return (
        f"warning: {code}: no installed font can draw {named}{more}; they print as empty "
        f"boxes: install {' '.join(EXTRA_FONT_PACKAGES)}, or change the text"
    )
