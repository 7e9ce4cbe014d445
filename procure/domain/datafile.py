"""The one way procure reads YAML and JSON it did not write: exact, bounded and strict.

Every fixture, score sheet, scorecard, policy and workflow file goes through here, so the
same limits hold everywhere:

- a file is read up to :data:`MAX_FILE_BYTES` (``procure load /dev/zero`` stops there);
- nesting deeper than :data:`MAX_DEPTH` is refused (no recursion error);
- a document may stand for at most :data:`MAX_NODES` values with its aliases expanded, so
  an alias bomb (a few hundred bytes that expand to billions of values) is refused;
- a key given twice in one mapping is refused, naming both lines;
- decimals become ``Decimal`` from their source text, never float; ``.nan`` / ``.inf``,
  numbers longer than :data:`MAX_NUMBER_CHARS` and impossible dates are refused with the
  line they are on.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from procure.domain.errors import InvalidInput
from procure.domain.language import _
from procure.domain.text import MAX_NUMBER_CHARS, quoted

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 10_000_000


class _Refusal(yaml.YAMLError):
    """A rule of this module broken at a place in the file."""

    def __init__(self, message: str, node: Node | None = None, mark: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.mark = node.start_mark if node is not None else mark


class _StrictLoader(yaml.SafeLoader):
    """A safe loader with the caps described in the module docstring."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._weights: dict[int, int] = {}  # id(node) -> values it stands for, aliases expanded

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refusal(
                    _("nested more than %(levels)s levels deep", levels=MAX_DEPTH),
                    mark=self.peek_event().start_mark,  # type: ignore[no-untyped-call]
                )
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if node is not None and id(node) not in self._weights:
            self._weights[id(node)] = weight = self._weight(node)
            if weight > MAX_NODES:
                count = format(MAX_NODES, ",")
                raise _Refusal(
                    _(
                        "with its aliases expanded this stands for more than %(count)s values",
                        count=count,
                    ),
                    node,
                )
        return node

    def _weight(self, node: Node) -> int:
        if isinstance(node, ScalarNode):
            return 1
        children: list[Node] = (
            [part for pair in node.value for part in pair]
            if isinstance(node, MappingNode)
            else list(node.value)
        )
        return 1 + sum(self._weights.get(id(child), 1) for child in children)

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)
        seen: dict[Any, int] = {}
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                first = seen.get(key)
            except TypeError:
                raise _Refusal(_("a mapping key must be a plain value"), key_node) from None
            line = key_node.start_mark.line + 1
            if first is not None:
                raise _Refusal(
                    _(
                        "the key %(key)s is given twice in one mapping (lines %(first)s and "
                        "%(line)s); keep one",
                        key=quoted(str(key)),
                        first=first,
                        line=line,
                    ),
                    key_node,
                )
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def _decimal(loader: yaml.SafeLoader, node: Node) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "")  # type: ignore[arg-type]
    if len(text) > MAX_NUMBER_CHARS:
        raise _Refusal(
            _("a number of %(length)s characters is too long to be a value", length=len(text)), node
        )
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise _Refusal(_("%(value)s is not a finite number", value=quoted(text)), node)
    return number


def _int(loader: yaml.SafeLoader, node: ScalarNode) -> int:
    text = str(loader.construct_scalar(node))
    if len(text) > MAX_NUMBER_CHARS:
        raise _Refusal(
            _("a number of %(length)s characters is too long to be a value", length=len(text)), node
        )
    return int(loader.construct_yaml_int(node))


def _timestamp(loader: yaml.SafeLoader, node: ScalarNode) -> Any:
    try:
        return loader.construct_yaml_timestamp(node)
    except (ValueError, OverflowError):
        text = str(loader.construct_scalar(node))
        raise _Refusal(_("%(value)s is not a valid date", value=quoted(text)), node) from None


_StrictLoader.add_constructor("tag:yaml.org,2002:float", _decimal)
_StrictLoader.add_constructor("tag:yaml.org,2002:int", _int)
_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


class _ConfigLoader(_StrictLoader):
    """The strict loader with YAML's own floats, for configuration whose digests were
    computed from floats (scorecards, policies); ``config_number`` reads them via ``str``."""


def _float(loader: yaml.SafeLoader, node: ScalarNode) -> float:
    return loader.construct_yaml_float(node)


_ConfigLoader.add_constructor("tag:yaml.org,2002:float", _float)


