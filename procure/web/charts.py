"""The dashboard's charts: the SVG text of :mod:`procure.domain.charts`, marked safe to embed.

The SVG is built as an element tree that escapes every label, so it is inserted as
markup (``Markup``) rather than escaped a second time. Each chart is drawn twice, for a
card as wide as a laptop's column (:data:`WIDE`) and for a phone's (:data:`NARROW`); the page's
style shows the one that fits without being scaled down, so its text stays 13 px (app.css,
``.chart-wide``, ``.chart-narrow``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from markupsafe import Markup

from procure.domain.charts import Number, horizontal_bar_chart
from procure.domain.language import _
from procure.services.browse.dashboard import Dashboard
from procure.services.browse.labels import grade_label

WIDE, NARROW = 520, 320
"""The charts' widths in pixels: a dashboard card on a laptop, and on a 390 px phone."""


def dashboard_charts(summary: Dashboard) -> dict[str, Markup]:
    """The grade and spending charts of a dashboard, in the language in use."""
    grades = _both_widths(
        [grade_label(grade.grade) for grade in summary.grades],
        [grade.assessments for grade in summary.grades],
        title=_("Assessment grades"),
        value_label=str,
    )
    spending = _both_widths(
        [entry.purchaser_name for entry in summary.spending[:15]],
        [entry.paid for entry in summary.spending[:15]],
        title=_("Paid (yuan)"),
        value_label=_money,
    )
    return {"grades": grades, "spending": spending}


def _both_widths(
    labels: Sequence[str],
    values: Sequence[Number],
    *,
    title: str,
    value_label: Callable[[Number], str],
) -> Markup:
    drawn = [
        (name, horizontal_bar_chart(labels, values, title=title, value_label=value_label, width=w))
        for name, w in (("wide", WIDE), ("narrow", NARROW))
    ]
    # The SVG text is escaped by its element tree (see procure.domain.charts).
    return Markup("".join(f'<div class="chart-{name}">{svg}</div>' for name, svg in drawn))  # noqa: S704


def _money(value: Decimal | int) -> str:
    return f"{value:,.2f}"
