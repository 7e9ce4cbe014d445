"""Text that people type or files carry: quoted safely in messages, checked before use.

Three rules live here so every parser shares them:

- :func:`quoted` shows a value inside an error message as one short line: repr-like
  (a newline, NUL, escape or bidi control is spelled out, never applied) and capped, so a
  200 MB cell gives a message of a few dozen characters.
- :func:`check_number_text` refuses digits other than 0-9 (full-width ``１２３``,
  Arabic-Indic ``١٢٣``) in numbers: Python's ``Decimal`` and ``\\d`` accept them silently;
  and number text of thousands of digits.
- :func:`check_no_bidi` refuses the bidirectional controls (U+202A–U+202E, U+2066–U+2069)
  that would reorder the printed text of a name.
- :func:`check_typed_text` is the rule for every field people type (names, reasons, notes,
  comments, narratives), on every door: no bidi control, and no control character (NUL,
  ESC, DEL, C1); tab is allowed, line breaks only in multi-line text.
"""

from __future__ import annotations

import reprlib
import unicodedata
from typing import TypeVar

from procure.domain.errors import InvalidInput
from procure.domain.language import _

QUOTE_LIMIT = 60
"""How many characters of a value an error message shows before cutting it short."""

BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)
"""Embedding, override and isolate controls, and the directional marks."""

ASCII_DIGITS = frozenset("0123456789")

MAX_NUMBER_CHARS = 40
"""The longest text read as a number (money has at most 15 digits, scores fewer)."""


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """Return ``value`` quoted for a one-line message, at most about ``limit`` characters.

    Text is shown as Python's ``repr`` shows it (control characters escaped, Chinese kept);
    longer text is cut and its length given. Other values are shown by a bounded repr, so
    a huge or deeply shared structure never becomes a huge message.
    """
    if isinstance(value, str):
        if len(value) <= limit:
            return repr(value)
        return _("%(start)s… (%(length)s characters)", start=repr(value[:limit]), length=len(value))
    shown = reprlib.Repr()
    shown.maxstring = shown.maxother = limit
    shown.maxlevel = 3
    text = shown.repr(value)
    return text if len(text) <= 2 * limit else text[: 2 * limit] + "…"


def check_number_text(text: str, what: str) -> None:
    """Refuse number text with a digit other than 0-9, or too long to be a value.

    Raises:
        InvalidInput: naming ``what``, the value and the first such digit or its length.
    """
    if len(text) > MAX_NUMBER_CHARS:
        raise InvalidInput(
            _(
                "%(field)s %(value)s is too long to be a number (at most %(most)s characters)",
                field=what,
                value=quoted(text),
                most=MAX_NUMBER_CHARS,
            )
        )
    for char in text:
        if char.isdigit() and char not in ASCII_DIGITS:
            raise InvalidInput(
                _(
                    "%(field)s %(value)s uses the digit %(digit)s (%(name)s); write numbers "
                    "with 0-9",
                    field=what,
                    value=quoted(text),
                    digit=repr(char),
                    name=unicodedata.name(char, f"U+{ord(char):04X}"),
                )
            )


def check_no_bidi(text: str, what: str) -> None:
    """Refuse ``text`` when it holds a bidirectional control, which would reorder print.

    Raises:
        InvalidInput: naming ``what`` and the control found.
    """
    for char in text:
        if char in BIDI_CONTROLS:
            raise InvalidInput(
                _(
                    "%(field)s %(value)s contains the bidirectional control %(code)s "
                    "(%(name)s), which would reorder the printed text; remove it",
                    field=what,
                    value=quoted(text),
                    code=_code_point(char),
                    name=unicodedata.name(char, "control"),
                )
            )


def check_typed_text(text: str, what: str, *, multiline: bool = True) -> None:
    """Refuse typed text holding a bidi control or a control character.

    NUL cannot be stored by PostgreSQL and ESC starts a terminal's escape sequence; neither
    belongs in a name or a reason. Tab is allowed; a line break only where ``multiline``.

    Raises:
        InvalidInput: naming ``what``, the value (quoted) and the character found.
    """
    check_no_bidi(text, what)
    allowed = "\t\n\r" if multiline else "\t"
    for char in text:
        if char not in allowed and unicodedata.category(char) == "Cc":
            raise InvalidInput(
                _(
                    "%(field)s %(value)s contains the control character %(code)s (%(name)s); "
                    "remove it",
                    field=what,
                    value=quoted(text),
                    code=_code_point(char),
                    name=unicodedata.name(char, _CONTROL_NAMES.get(char, "control")),
                )
            )


def _code_point(char: str) -> str:
    return f"U+{ord(char):04X}"


_CONTROL_NAMES = {"\x00": "NUL", "\x1b": "ESCAPE", "\x7f": "DELETE", "\n": "LINE FEED"}


def visible(text: str) -> str:
    """Return ``text`` with control and format characters spelled out (``\\x1b``, ``\\u202e``).

    Tabs become spaces; every other C0/C1 control, DEL and Unicode format character
    (bidi controls, zero-width joiners excepted) is written as its escape, so nothing in
    the data can move the cursor, ring the bell or reorder a terminal line.
    """
    if text.isprintable():
        return text
    return "".join(_visible_char(char) for char in text)


_SPELLED_OUT = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def _visible_char(char: str) -> str:
    if char == "\t":
        return " "
    if char in "\u200c\u200d" or unicodedata.category(char) not in _SPELLED_OUT:
        return char  # the joiners are needed by some scripts; spaces such as U+3000 stay
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


_Cell = TypeVar("_Cell")

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula (OWASP, CSV injection)."""


def spreadsheet_cell(value: _Cell) -> _Cell | str:
    """Return ``value`` safe for a CSV or .xlsx cell: text that a spreadsheet would run as a
    formula (starting with = + - @, tab or carriage return) is prefixed with ``'``, as the
    OWASP CSV-injection guidance says; numbers and other values are returned as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
