"""One language at a time: which one is in use, and that the catalogs translate every sentence."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from procure.domain import language
from procure.domain.catalogs import extract, read_catalogs
from procure.domain.language import _, ngettext, use_language

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdf]")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "zh_CN"),
        ("", "zh_CN"),
        ("en-US,en;q=0.9", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh_CN"),
        ("fr-FR,en;q=0.5", "en"),
        ("fr-FR,de;q=0.5", "zh_CN"),
        ("en;q=0.4,zh-TW;q=0.8", "zh_CN"),
        ("en;q=0, zh;q=bad", "zh_CN"),
    ],
)
def test_a_browser_is_answered_in_the_first_of_our_languages_it_asks_for(
    header: str | None, expected: str
) -> None:
    assert language.language_from_header(header) == expected


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "zh_CN"),
        ({"LANG": "C.UTF-8"}, "zh_CN"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh_CN"),
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": "en_GB.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.GB18030"}, "zh_CN"),
    ],
)
def test_the_command_line_speaks_the_language_lang_names_else_chinese(
    environ: dict[str, str], expected: str
) -> None:
    assert language.language_from_environment(environ) == expected


def test_a_sentence_is_chinese_by_default_and_english_when_asked() -> None:
    assert _("Dashboard") == "工作台"
    with use_language("en"):
        assert _("Dashboard") == "Dashboard"
    assert language.current() == "zh_CN"


def test_an_untranslated_sentence_shows_its_english_with_its_values_filled() -> None:
    assert _("no such sentence %(n)s", n=3) == "no such sentence 3"
    with use_language("en"):
        assert ngettext("%(num)d project", "%(num)d projects", 2) == "2 projects"


def test_every_marked_sentence_has_a_chinese_translation_with_the_same_placeholders() -> None:
    chinese = read_catalogs(ROOT / "locale" / "zh_CN" / "LC_MESSAGES")
    missing, broken = [], []
    for message in extract(ROOT):
        if not message.id:
            continue
        where = ", ".join(f"{file}:{line}" for file, line in message.locations[:2])
        if isinstance(message.id, tuple | list):
            key, source = tuple(message.id), " ".join(message.id)
        else:
            key = f"{message.context}\x04{message.id}" if message.context else message.id
            source = message.id
        found = chinese.get(key)
        if not found:
            missing.append(f"{where}: {message.id!r}")
            continue
        for text in found if isinstance(found, tuple) else (found,):
            if set(PLACEHOLDER.findall(text)) - set(PLACEHOLDER.findall(source)):
                broken.append(f"{where}: {text!r} names a value {message.id!r} does not give")
    assert not missing, f"{len(missing)} sentences have no Chinese:\n" + "\n".join(missing)
    assert not broken, "\n".join(broken)


def test_the_chinese_catalog_holds_no_sentence_the_code_no_longer_says() -> None:
    said = set()
    for message in extract(ROOT):
        if isinstance(message.id, tuple | list):
            said.add(tuple(message.id))
        elif message.id:
            said.add(f"{message.context}\x04{message.id}" if message.context else message.id)
    chinese = read_catalogs(ROOT / "locale" / "zh_CN" / "LC_MESSAGES")
    stale = sorted(str(key) for key in chinese if key not in said)
    assert not stale, "translations of sentences no longer in the code:\n" + "\n".join(stale)


def test_click_s_own_sentences_keep_their_placeholders_in_chinese() -> None:
    """Click fills ``{name}`` itself (str.format): a translation naming a value Click does not
    give would raise in the middle of an error message."""
    chinese = read_catalogs(ROOT / "locale" / "zh_CN" / "LC_MESSAGES")
    field = re.compile(r"\{(\w*)[^}]*\}")
    broken = []
    for message in extract(ROOT):
        if not any(file.startswith("click/") for file, _line in message.locations):
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        key = tuple(ids) if len(ids) > 1 else ids[0]
        found = chinese.get(key)
        given = {name for source in ids for name in field.findall(source)}
        for text in found if isinstance(found, tuple) else (found or "",):
            if set(field.findall(text)) - given:
                broken.append(f"{ids[0]!r}: {text!r}")
    assert not broken, "\n".join(broken)
