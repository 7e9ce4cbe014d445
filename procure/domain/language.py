"""One language at a time: Chinese (zh_CN) by default, English as a complete second language.

Every sentence a person reads is written in English in the code, marked for translation, and
looked up in the message catalog of the language in use (``locale/<lang>/LC_MESSAGES/*.po``,
gettext's format, kept with Babel). Placeholders are named, ``%(name)s``, as Jinja2's i18n
extension writes them, so a sentence reads the same in a template and in Python::

    _("%(code)s has no proposal to review", code=project.code)

The language in use is a context variable: the web sets it per request (the account's choice,
else the browser's ``Accept-Language``), the CLI from ``LANG``, a job and an e-mail from the
account they are for. A module-level table marks its sentences with :func:`N_` and translates
them where they are shown. Data from the lifecycle files that carries both languages
(``{zh: ..., en: ...}``) is read with :func:`pick`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any, Literal

Language = Literal["zh_CN", "en"]
LANGUAGES: tuple[Language, ...] = ("zh_CN", "en")
DEFAULT: Language = "zh_CN"
NAMES: dict[Language, str] = {"zh_CN": "中文", "en": "English"}
"""Each language by its own name, as the switch between them shows it."""

_CURRENT: ContextVar[Language] = ContextVar("procure_language", default=DEFAULT)


def current() -> Language:
    """The language in use here (the request's, the command's, the job's)."""
    return _CURRENT.get()


@contextmanager
def use_language(language: Language) -> Iterator[None]:
    """Speak ``language`` inside the block (and in what it calls)."""
    token = _CURRENT.set(language)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def set_language(language: Language) -> None:
    """Speak ``language`` from here on in this context (a command's whole run)."""
    _CURRENT.set(language)


def parse_language(value: str | None) -> Language | None:
    """The language a tag or locale names (``zh-CN``, ``zh_CN.UTF-8``, ``en-US``, ``en``),
    or ``None`` when it names neither of ours (``C``, ``POSIX``, ``fr``)."""
    if not value:
        return None
    tag = value.strip().split(".")[0].split("@")[0].replace("-", "_").lower()
    if tag == "zh" or tag.startswith("zh_"):
        return "zh_CN"
    if tag == "en" or tag.startswith("en_"):
        return "en"
    return None


def language_from_header(header: str | None) -> Language:
    """The language a browser asks for first in ``Accept-Language`` (by weight), of ours;
    Chinese when it asks for neither."""
    choices: list[tuple[float, int, Language]] = []
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _, number = param.strip().partition("=")
            if name == "q":
                try:
                    weight = float(number)
                except ValueError:
                    weight = 0.0
        language = parse_language(tag)
        if language is not None and weight > 0:
            choices.append((-weight, position, language))
    return min(choices)[2] if choices else DEFAULT


def language_from_environment(environ: Mapping[str, str]) -> Language:
    """The language of a command line: ``LC_ALL``, then ``LC_MESSAGES``, then ``LANG``, as
    gettext reads them; Chinese when they name neither of ours (``C.UTF-8``, unset)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            return parse_language(value) or DEFAULT
    return DEFAULT


def N_(message: str) -> str:  # noqa: N802 (gettext's own name for the marker)
    """Mark ``message`` for the catalog without translating it here (a table's entry,
    translated where it is shown)."""
    return message


def gettext(message: str, /, **variables: Any) -> str:
    """``message`` in the language in use, its ``%(name)s`` placeholders filled."""
    translated = str(_catalog(current()).get(message) or message)
    return translated % variables if variables else translated


_ = gettext


def ngettext(singular: str, plural: str, number: int, /, **variables: Any) -> str:
    """The form of a sentence for ``number`` (``%(num)d`` is filled with it)."""
    variables.setdefault("num", number)
    return template_ngettext(singular, plural, number) % variables


def template_ngettext(singular: str, plural: str, number: int, /) -> str:
    """:func:`ngettext` unfilled, for Jinja2's i18n extension, which fills the placeholders
    itself (with every value the template names, not only ``num``)."""
    forms = _catalog(current()).get((singular, plural))
    if isinstance(forms, tuple) and forms and all(forms):
        return str(forms[0] if len(forms) == 1 or number == 1 else forms[1])
    return singular if number == 1 else plural


def pgettext(context: str, message: str, /, **variables: Any) -> str:
    """``message`` as meant in ``context`` (a short word that reads two ways)."""
    translated = str(_catalog(current()).get(f"{context}\x04{message}") or message)
    return translated % variables if variables else translated


def pick(entry: Mapping[str, Any], fallback: str = "") -> str:
    """The current language's text of a ``{zh: ..., en: ...}`` entry of a lifecycle file."""
    key = "zh" if current() == "zh_CN" else "en"
    value = entry.get(key) or entry.get("zh" if key == "en" else "en") or fallback
    return str(value)


def both(zh: str, en: str) -> str:
    """The one of ``zh`` and ``en`` in the language in use."""
    return zh if current() == "zh_CN" else en


def catalog_folder() -> Path:
    """Where the message catalogs live (``locale/`` beside the package, or inside a wheel)."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "_resources" / "locale", package.parent / "locale"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("procure's message catalogs (locale/) are missing from this install")


@cache
def _catalog(language: Language) -> dict[Any, Any]:
    """The translations of ``language``: every ``.po`` file of its folder, read once."""
    from procure.domain.catalogs import read_catalogs

    return read_catalogs(catalog_folder() / language / "LC_MESSAGES")


def reload_catalogs() -> None:
    """Forget the catalogs read so far (a test that edits one)."""
    _catalog.cache_clear()
