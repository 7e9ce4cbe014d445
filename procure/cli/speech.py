"""The command line's help in the language in use.

Click reads a command's help and its options' ``help=`` once, at import, when no language is
chosen yet; so they are written in English, marked with ``N_``, and translated when shown.
:class:`ProcureGroup` (the root group, ``procure``) does it for the whole tree at the start of
every run, in :meth:`ProcureGroup.main`: :func:`speak` gives each command, group and option
its help in the language in use, from the English it kept aside the first time, and gives
each command :class:`HelpContext`, whose formatter says Click's own words (usage, the
headings, the help option, a default, required) in that language too. A command module marks
its sentences and does nothing else.

Click says its own sentences (a usage error: "No such option", "Missing argument", "Invalid
value for ...") through the standard library's ``gettext``, which knows no catalog of ours:
:func:`route_click_words` points each Click module's ``_`` and ``ngettext`` at ours, and
``make catalogs`` extracts Click's sentences with our own (procure.domain.catalogs).
"""

from __future__ import annotations

import gettext as stdlib_gettext
import os
import sys
from typing import Any

import click

from procure.domain.language import (
    N_,
    _,
    gettext,
    language_from_environment,
    template_ngettext,
    use_language,
)

_ENGLISH = "_procure_english"
"""The attribute a command or option keeps its English help in."""

HEADINGS: dict[str, str] = {
    "Options": N_("Options"),
    "Commands": N_("Commands"),
    "Arguments": N_("Arguments"),
}
"""Click's headings of a help page, marked for the catalog."""


ONCE_ONLY = frozenset({"click.decorators"})
"""Click modules whose sentences are said once, when a command is built, and kept (the help
option's "Show this message and exit."): left in English, and translated when shown."""


def route_click_words() -> None:
    """Have every loaded Click module say its own sentences through our catalog, in the
    language in use (it imported the standard library's ``gettext`` and ``ngettext`` under
    these names, and fills the ``{placeholders}`` itself)."""
    for name, module in tuple(sys.modules.items()):
        if name != "click" and not name.startswith("click.") or name in ONCE_ONLY:
            continue
        if getattr(module, "_", None) is stdlib_gettext.gettext:
            module._ = gettext  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is stdlib_gettext.ngettext:
            module.ngettext = template_ngettext  # type: ignore[attr-defined]


def speak(command: click.Command) -> None:
    """Give ``command`` and everything under it its help in the language in use."""
    kept: tuple[str | None, ...] = command.__dict__.setdefault(
        _ENGLISH, (command.help, command.short_help, command.epilog)
    )
    command.help, command.short_help, command.epilog = (_(t) if t else t for t in kept)
    command.context_class = HelpContext
    for param in command.params:
        if isinstance(param, click.Option):
            english: str | None = param.__dict__.setdefault(_ENGLISH, param.help)
            param.help = _(english) if english else english
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            speak(sub)


class HelpFormatter(click.HelpFormatter):
    """Click's formatter, saying Click's own words in the language in use."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix=_("Usage:") + " " if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(_(HEADINGS.get(heading, heading)))

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, _click_words(text)) for term, text in rows], col_max, col_spacing)


def _click_words(text: str) -> str:
    """An option's help with Click's own words in the language in use."""
    text = text.replace("Show this message and exit.", _("Show this message and exit."))
    default, required = _("default:"), _("required")
    for start in ("[", "; "):
        text = text.replace(f"{start}default: ", f"{start}{default} ")
        text = text.replace(f"{start}required]", f"{start}{required}]")
    return text


class HelpContext(click.Context):
    """A command's context, formatting help with :class:`HelpFormatter`."""

    formatter_class = HelpFormatter


class ProcureGroup(click.Group):
    """The root group: each run speaks the language ``LC_ALL``, ``LC_MESSAGES`` or ``LANG``
    names (Chinese unless English), help included."""

    context_class = HelpContext

    def main(self, *args: Any, **kwargs: Any) -> Any:
        with use_language(language_from_environment(os.environ)):
            route_click_words()
            speak(self)
            return super().main(*args, **kwargs)
