"""The keys of a lifecycle file: read one as a mapping, a text or a list of names, or refuse
naming the file, the key and the problem (in the language in use)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from procure.domain.errors import ConfigError
from procure.domain.language import _, pgettext


def mapping(raw: object, source: str, key: str) -> Mapping[str, Any]:
    """``raw`` when it is a mapping; else refuse naming ``key``."""
    if not isinstance(raw, Mapping):
        raise refused(source, key, pgettext("lifecycle file", "must be a mapping"))
    return raw


def text(entry: Mapping[str, Any], name: str, source: str, key: str) -> str:
    """The text ``entry`` gives for ``name``, stripped; refuse it missing, blank or not text."""
    value = entry.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise refused(source, key, pgettext("lifecycle file", "missing"))
    if not isinstance(value, str):
        raise refused(source, key, pgettext("lifecycle file", "must be text"))
    return value.strip()


def names(raw: object, source: str, key: str, *, allow_empty: bool = False) -> tuple[str, ...]:
    """``raw`` as a list of names; refuse it missing (unless ``allow_empty``) or not names."""
    if raw is None or raw == []:
        if allow_empty:
            return ()
        raise refused(source, key, pgettext("lifecycle file", "missing"))
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise refused(source, key, pgettext("lifecycle file", "must be a list of names"))
    return tuple(raw)


def refused(source: str, key: str, problem: str) -> ConfigError:
    """The refusal of a lifecycle file: the file, the key, and what is wrong there."""
    return ConfigError(_("%(file)s: %(key)s: %(problem)s", file=source, key=key, problem=problem))
