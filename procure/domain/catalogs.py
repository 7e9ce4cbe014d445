"""Read a language's message catalogs: gettext ``.po`` files, through Babel's reader."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from procure.domain.errors import ConfigError


def read_catalogs(folder: Path) -> dict[Any, Any]:
    """Every translated message of the ``.po`` files in ``folder``, by id.

    A plain message is keyed by its id, a plural one by ``(singular, plural)`` with a tuple of
    forms, one with a context by ``context + "\\x04" + id`` (gettext's own key). Untranslated
    and fuzzy entries are left out, so the English id shows instead.

    Raises:
        ConfigError: if two files translate one message differently.
    """
    found: dict[Any, Any] = {}
    where: dict[Any, str] = {}
    for file in sorted(folder.glob("*.po")):
        with file.open("rb") as stream:
            catalog = read_po(stream, charset="utf-8")
        for message in catalog:
            if not message.id or message.fuzzy:
                continue
            key: Any
            if isinstance(message.id, tuple | list):
                key = tuple(message.id[:2])
                value: Any = tuple(message.string) if message.string else ()
                if not value or not all(value):
                    continue
            else:
                key = f"{message.context}\x04{message.id}" if message.context else message.id
                value = message.string
                if not value:
                    continue
            if key in found and found[key] != value:
                raise ConfigError(
                    f"{file.name}: {key!r} is translated as {value!r}, "
                    f"but {where[key]} says {found[key]!r}"
                )
            found[key] = value
            where[key] = file.name
    return found


KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "N_": None}
"""The marker functions of :mod:`procure.domain.language`, as Babel's extractor reads them."""


def click_folder() -> Path:
    """The installed Click package, whose own messages the command line shows."""
    import click

    return Path(click.__file__).resolve().parent


def extract(root: Path) -> Catalog:
    """Every message the code and the page templates of the checkout at ``root`` mark, and
    Click's own (its ``_()`` and ``ngettext()``, which the command line routes to ours)."""
    from babel.messages.extract import extract_from_dir

    catalog = Catalog(
        project="procure",
        charset="utf-8",
        header_comment="# procure's messages, as the code says them.",
    )
    sources: tuple[tuple[Path, list[tuple[str, str]], dict[str, dict[str, str]]], ...] = (
        (root / "procure", [("**.py", "python")], {}),
        # Click's own words (usage errors, "Usage:", its help headings): the command line
        # says them through our catalog (procure.cli.speech.route_click_words), so they are
        # translated here too; not those it says once and keeps (decorators.py)
        (
            click_folder(),
            [("_winconsole.py", "ignore"), ("decorators.py", "ignore"), ("*.py", "python")],
            {},
        ),
        (
            root / "templates",
            [("web/**.html", "jinja2"), ("reports/**.html", "jinja2")],
            {"web/**.html": {"extensions": "jinja2.ext.i18n"}},
        ),
    )
    for folder, method_map, options_map in sources:
        for file, line, message, comments, context in extract_from_dir(
            str(folder), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True
        ):
            where = f"{folder.name}/{file}"
            catalog.add(message, locations=[(where, line)], auto_comments=comments, context=context)
    return catalog


def update(root: Path) -> None:
    """Write ``locale/procure.pot`` from the code, and each language's ``procure.po`` from it
    and the translations found in that language's folder (which it then holds alone)."""
    from babel.messages.pofile import write_po

    template = extract(root)
    locale = root / "locale"
    with (locale / "procure.pot").open("wb") as stream:
        write_po(stream, template, width=100, sort_output=True, omit_header=True)
    for language in ("zh_CN", "en"):
        folder = locale / language / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        known = read_catalogs(folder)
        catalog = Catalog(
            locale=language,
            project="procure",
            charset="utf-8",
            header_comment=f"# procure's messages in {language}. Kept with `make catalogs`.",
            fuzzy=False,
        )
        for message in template:
            if not message.id:
                continue
            key = message.id if not isinstance(message.id, tuple | list) else tuple(message.id)
            if message.context and not isinstance(key, tuple):
                key = f"{message.context}\x04{key}"
            catalog.add(
                message.id,
                known.get(key, "" if not isinstance(message.id, tuple | list) else ("", "")),
                locations=message.locations,
                context=message.context,
            )
        for old in folder.glob("*.po"):
            old.unlink()
        with (folder / "procure.po").open("wb") as stream:
            write_po(stream, catalog, width=100, sort_output=True, include_previous=False)


if __name__ == "__main__":  # make catalogs
    update(Path(__file__).resolve().parents[2])
