"""Charts as SVG text, drawn on the server: no script, no external reference, all text escaped.

A chart is built as an element tree and serialized by :mod:`xml.etree.ElementTree`,
which escapes ``&``, ``<``, ``>`` and quotes. Labels come from people (organization
and purchaser names), so before that every control or format character (bidi
overrides and marks included, which would reorder the drawn text) is spelled out
as its escape by :func:`procure.domain.text.visible`, and characters XML cannot
hold at all become U+FFFD: whatever a name holds, the SVG is well-formed and shows
it literally.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from decimal import Decimal
from xml.etree import ElementTree

from procure.domain.errors import InvalidInput
from procure.domain.language import N_, _
from procure.domain.text import visible

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
LABEL_CHARS = 24
"""How many characters of a label a chart draws before cutting it with an ellipsis."""

_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
_ROW, _BAR, _GAP, _FONT = 28, 18, 8, 13
_LABEL_ROOM = 260
"""The widest a label column is drawn (pixels); a narrow chart gives its labels half its room."""
_EMPTY = N_("No data")
"""What a chart without bars says (translated where drawn)."""

Number = Decimal | int


def horizontal_bar_chart(
    labels: Sequence[str],
    values: Sequence[Number],
    *,
    title: str,
    value_label: Callable[[Number], str] | None = str,
    width: int = 640,
    color: str = "#3b6ea8",
) -> str:
    """Return an SVG document drawing one horizontal bar per label, longest value widest.

    Args:
        labels: what each bar is (names shown at the left, or above each bar when one would
            be cut at the left and fits a line of its own; cut to :data:`LABEL_CHARS`).
        values: each bar's value, zero or more (money as ``Decimal``, counts as ``int``).
        title: the chart's accessible title (``<title>``), also escaped.
        value_label: how a value is written at the end of its bar (e.g. ``format_yuan``);
            ``None`` writes no values.
        width: the drawing's width in pixels.
        color: the bars' fill, as ``#rrggbb``.

    Raises:
        InvalidInput: labels and values of different lengths, a negative value, a colour
            that is not ``#rrggbb`` or a width too small to draw in.
    """
    _check(labels, values, color, width)
    value_width = 0 if value_label is None else 120
    label_room = min(_LABEL_ROOM, (width - value_width - 3 * _GAP) // 2)
    stacked = _stacks(labels, label_room, width)
    label_width = -_GAP if stacked else _label_width(labels, label_room)
    bar_room = width - label_width - value_width - 3 * _GAP
    row = 2 * _ROW if stacked else _ROW
    height = max(1, len(labels)) * row + 2 * _GAP
    svg = _svg_root(width, height, title)
    if not labels:
        _text(svg, _GAP, height / 2 + _FONT / 3, _(_EMPTY), anchor="start")
    largest = max(values, default=0)
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        top = _GAP + index * row + (_ROW if stacked else 0)
        baseline = top + _ROW / 2 + _FONT / 3
        if stacked:  # the name on its own line above its bar, as wide as the drawing
            cut = _cut(drawable(label), width - 2 * _GAP)
            _text(svg, _GAP, baseline - _ROW, cut, anchor="start")
        else:
            cut = _cut(drawable(label), label_room)
            _text(svg, label_width + _GAP, baseline, cut, anchor="end")
        length = Decimal(bar_room) * Decimal(value) / Decimal(largest) if largest else Decimal(0)
        ElementTree.SubElement(
            svg,
            "rect",
            {
                "x": _number(label_width + 2 * _GAP),
                "y": _number(top + (_ROW - _BAR) / 2),
                "width": _number(length),
                "height": _number(_BAR),
                "fill": color,
            },
        )
        if value_label is not None:
            after = label_width + 3 * _GAP + length
            _text(svg, after, baseline, value_label(value), anchor="start")
    return ElementTree.tostring(svg, encoding="unicode")


def _check(labels: Sequence[str], values: Sequence[Number], color: str, width: int) -> None:
    if len(labels) != len(values):
        raise InvalidInput(
            f"a chart needs one value per label ({len(labels)} labels, {len(values)} values)"
        )
    if any(value < 0 for value in values):
        raise InvalidInput("a bar chart draws values of zero or more")
    if not _COLOR.fullmatch(color):
        raise InvalidInput(f"chart colour {color!r} must be written #rrggbb")
    if width < 320:
        raise InvalidInput(f"a chart {width} pixels wide is too narrow (at least 320)")


def _svg_root(width: int, height: int, title: str) -> ElementTree.Element:
    svg = ElementTree.Element(
        "svg",
        {
            "xmlns": SVG_NAMESPACE,
            "width": str(width),
            "height": str(height),
            "viewBox": f"0 0 {width} {height}",
            "role": "img",
            "font-family": "sans-serif",
            "font-size": str(_FONT),
        },
    )
    ElementTree.SubElement(svg, "title").text = drawable(title)
    return svg


def _text(
    parent: ElementTree.Element, x: float | Decimal, y: float, content: str, *, anchor: str
) -> None:
    element = ElementTree.SubElement(
        parent,
        "text",
        {"x": _number(x), "y": _number(y), "text-anchor": anchor, "fill": "#222222"},
    )
    element.text = drawable(content)


def drawable(text: str) -> str:
    """Return ``text`` as a chart draws it: controls and format characters spelled out,
    characters XML cannot hold replaced by U+FFFD (escaping is the serializer's job)."""
    return "".join(char if _xml_char(char) else "\ufffd" for char in visible(text))


def _xml_char(char: str) -> bool:
    code = ord(char)
    if code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF:
        return True
    return 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF


def _cut(label: str, room: int = _LABEL_ROOM) -> str:
    """The label as drawn: at most :data:`LABEL_CHARS` characters and ``room`` pixels wide,
    cut with an ellipsis."""
    cut = label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"
    while len(cut) > 1 and _em(cut) * _FONT > room:
        cut = cut[:-2] + "…"
    return cut


def _stacks(labels: Sequence[str], room: int, width: int) -> bool:
    """Whether a name would be cut in a label column of ``room`` pixels but not on a line of
    its own: then each name is drawn above its bar, whole (a narrow chart, a phone's)."""
    drawn = [drawable(label) for label in labels]
    return any(_cut(name, room) != name == _cut(name, width - 2 * _GAP) for name in drawn)


def _label_width(labels: Sequence[str], room: int) -> int:
    """Estimate the widest label's width: wide (CJK) characters a full em, others about half."""
    widest = max((_em(_cut(drawable(label), room)) for label in labels), default=Decimal(4))
    return int(min(widest * _FONT, Decimal(room))) + _GAP


def _em(text: str) -> Decimal:
    wide = sum(1 for char in text if unicodedata.east_asian_width(char) in "WF")
    return Decimal(wide) + Decimal(len(text) - wide) * Decimal("0.6")


def _number(value: float | int | Decimal) -> str:
    """Write a coordinate with at most one decimal, as SVG reads it."""
    return f"{Decimal(str(value)).quantize(Decimal('0.1')).normalize():f}"
