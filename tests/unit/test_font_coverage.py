"""Characters no installed font can draw are named in a warning, not silently boxed."""

from __future__ import annotations

import pytest

from procure.reports import coverage

CJK_AND_LATIN = ((0x20, 0x3000), (0x7E, 0x9FFF))  # (starts), (ends): 0x20-0x7E, 0x3000-0x9FFF


@pytest.fixture
def fonts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(coverage, "_drawable_ranges", lambda: CJK_AND_LATIN)


@pytest.mark.usefixtures("fonts")
@pytest.mark.parametrize(
    ("text", "missing"),
    [
        ("职工成长方程式 2019", []),
        ("职工😀成长", ["😀"]),
        ("𠀀𠀁 and 𰀀", ["𠀀", "𠀁", "𰀀"]),
        ("é ü", ["é", "ü"]),
    ],
)
def test_the_characters_no_font_has_are_found_once_each_in_order(
    text: str, missing: list[str]
) -> None:
    record = {"project": {"title": text, "notes": [text, {"again": text}]}}

    assert coverage.undrawable(record) == missing


@pytest.mark.usefixtures("fonts")
def test_spaces_and_controls_are_not_reported() -> None:
    assert coverage.undrawable({"a": "\u3000\u00a0\t\n\u200b"}) == []


def test_the_warning_names_the_characters_their_code_points_and_the_packages() -> None:
    warning = coverage.coverage_warning("SM-2019-001", ["😀", "𠀀"])

    assert warning == (
        "warning: SM-2019-001: no installed font can draw 😀 (U+1F600), 𠀀 (U+20000); they print "
        "as empty boxes: install fonts-noto-color-emoji fonts-hanazono, or change the text"
    )


def test_a_long_list_is_cut_short_saying_how_many_more() -> None:
    chars = [chr(0x20000 + n) for n in range(12)]

    warning = coverage.coverage_warning("X", chars)

    assert warning is not None and warning.count("U+2") == 8 and "and 4 more" in warning


def test_no_undrawable_characters_no_warning() -> None:
    assert coverage.coverage_warning("X", []) is None
