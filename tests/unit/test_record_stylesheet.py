"""The evaluation record's stylesheet keeps to what WeasyPrint lays out cheaply."""

from __future__ import annotations

import re

from procure.resources import resource_dir


def test_the_record_stylesheet_lays_out_no_flex_box() -> None:
    # WeasyPrint lays a flex box's items out several times: the seal boxes and the dimension
    # headings print as table cells, the same pixels for less time (issue 25).
    css = (resource_dir("templates") / "reports" / "record.css").read_text("utf-8")
    without_comments = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)

    assert re.findall(r"display\s*:\s*(?:inline-)?flex", without_comments) == []
