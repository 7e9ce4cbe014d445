"""Charts are well-formed SVG whatever the labels hold, with no script and no outside reference."""

from __future__ import annotations

from decimal import Decimal
from xml.etree import ElementTree

import pytest

from procure.domain.charts import SVG_NAMESPACE, drawable, horizontal_bar_chart
from procure.domain.errors import InvalidInput
from procure.domain.language import use_language
from procure.domain.money import format_yuan

NS = {"svg": SVG_NAMESPACE}
HOSTILE = (
    "<script>alert(1)</script",  # cut at 24: the tag stays literal
    "{{ 7*7 }}",
    "\u202eevil\u202c 组织",
    "RTL \u200f mark",
    "工会 😀 emoji",
    "A & B \"quoted\" 'single'",
    "nul\x00 bell\x07 esc\x1b",
    "non\ufffe character",
    "]]> <![CDATA[ x",
)


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


def texts(svg: str) -> list[str]:
    return [element.text or "" for element in parse(svg).iterfind(".//svg:text", NS)]


def test_hostile_labels_give_well_formed_svg_showing_them_literally() -> None:
    svg = horizontal_bar_chart(HOSTILE, [1] * len(HOSTILE), title="<b>标题</b> & co")

    root = parse(svg)
    shown = texts(svg)[0::2]  # label, value, label, value…

    assert root.tag == f"{{{SVG_NAMESPACE}}}svg"
    assert shown[0] == "<script>alert(1)</script"
    assert shown[1] == "{{ 7*7 }}"
    assert shown[5] == "A & B \"quoted\" 'single'"
    assert shown[8] == "]]> <![CDATA[ x"
    assert root.find("svg:title", NS) is not None
    assert root.find("svg:title", NS).text == "<b>标题</b> & co"  # type: ignore[union-attr]
    assert "<script" not in svg and "&lt;script&gt;" in svg


def test_bidi_controls_and_marks_are_spelled_out_not_applied() -> None:
    shown = texts(horizontal_bar_chart(["\u202eevil", "RTL \u200f mark"], [1, 2], title="t"))

    assert shown[0] == "\\u202eevil"
    assert shown[2] == "RTL \\u200f mark"


def test_control_characters_are_spelled_out_and_non_characters_replaced() -> None:
    assert drawable("nul\x00 esc\x1b") == "nul\\x00 esc\\x1b"
    assert drawable("non\ufffe") == "non\ufffd"
    assert drawable("工会 😀") == "工会 😀"


def test_a_chart_holds_no_script_no_link_and_no_outside_reference() -> None:
    svg = horizontal_bar_chart(HOSTILE, list(range(len(HOSTILE))), title="javascript:alert(1)")

    for element in parse(svg).iter():
        assert element.tag.split("}")[-1] in {"svg", "title", "text", "rect"}
        for name, value in element.attrib.items():
            assert "href" not in name and not name.startswith("on"), name
            assert "url(" not in value and "javascript:" not in value, value


def test_the_largest_value_draws_the_longest_bar_and_others_in_proportion() -> None:
    svg = horizontal_bar_chart(
        ["甲", "乙", "丙"], [Decimal("100.00"), Decimal("50.00"), 0], title="t"
    )

    widths = [Decimal(r.attrib["width"]) for r in parse(svg).iterfind(".//svg:rect", NS)]

    assert widths[0] > 0
    assert widths[1] == pytest.approx(widths[0] / 2, abs=Decimal("0.1"))
    assert widths[2] == 0


def test_value_labels_are_written_with_the_formatter_given() -> None:
    svg = horizontal_bar_chart(
        ["思明区总工会"], [Decimal("3600000.00")], title="t", value_label=format_yuan
    )

    assert texts(svg) == ["思明区总工会", format_yuan(Decimal("3600000.00"))]


def test_without_a_formatter_no_values_are_written() -> None:
    assert texts(horizontal_bar_chart(["甲", "乙"], [3, 4], title="t", value_label=None)) == [
        "甲",
        "乙",
    ]


def test_a_long_label_is_cut_with_an_ellipsis() -> None:
    label = texts(horizontal_bar_chart(["very long " * 4], [1], title="t", value_label=None))[0]

    assert len(label) == 24 and label.endswith("…")


@pytest.mark.parametrize("width", [320, 640])
def test_a_label_is_cut_to_fit_its_column_inside_the_drawing(width: int) -> None:
    svg = parse(horizontal_bar_chart(["很" * 40, "短"], [1, 2], title="t", width=width))
    for element in list(svg.iterfind(".//svg:text", NS))[:2]:
        right = Decimal(element.attrib["x"])
        drawn = element.text or ""
        assert right - 13 * len(drawn) >= 0, (width, drawn)  # a CJK character is 13 px wide
    assert (svg.find(".//svg:text", NS).text or "").endswith("…")  # type: ignore[union-attr]


def test_a_name_too_long_for_a_phones_label_column_is_drawn_whole_above_its_bar() -> None:
    names = ["厦门市思明区总工会", "梧村街道工会"]
    svg = parse(horizontal_bar_chart(names, [5, 3], title="t", width=320))

    drawn = [(e.text, e.attrib["text-anchor"]) for e in svg.iterfind(".//svg:text", NS)]
    assert drawn[0::2] == [(name, "start") for name in names]
    assert texts(horizontal_bar_chart(names, [5, 3], title="t", width=520))[0::2] == names


def test_a_chart_without_bars_says_there_is_no_data() -> None:
    assert texts(horizontal_bar_chart([], [], title="t")) == ["无数据"]
    with use_language("en"):
        assert texts(horizontal_bar_chart([], [], title="t")) == ["No data"]


def test_all_zero_values_draw_empty_bars() -> None:
    svg = horizontal_bar_chart(["甲", "乙"], [0, 0], title="t")

    assert [r.attrib["width"] for r in parse(svg).iterfind(".//svg:rect", NS)] == ["0", "0"]


@pytest.mark.parametrize(
    ("labels", "values", "options", "message"),
    [
        (["甲"], [1, 2], {}, r"one value per label \(1 labels, 2 values\)"),
        (["甲"], [-1], {}, "values of zero or more"),
        (["甲"], [1], {"color": "red;x"}, "must be written #rrggbb"),
        (["甲"], [1], {"width": 100}, "too narrow"),
    ],
)
def test_a_chart_refuses_what_it_cannot_draw(
    labels: list[str], values: list[int], options: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        horizontal_bar_chart(labels, values, title="t", **options)  # type: ignore[arg-type]
