"""Is a page in one language? What a reader sees of it, and the words of the other language.

:func:`page_text` is what a person reads or hears of an HTML page: its text, and the
attributes a screen reader or a tooltip speaks (``title``, ``aria-label``, ``placeholder``,
``alt``, a button's ``value``), not scripts or styles. :func:`english_words` finds English in
Chinese text, :func:`chinese_runs` finds Chinese in English text. Both first take out the
world's own data (titles, names, logins, the text people typed), which is in whatever language
its author wrote, and the codes and units both languages share.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from html.parser import HTMLParser

ALLOWED_ENGLISH = frozenset(
    {
        # the product, formats and standards, said the same way in both languages
        "procure", "PDF", "CSV", "xlsx", "Excel", "OCDS", "JSON", "Atom", "ZIP", "zip",
        "USCC", "SHA", "Ed25519", "UTC", "CST", "ID", "URL", "HTTP", "HTTPS", "SMTP",
        "PNG", "JPEG", "SVG", "HTML", "CA", "OK", "KB", "MB", "GB", "p95", "SQLite",
        "PostgreSQL", "n/a", "USB", "CNY", "RMB", "OFD", "Word", "docx", "doc", "xls",
        "XML", "YAML", "English",
    }
)  # fmt: skip
"""Words a Chinese page may show in Latin letters."""

_CODES = re.compile(
    r"""
    [A-Z]{2,}-\d{4}-\d{3,}          # a project code, SM-2020-010
    | [0-9A-HJ-NPQRTUWXY]{18}       # a USCC
    | [0-9a-f]{16,}                 # a hash, a key's fingerprint
    | \d{4}-\d{2}-\d{2}(T[\d:.+Z-]+)?  # an ISO date or moment
    | [\w.+-]+@[\w-]+(\.[\w-]+)+     # an e-mail address
    | https?://\S+                  # a link
    | /[\w./{}?=&%-]+               # a path of the site
    | [\w-]+\.(pdf|xlsx|csv|zip|json|png|jpe?g|docx?|odt|txt|ya?ml)\b  # a file's name
    """,
    re.VERBOSE | re.IGNORECASE,
)
_ENGLISH_WORD = re.compile(r"[A-Za-z](?:[A-Za-z0-9'’]*[A-Za-z0-9])?")
"""A word of Latin letters; one with digits in it (Ed25519, base64, p95) is a code."""
_CHINESE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e]+")
_CHINESE_LETTERS = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


class _Reader(HTMLParser):
    SPOKEN = ("title", "aria-label", "placeholder", "alt")
    SILENT = ("script", "style", "template", "code", "pre", "kbd")
    """Not read for language: scripts, and what a person types or a file holds (a command
    such as ``procure report verify``, an example of a holiday notice file)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._silent = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SILENT:
            self._silent += 1
        found = dict(attrs)
        for name in self.SPOKEN:
            if found.get(name):
                self.parts.append(str(found[name]))
        if tag == "input" and found.get("type") in ("submit", "button") and found.get("value"):
            self.parts.append(str(found["value"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SILENT and self._silent:
            self._silent -= 1

    def handle_data(self, data: str) -> None:
        if not self._silent and data.strip():
            self.parts.append(data.strip())


def page_text(html: str) -> str:
    """What a person reads or hears of ``html``, one piece a line."""
    reader = _Reader()
    reader.feed(html)
    return "\n".join(reader.parts)


def without(text: str, data: Iterable[str]) -> str:
    """``text`` with each of ``data`` (longest first) and every shared code taken out."""
    for value in sorted({d for d in data if d and len(d.strip()) > 1}, key=len, reverse=True):
        text = text.replace(value, " ")
    return _CODES.sub(" ", text)


def english_words(text: str, data: Iterable[str] = (), allowed: Iterable[str] = ()) -> list[str]:
    """The English words in Chinese ``text``, apart from ``data`` and the allowed ones."""
    ok = ALLOWED_ENGLISH | frozenset(allowed)
    words = _ENGLISH_WORD.findall(without(text, data))
    return sorted(
        {w for w in words if w not in ok and len(w) > 1 and not any(c.isdigit() for c in w)}
    )


def chinese_runs(text: str, data: Iterable[str] = ()) -> list[str]:
    """The runs of Chinese in English ``text``, apart from ``data`` (and 中文, the switch's
    name of the other language)."""
    runs = _CHINESE.findall(without(text, data).replace("中文", " "))
    return sorted({run for run in runs if _CHINESE_LETTERS.search(run)})


DATA_COLUMNS = {
    "organization": ("name",),
    "purchaser": ("code", "name"),
    "user": ("login", "name", "email"),
    "project": ("title", "purpose"),
    "calendar_notice": ("title",),
    "transition_log": ("reason",),
    "assessment": ("narrative",),
    "inspection": ("findings",),
    "organizationcomment": ("text", "document_ref"),
    "objection": ("text", "document_ref"),
    "objection_answer": ("reason",),
    "bar": ("reason",),
    "correction": ("reason", "refusal"),
    "contract_amendment": ("scope", "rationale", "refusal"),
    "payment": ("note",),
    "recusal": ("reason",),
    "contract": ("number",),
    "attachment": ("name",),
    "backup_record": ("file_name",),
    "web_session": ("user_agent",),
}
"""The columns that hold what people wrote (names, titles, reasons), in their own language."""


def world_text(connection: object) -> set[str]:
    """Every value people wrote into the database ``connection`` (a SQLAlchemy connection or
    session): what a page shows as it was typed, in whatever language."""
    from sqlalchemy import text

    found: set[str] = set()
    for table, columns in DATA_COLUMNS.items():
        for column in columns:
            rows = connection.execute(  # type: ignore[attr-defined]
                text(f'SELECT DISTINCT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL')
            )
            found.update(str(value) for (value,) in rows if str(value).strip())
    for (narratives,) in connection.execute(  # type: ignore[attr-defined]
        text("SELECT narratives FROM assessment WHERE narratives IS NOT NULL")
    ):
        said = json.loads(narratives) if isinstance(narratives, str) else narratives
        found.update(str(value) for value in (said or {}).values() if str(value).strip())
    return found