def read_text(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """Read ``path`` as UTF-8, refusing a missing file, a non-file and anything over ``limit``.

    Raises:
        InvalidInput: naming the file and the problem.
    """
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError as exc:
        raise InvalidInput(_("%(path)s: no such file", path=path)) from exc
    except IsADirectoryError as exc:
        raise InvalidInput(_("%(path)s: is a folder, not a file", path=path)) from exc
    except OSError as exc:
        raise InvalidInput(
            _("%(path)s: cannot be read (%(reason)s)", path=path, reason=exc.strerror or exc)
        ) from exc
    if len(data) > limit:
        raise InvalidInput(
            _("%(path)s: larger than %(size)s MB; refused", path=path, size=limit // (1024 * 1024))
        )
    encoding = _utf16_or_32(data)
    if encoding is not None:
        raise InvalidInput(
            _("%(path)s: is %(encoding)s text; save it as UTF-8", path=path, encoding=encoding)
        )
    if b"\x00" in data:
        raise InvalidInput(_("%(path)s: holds NUL bytes, so it is not a text file", path=path))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            _("%(path)s: not UTF-8 text (byte %(byte)s)", path=path, byte=exc.start)
        ) from exc


def _utf16_or_32(data: bytes) -> str | None:
    """The name of the UTF-16 or UTF-32 encoding ``data`` is written in, if it is: by its
    byte-order mark, or (without one) by the zero byte beside each ASCII character."""
    for mark, name in (
        (b"\xff\xfe\x00\x00", "UTF-32"),
        (b"\x00\x00\xfe\xff", "UTF-32"),
        (b"\xff\xfe", "UTF-16"),
        (b"\xfe\xff", "UTF-16"),
    ):
        if data.startswith(mark):
            return name
    head = data[:200]
    if len(head) >= 4 and head[1::2].count(0) > len(head) // 4 and head[0::2].count(0) == 0:
        return "UTF-16"  # little-endian, no mark: "f\0o\0r\0"
    if len(head) >= 4 and head[0::2].count(0) > len(head) // 4 and head[1::2].count(0) == 0:
        return "UTF-16"  # big-endian, no mark
    return None


def parse_yaml(text: str, source: str, *, exact: bool = True) -> Any:
    """Parse YAML ``text``; ``source`` names it in messages. With ``exact`` (the default)
    decimals are ``Decimal``; without, they are YAML's floats (configuration files).

    Raises:
        InvalidInput: one line naming ``source``, the line and column, and the problem.
    """
    loader = _StrictLoader(text) if exact else _ConfigLoader(text)
    try:
        return loader.get_single_data()
    except _Refusal as exc:
        raise InvalidInput(_located(source, exc.mark, exc.message)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context, opened = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and opened is not None:
            problem += f" ({context}{_where(opened)})"
        if mark is None:
            raise InvalidInput(
                _("%(source)s: not valid YAML: %(problem)s", source=source, problem=problem)
            ) from None
        raise InvalidInput(
            _(
                "%(source)s: not valid YAML at line %(line)s, column %(column)s: %(problem)s",
                source=source,
                line=mark.line + 1,
                column=mark.column + 1,
                problem=problem,
            )
        ) from None
    except RecursionError:
        raise InvalidInput(_("%(source)s: nested too deeply", source=source)) from None
    finally:
        loader.dispose()


def read_yaml(path: Path, *, exact: bool = True, source: str | None = None) -> Any:
    """Read and parse the YAML file ``path`` (see :func:`read_text`, :func:`parse_yaml`)."""
    return parse_yaml(read_text(path), source or str(path), exact=exact)


def parse_json(text: str, source: str) -> Any:
    """Parse JSON ``text`` with decimals as ``Decimal``, under the same rules as YAML.

    Raises:
        InvalidInput: naming ``source`` and the problem.
    """
    try:
        return json.loads(
            text,
            parse_float=lambda raw: _json_number(raw, Decimal),
            parse_int=lambda raw: _json_number(raw, int),
            parse_constant=_json_constant,
            object_pairs_hook=_json_object,
        )
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            _(
                "%(source)s: not valid JSON at line %(line)s, column %(column)s: %(problem)s",
                source=source,
                line=exc.lineno,
                column=exc.colno,
                problem=exc.msg,
            )
        ) from None
    except RecursionError:
        raise InvalidInput(
            _("%(source)s: not valid JSON: nested too deeply", source=source)
        ) from None
    except InvalidInput as exc:
        raise InvalidInput(_("%(source)s: %(message)s", source=source, message=exc)) from None


def _json_number(raw: str, kind: type[Any]) -> Any:
    if len(raw) > MAX_NUMBER_CHARS:
        raise InvalidInput(
            _("a number of %(length)s characters is too long to be a value", length=len(raw))
        )
    return kind(raw)


def _json_constant(raw: str) -> Any:
    raise InvalidInput(_("%(value)s is not a finite number", value=raw))


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping: dict[str, Any] = {}
    for key, value in pairs:
        if key in mapping:
            raise InvalidInput(
                _("the key %(key)s is given twice in one object; keep one", key=quoted(key))
            )
        mapping[key] = value
    return mapping


def _located(source: str, mark: Any, message: str) -> str:
    """``message`` after the file and, when known, the line and column it is about."""
    if mark is None:
        return _("%(source)s: %(message)s", source=source, message=message)
    return _(
        "%(source)s at line %(line)s, column %(column)s: %(message)s",
        source=source,
        line=mark.line + 1,
        column=mark.column + 1,
        message=message,
    )


def _where(mark: Any) -> str:
    if mark is None:
        return ""
    return _(" at line %(line)s, column %(column)s", line=mark.line + 1, column=mark.column + 1)


def known_keys(entry: object, known: set[str], where: str) -> Mapping[str, Any]:
    """Return ``entry`` if it is a mapping with only ``known`` keys; else name the problem."""
    if not isinstance(entry, Mapping):
        raise InvalidInput(_("%(where)s: must be a mapping", where=where))
    unknown = sorted(set(map(str, entry)) - known)
    if unknown:
        raise InvalidInput(
            _(
                "%(where)s: unknown key %(key)s (known: %(known)s)",
                where=where,
                key=repr(unknown[0]),
                known=", ".join(sorted(known)),
            )
        )
    return entry
