"""Validate the facts a trigger needs (``--set KEY=VALUE`` on the CLI, mappings in fixtures).

A refusal names the fact by its label in the language in use (``param.label``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from procure.domain.dates import parse_date
from procure.domain.errors import InvalidInput
from procure.domain.identity import normalize_login
from procure.domain.language import _
from procure.domain.money import parse_money
from procure.domain.text import check_typed_text, quoted
from procure.domain.uscc import validate_uscc
from procure.workflow.definition import ParamDef, TransitionDef

_MAY_BE_EMPTY = {"text", "texts"}
"""Types for which empty text is a value (an empty note); for an amount or a date it is not,
so ``--set amount=`` is refused rather than read as "use the carried amount"."""

_TRUE = {"true", "yes", "1", "y", "是"}
_FALSE = {"false", "no", "0", "n", "否"}


def parse_assignments(pairs: list[str]) -> dict[str, Any]:
    """Turn ``["amount=100", "scores.outputs.planned=80"]`` into a nested mapping.

    Dotted keys nest: ``scores.team=8`` gives ``{"scores": {"team": "8"}}``.

    Raises:
        InvalidInput: for a pair without ``=``, a key given twice, or a key that is both a
            plain value and a group.
    """
    parsed: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        parts = key.split(".")
        if not sep or not all(part.strip() for part in parts):
            raise InvalidInput(_("--set %(pair)s: expected KEY=VALUE", pair=quoted(pair)))
        target = parsed
        for depth, part in enumerate(parts[:-1]):
            target = target.setdefault(part, {})
            if not isinstance(target, dict):
                head = ".".join(parts[: depth + 1])
                raise InvalidInput(
                    _(
                        "--set %(key)s: %(head)s was already given as a plain value",
                        key=key,
                        head=head,
                    )
                )
        if parts[-1] in target:
            raise InvalidInput(_("--set %(key)s: given twice", key=key))
        target[parts[-1]] = value
    return parsed


def parse_params(entry: TransitionDef, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Validate ``raw`` against the params the transition declares.

    Returns:
        The typed values (money and scores as ``Decimal``, dates as ``date``).

    Raises:
        InvalidInput: naming the unknown, missing or malformed fact.
    """
    declared = {param.name: param for param in entry.params}
    for name in raw:
        if name not in declared:
            takes = ", ".join(declared) or _("no facts")
            raise InvalidInput(
                _(
                    "%(step)s: unknown fact %(name)s (it takes: %(takes)s)",
                    step=entry.label,
                    name=quoted(name),
                    takes=takes,
                )
            )
    values: dict[str, Any] = {}
    for param in entry.params:
        value = raw.get(param.name)
        blank = isinstance(value, str) and not value.strip()
        if blank and not param.required and param.type not in _MAY_BE_EMPTY:
            raise InvalidInput(
                _(
                    "%(step)s: %(field)s is given but empty; give a value, or leave it out",
                    step=entry.label,
                    field=param.label,
                )
            )
        if value is None or blank:
            if param.required:
                raise InvalidInput(
                    _("%(step)s needs %(field)s", step=entry.label, field=param.label)
                )
            continue
        values[param.name] = _PARSERS[param.type](value, param)
    return values


def _text(value: object, param: ParamDef) -> str:
    if not isinstance(value, str | int | Decimal) or isinstance(value, bool):
        raise InvalidInput(_("%(field)s must be text", field=param.label))
    text = str(value).strip()
    check_typed_text(text, param.label)
    if param.max_length is not None and len(text) > param.max_length:
        raise InvalidInput(
            _(
                "%(field)s is %(length)s characters long, at most %(most)s allowed",
                field=param.label,
                length=len(text),
                most=param.max_length,
            )
        )
    return text


def _uscc(value: object, param: ParamDef) -> str:
    try:
        return validate_uscc(_text(value, param))
    except InvalidInput as exc:
        raise InvalidInput(
            _("%(field)s: %(problem)s", field=param.label, problem=str(exc))
        ) from exc


def _bool(value: object, param: ParamDef) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InvalidInput(
        _("%(field)s must be true or false, got %(value)s", field=param.label, value=quoted(value))
    )


def _list(value: object, param: ParamDef) -> list[str]:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise InvalidInput(_("%(field)s must be a list of codes", field=param.label))
    return [item.strip() for item in items if item.strip()]


def _sheet(value: object, param: ParamDef) -> dict[str, Any]:
    if not isinstance(value, Mapping) or not value:
        raise InvalidInput(
            _("%(field)s must give each criterion, e.g. --set scores.team=8", field=param.label)
        )
    return {str(code): _sheet_value(raw, f"{param.label} {code}") for code, raw in value.items()}


def _sheet_value(raw: object, where: str) -> Any:
    if isinstance(raw, Mapping):
        return {str(key): _sheet_value(item, f"{where}.{key}") for key, item in raw.items()}
    if isinstance(raw, float | bool) or not isinstance(raw, str | int | Decimal):
        raise InvalidInput(
            _(
                "%(field)s must be a decimal number written as text, got %(value)s",
                field=where,
                value=quoted(raw),
            )
        )
    return raw


def _texts(value: object, param: ParamDef) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise InvalidInput(_("%(field)s must map each code to its text", field=param.label))
    texts: dict[str, str] = {}
    for code, text in value.items():
        field = f"{param.label} {code}"
        if not isinstance(text, str):
            raise InvalidInput(_("%(field)s must be text", field=field))
        check_typed_text(text, field)
        texts[str(code)] = text.strip()
    return texts


_PARSERS: dict[str, Callable[[Any, ParamDef], Any]] = {
    "text": _text,
    "money": lambda value, param: parse_money(value, field=param.label),
    "date": lambda value, param: parse_date(value, field=param.label),
    "uscc": lambda value, param: _uscc(value, param),
    "bool": _bool,
    "list": _list,
    "sheet": _sheet,
    "texts": _texts,
    "account": lambda value, param: normalize_login(_text(value, param)),
}
