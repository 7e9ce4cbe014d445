"""The data files' refusals and the unknown project's answer, in each language."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from procure.domain.config import config_number
from procure.domain.datafile import parse_json, parse_yaml, read_text
from procure.domain.errors import ConfigError, InvalidInput
from procure.domain.language import Language, use_language
from procure.domain.scorecard_sections import load_panel_rules
from procure.domain.visibility import unknown_project

TWICE = "name: a\nname: b\n"

SAID: dict[Language, tuple[str, str, str, str]] = {
    "zh_CN": (
        "f.yaml 第 2 行第 1 列：键 'name' 在同一映射中出现两次（第 1 行和第 2 行），请只保留一个",
        "f.yaml：第 2 行第 1 列不是有效的 YAML（解析器提示：“",
        "nowhere.yaml：文件不存在",
        "未知项目 'SM-2019-999'",
    ),
    "en": (
        "f.yaml at line 2, column 1: the key 'name' is given twice in one mapping "
        "(lines 1 and 2); keep one",
        "f.yaml: not valid YAML at line 2, column 1: ",
        "nowhere.yaml: no such file",
        "unknown project 'SM-2019-999'",
    ),
}


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_a_data_files_refusals_are_said_in_the_language_in_use(
    language: Language, tmp_path: Path
) -> None:
    twice, broken, missing, unknown = SAID[language]
    with use_language(language):
        with pytest.raises(InvalidInput) as refused:
            parse_yaml(TWICE, "f.yaml")
        assert str(refused.value) == twice
        with pytest.raises(InvalidInput) as refused:
            parse_yaml("a: [1\n", "f.yaml")
        assert str(refused.value).startswith(broken)
        with pytest.raises(InvalidInput) as refused:
            read_text(tmp_path / "nowhere.yaml")
        assert str(refused.value).endswith(missing)
        assert str(unknown_project("SM-2019-999")) == unknown


@pytest.mark.parametrize(
    ("refuse", "chinese", "english"),
    [
        (
            lambda: parse_json('{"a": 1, "a": 2}', "f.json"),
            "f.json：键 'a' 在同一对象中出现两次，请只保留一个",
            "f.json: the key 'a' is given twice in one object; keep one",
        ),
        (
            lambda: parse_json("{", "f.json"),
            "f.json：第 1 行第 2 列不是有效的 JSON（解析器提示：“Expecting property name",
            "f.json: not valid JSON at line 1, column 2: Expecting property name",
        ),
        (
            lambda: config_number("lots", "card.yaml: criteria[2].weight"),
            "card.yaml: criteria[2].weight：必须是数字，实际为 'lots'",
            "card.yaml: criteria[2].weight: must be a number, got 'lots'",
        ),
        (
            lambda: load_panel_rules({"panel": {"quorum": 0}}, "card.yaml"),
            "card.yaml: panel.quorum：至少为 1，实际为 0",
            "card.yaml: panel.quorum: must be at least 1, got 0",
        ),
    ],
    ids=["json-key-twice", "json-broken", "config-number", "scorecard-panel"],
)
def test_json_and_configuration_refusals_are_said_in_the_language_in_use(
    refuse: Callable[[], object], chinese: str, english: str
) -> None:
    for language, said in (("zh_CN", chinese), ("en", english)):
        with use_language(language), pytest.raises((InvalidInput, ConfigError)) as refused:
            refuse()
        assert str(refused.value).startswith(said), str(refused.value)
