"""How ``procure assess show`` prints an assessment: each sheet, the result, the comments."""

from __future__ import annotations

from typing import Any

from procure.cli.output import echo
from procure.domain.language import _, both


def _labels() -> tuple[dict[str, str], dict[str, str]]:
    """The assessment's grades (by Chinese label) and dimensions (by code), as people name
    them in the language in use."""
    from procure.workflow.rules import default_rules

    card = default_rules().assessment
    grades = {g.label_zh: both(g.label_zh, g.label_en) for g in card.grades}
    dimensions = {d.code: both(d.label_zh, d.label_en) for d in card.dimensions}
    return grades, dimensions


def echo_assessment(view: dict[str, Any]) -> None:
    """Print an assessment view (``services.scoring.sheets.assessment_view``)."""
    grades, dimensions = _labels()
    values = {"project": view["project"], "scorecard": view["scorecard"]}
    if view["final"]:
        echo(_("%(project)s assessment (%(scorecard)s), final", **values))
    else:
        echo(_("%(project)s assessment (%(scorecard)s), not final", **values))
    for sheet in view["sheets"]:
        if sheet["narrative"]:
            echo(
                "  "
                + _(
                    "%(assessor)s, overall comment: %(narrative)s",
                    assessor=sheet["assessor"],
                    narrative=sheet["narrative"],
                )
            )
        values = {
            "assessor": sheet["assessor"],
            "total": sheet["total"],
            "grade": grades.get(sheet["grade_zh"], sheet["grade_zh"]),
            "veto": _(", ").join(sheet["veto"]),
        }
        if sheet["veto"]:
            echo("  " + _("%(assessor)s: %(total)s %(grade)s, veto: %(veto)s", **values))
        else:
            echo("  " + _("%(assessor)s: %(total)s %(grade)s", **values))
    result = view["result"]
    if result:
        _echo_result(result, grades, dimensions)
    for item in view["comments"]:
        values = {"date": item["commented_on"], "text": item["text"]}
        if item["acknowledged"]:
            echo("  " + _("Organization's comment %(date)s: %(text)s (acknowledged)", **values))
        else:
            echo("  " + _("Organization's comment %(date)s: %(text)s", **values))


def _echo_result(
    result: dict[str, Any], grades: dict[str, str], dimensions: dict[str, str]
) -> None:
    echo(
        "  "
        + _(
            "Result: %(total)s %(grade)s — %(reason)s",
            total=result["total"],
            grade=grades.get(result["grade_zh"], result["grade_zh"]),
            reason=result["policy"]["shown"],
        )
    )
    for code, text in result["narratives"].items():
        name = dimensions.get(code, code)
        echo(f"  [{name}] " + text.replace("\n", "\n" + " " * (len(name) + 5)))
    if result["missing_narratives"]:
        missing = _(", ").join(dimensions.get(c, c) for c in result["missing_narratives"])
        echo("  " + _("Missing narratives: %(dimensions)s", dimensions=missing))
    echo("  " + _("Comment window until %(date)s", date=result["comment_window_closes"]))
