"""The OCDS export's JSON writer gives the standard library's indented text, byte for byte."""

from __future__ import annotations

import json
from typing import Any

import pytest

from procure.services.opendata.json_text import indented_json

VALUES: list[Any] = [
    {},
    [],
    "",
    None,
    True,
    False,
    0,
    -17,
    10**20,
    0.1,
    868000.0,
    1e16,
    -2.5e-7,
    {"b": 1, "a": [1, "二", {"c": None, "d": []}], "e": {}},
    ['引号"与\\反斜杠', "换行\n制表\t", "\u2028\x00\x1f", "emoji 🙂"],
    {"tag": ["planning", "tender"], "nested": [[[]], [{}], [[1, 2], [3]]]},
    (1, ("a", "b")),
    {1: "一", 2: "b"},
    {2.5: "b"},
    {False: "f"},
    {None: "n"},
]


@pytest.mark.parametrize("sort_keys", [False, True])
@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_the_writer_gives_the_standard_librarys_indented_text(value: Any, sort_keys: bool) -> None:
    expected = json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False, sort_keys=sort_keys)

    assert indented_json(value, sort_keys=sort_keys) == expected


def test_an_inner_level_indents_every_line_after_the_first() -> None:
    value = {"a": [1, {"b": 2}]}

    shown = indented_json(value, level=2)

    assert shown == "\n".join(
        line if number == 0 else f"    {line}"
        for number, line in enumerate(json.dumps(value, indent=2).split("\n"))
    )


@pytest.mark.parametrize(
    "value", [float("nan"), float("inf"), {(1, 2): "a"}, {"a": {1, 2}}, {"a": float("-inf")}]
)
def test_what_json_cannot_hold_is_refused_as_the_standard_library_refuses_it(value: Any) -> None:
    with pytest.raises((ValueError, TypeError)):
        json.dumps(value, allow_nan=False)
    with pytest.raises((ValueError, TypeError)):
        indented_json(value)
