"""The dashboard's charts: the SVG text of :mod:`procure.domain.charts`, marked safe to embed.

The SVG is built as an element tree that escapes every label, so it is inserted as
markup (``Markup``) rather than escaped a second time.
"""

from __future__ import annotations

from decimal import Decimal

from markupsafe import Markup

from procure.domain.charts import horizontal_bar_chart
from procure.services.browse.dashboard import Dashboard


def dashboard_charts(summary: Dashboard) -> dict[str, Markup]:
    """The grade and spending charts of a dashboard."""
    grades = horizontal_bar_chart(
        [grade.grade_zh for grade in summary.grades],
        [grade.assessments for grade in summary.grades],
        title="考核等级",
    )
    spending = horizontal_bar_chart(
        [entry.purchaser_name for entry in summary.spending[:15]],
        [entry.paid for entry in summary.spending[:15]],
        title="已拨付（元）",
        value_label=_money,
    )
    return {"grades": Markup(grades), "spending": Markup(spending)}  # noqa: S704


def _money(value: Decimal | int) -> str:
    return f"{value:,.2f}"
