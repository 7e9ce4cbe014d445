"""Validate the facts a trigger needs (``--set KEY=VALUE`` on the CLI, mappings in fixtures)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from procure.domain.dates import parse_date
from procure.domain.errors import InvalidInput
from procure.domain.identity import normalize_login
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
            raise InvalidInput(f"--set {quoted(pair)}: expected KEY=VALUE")
        target = parsed
        for depth, part in enumerate(parts[:-1]):
            target = target.setdefault(part, {})
            if not isinstance(target, dict):
                head = ".".join(parts[: depth + 1])
                raise InvalidInput(f"--set {key}: {head} was already given as a plain value")
        if parts[-1] in target:
            raise InvalidInput(f"--set {key}: given twice")
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
            takes = ", ".join(declared) or "no facts"
            raise InvalidInput(f"{entry.trigger}: unknown fact {quoted(name)} (it takes: {takes})")
    values: dict[str, Any] = {}
    for param in entry.params:
        value = raw.get(param.name)
        blank = isinstance(value, str) and not value.strip()
        if blank and not param.required and param.type not in _MAY_BE_EMPTY:
            raise InvalidInput(
                f"{entry.trigger}: {param.name} ({param.zh}) is given but empty; "
                f"give a value, or leave {param.name} out"
            )
        if value is None or blank:
            if param.required:
                raise InvalidInput(
                    f"{entry.trigger} needs {param.name} ({param.zh}): "
                    f"give it with --set {param.name}=..."
                )
            continue
        values[param.name] = _PARSERS[param.type](value, param)
    return values


def _text(value: object, param: ParamDef) -> str:
    if not isinstance(value, str | int | Decimal) or isinstance(value, bool):
        raise InvalidInput(f"{param.name} ({param.zh}) must be text")
    text = str(value).strip()
    check_typed_text(text, f"{param.name} ({param.zh})")
    if param.max_length is not None and len(text) > param.max_length:
        raise InvalidInput(
            f"{param.name} ({param.zh}) is {len(text)} characters long, "
            f"at most {param.max_length} allowed"
        )
    return text


def _uscc(value: object, param: ParamDef) -> str:
    try:
        return validate_uscc(_text(value, param))
    except InvalidInput as exc:
        raise InvalidInput(f"{param.name} ({param.zh}): {exc}") from exc


def _bool(value: object, param: ParamDef) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InvalidInput(f"{param.name} ({param.zh}) must be true or false, got {quoted(value)}")


def _list(value: object, param: ParamDef) -> list[str]:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise InvalidInput(f"{param.name} ({param.zh}) must be a list of codes")
    return [item.strip() for item in items if item.strip()]


def _sheet(value: object, param: ParamDef) -> dict[str, Any]:
    if not isinstance(value, Mapping) or not value:
        raise InvalidInput(
            f"{param.name} ({param.zh}) must give each criterion, e.g. --set scores.team=8"
        )
    return {str(code): _sheet_value(raw, f"{param.name}.{code}") for code, raw in value.items()}


def _sheet_value(raw: object, where: str) -> Any:
    if isinstance(raw, Mapping):
        return {str(key): _sheet_value(item, f"{where}.{key}") for key, item in raw.items()}
    if isinstance(raw, float | bool) or not isinstance(raw, str | int | Decimal):
        raise InvalidInput(f"{where} must be a decimal number written as text, got {quoted(raw)}")
    return raw


def _texts(value: object, param: ParamDef) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise InvalidInput(f"{param.name} ({param.zh}) must map each code to its text")
    texts: dict[str, str] = {}
    for code, text in value.items():
        if not isinstance(text, str):
            raise InvalidInput(f"{param.name}.{code} ({param.zh}) must be text")
        check_typed_text(text, f"{param.name}.{code} ({param.zh})")
        texts[str(code)] = text.strip()
    return texts


_PARSERS: dict[str, Callable[[Any, ParamDef], Any]] = {
    "text": _text,
    "money": lambda value, param: parse_money(value, field=f"{param.name} ({param.zh})"),
    "date": lambda value, param: parse_date(value, field=f"{param.name} ({param.zh})"),
    "uscc": lambda value, param: _uscc(value, param),
    "bool": _bool,
    "list": _list,
    "sheet": _sheet,
    "texts": _texts,
    "account": lambda value, param: normalize_login(_text(value, param)),
}
