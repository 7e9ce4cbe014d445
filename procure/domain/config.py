"""Reading configuration files: YAML mappings, required text, numbers, exact fractions, codes.

The sections of a scorecard file are read with these by :mod:`procure.domain.scorecard_sections`.

Every refusal is a :class:`ConfigError` whose message starts with the file and the key, e.g.
``workflows/scorecards/review.yaml: criteria[2].weight: must be a number, got 'lots'``.
Callers pass ``where`` as that prefix (``"file: criteria[2]."``).
"""

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path

from procure.domain.datafile import read_yaml
from procure.domain.errors import ConfigError, InvalidInput
from procure.domain.language import _
from procure.domain.text import quoted

_CODE = re.compile(r"[a-z][a-z0-9_]*")
_FRACTION = re.compile(r"\s*[0-9]+(\.[0-9]+)?\s*(/\s*[0-9]+\s*)?")


def load_yaml_mapping(path: Path) -> dict[str, object]:
    """Read a YAML configuration file whose top level must be a mapping.

    Raises:
        ConfigError: naming the file if it cannot be read, is not YAML, or is not a mapping.
    """
    try:
        data = read_yaml(path, exact=False)
    except InvalidInput as exc:
        raise ConfigError(str(exc)) from exc
    if not isinstance(data, dict):
        raise ConfigError(
            _("%(path)s: the top level must be a mapping of keys to values", path=path)
        )
    return data


def config_text(data: Mapping[str, object], key: str, where: str) -> str:
    """Return a required non-empty text value; ``where`` is "file: path." for messages."""
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(
            _(
                "%(where)s%(key)s: required text is missing or empty, got %(value)s",
                where=where,
                key=key,
                value=quoted(value),
            )
        )
    return value.strip()


def config_number(value: object, where: str) -> Decimal:
    """Convert a YAML number (int, float or numeric text) to Decimal, via str() for floats."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ConfigError(
            _("%(where)s: must be a number, got %(value)s", where=where, value=quoted(value))
        )
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ConfigError(
            _("%(where)s: must be a number, got %(value)s", where=where, value=quoted(value))
        ) from exc
    if not number.is_finite():
        raise ConfigError(
            _("%(where)s: must be a finite number, got %(value)s", where=where, value=quoted(value))
        )
    return number


def config_fraction(value: object, where: str) -> Fraction:
    """Convert ``"2/3"``, ``"1"``, ``1`` or ``0.5`` to an exact, non-negative Fraction."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _not_a_fraction(where, value)
    text = str(value)
    if not _FRACTION.fullmatch(text):
        raise _not_a_fraction(where, value)
    try:
        return Fraction(text.replace(" ", ""))
    except ZeroDivisionError as exc:
        raise ConfigError(
            _("%(where)s: %(value)s divides by zero", where=where, value=quoted(value))
        ) from exc


def _not_a_fraction(where: str, value: object) -> ConfigError:
    return ConfigError(
        _(
            '%(where)s: must be a fraction such as "2/3", got %(value)s',
            where=where,
            value=quoted(value),
        )
    )


def config_whole(data: Mapping[str, object], key: str, where: str, *, default: int) -> int:
    """Return an optional whole number (``default`` when absent); bools and text refused."""
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(
            _(
                "%(where)s%(key)s: must be a whole number, got %(value)s",
                where=where,
                key=key,
                value=quoted(value),
            )
        )
    return value


def config_flag(data: Mapping[str, object], key: str, where: str) -> bool:
    """Return an optional true/false value (false when absent)."""
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise ConfigError(
            _(
                "%(where)s%(key)s: must be true or false, got %(value)s",
                where=where,
                key=key,
                value=quoted(value),
            )
        )
    return value


def check_keys(item: Mapping[str, object], allowed: tuple[str, ...], where: str) -> None:
    """Refuse keys outside ``allowed`` so a misspelt key is not silently ignored."""
    extra = [str(key) for key in item if key not in allowed]
    if extra:
        raise ConfigError(
            _(
                "%(where)s: unknown key %(keys)s; expected %(allowed)s",
                where=where,
                keys=", ".join(extra),
                allowed=", ".join(allowed),
            )
        )


def config_entries(data: Mapping[str, object], key: str, where: str) -> list[Mapping[str, object]]:
    """Return a list of mappings under ``key`` (an absent key gives an empty list)."""
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ConfigError(_("%(where)s%(key)s: must be a list of mappings", where=where, key=key))
    return value


def config_code(item: Mapping[str, object], where: str, seen: set[str], key: str = "code") -> str:
    """Return a lower-case code, unique among ``seen`` (which it joins)."""
    code = config_text(item, key, where)
    if not _CODE.fullmatch(code):
        raise ConfigError(
            _(
                "%(where)s%(key)s: %(code)s must be lower-case letters, digits and _",
                where=where,
                key=key,
                code=quoted(code),
            )
        )
    if code in seen:
        raise ConfigError(
            _(
                "%(where)s%(key)s: %(code)s is used twice; codes must be unique",
                where=where,
                key=key,
                code=code,
            )
        )
    seen.add(code)
    return code


def config_labels(item: Mapping[str, object], where: str) -> tuple[str, str]:
    """Return the required Chinese and English labels."""
    return config_text(item, "label_zh", where), config_text(item, "label_en", where)
