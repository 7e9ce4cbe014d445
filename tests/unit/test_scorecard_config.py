"""Rules for loading the newer sections of a scorecard: kinds, attainment bands, dimensions
and panel rules. Every refusal names the file and the key."""

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml

from procure.domain.errors import ConfigError
from procure.domain.scorecard import AttainmentBand, PanelRules, load_scorecard

pytestmark = pytest.mark.usefixtures("in_english")  # refusals read as the code writes them

SCORECARDS = Path(__file__).resolve().parents[2] / "workflows" / "scorecards"
Writer = Callable[[Any], Path]


@pytest.fixture
def write(tmp_path: Path) -> Writer:
    def _write(data: Any) -> Path:
        path = tmp_path / "card.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return path

    return _write


def base(name: str = "assessment") -> dict[str, Any]:
    """A shipped scorecard as plain data (no shared YAML anchors), to break one rule at a time."""
    data = yaml.safe_load((SCORECARDS / f"{name}.yaml").read_text(encoding="utf-8"))
    for criterion in data["criteria"]:
        if "bands" in criterion:
            criterion["bands"] = [dict(band) for band in criterion["bands"]]
    return data  # type: ignore[no-any-return]


def _break(data: dict[str, Any], dotted: str, value: Any) -> None:
    """Set (or with value ``...`` delete) the key at a path like ``criteria.2.bands.1.from``."""
    *parents, last = dotted.split(".")
    target: Any = data
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    key: Any = int(last) if last.isdigit() else last
    if value is ...:
        del target[key]
    else:
        target[key] = value


def refused(write: Writer, data: dict[str, Any], message: str) -> None:
    path = write(data)
    with pytest.raises(ConfigError, match=f"^{path}: {message}"):
        load_scorecard(path)


def test_the_shipped_attainment_bands_are_the_documented_ones() -> None:
    card = load_scorecard(SCORECARDS / "assessment.yaml")
    expected = (
        AttainmentBand(Fraction(1), Fraction(1)),
        AttainmentBand(Fraction(4, 5), Fraction(2, 3)),
        AttainmentBand(Fraction(3, 5), Fraction(1, 3)),
        AttainmentBand(Fraction(0), Fraction(0)),
    )
    assert card.criterion("output_activities").bands == expected
    assert card.criterion("output_person_times").bands == expected


def test_attainment_without_bands_uses_the_documented_ones(write: Writer) -> None:
    data = base()
    del data["criteria"][2]["bands"]
    card = load_scorecard(write(data))
    assert card.criterion("output_activities").bands[1] == AttainmentBand(
        Fraction(4, 5), Fraction(2, 3)
    )


def test_configured_attainment_bands_change_the_points(write: Writer) -> None:
    data = base()
    data["criteria"][2]["bands"] = [{"from": 0.9, "share": "1"}, {"from": 0, "share": "1/2"}]
    card = load_scorecard(write(data))
    raw: dict[str, object] = {
        "project_management": "20",
        "financial_management": "15",
        "output_activities": {"planned": 10, "actual": 9},
        "output_person_times": {"planned": 10, "actual": 10},
        "outcomes": "20",
        "satisfaction": {"respondents": 1, "satisfied": 1},
        "impact_capacity": "5",
    }
    assert card.score_sheet(raw).points["output_activities"] == Decimal("10.00")
    raw["output_activities"] = {"planned": 10, "actual": 8}
    assert card.score_sheet(raw).points["output_activities"] == Decimal("5.00")


def test_a_scorecard_without_a_panel_section_has_the_default_rules(write: Writer) -> None:
    data = base("review")
    del data["panel"]
    assert load_scorecard(write(data)).panel == PanelRules()
    assert PanelRules() == PanelRules(1, 5, Decimal("0.20"))


@pytest.mark.parametrize(
    ("dotted", "value", "message"),
    [
        ("criteria.0.kind", "rating", r"criteria\[0\].kind: 'rating' is not a known kind"),
        ("criteria.2.bands.1.from", 1.0, r"criteria\[2\].bands\[1\].from: 1 must be below"),
        ("criteria.2.bands.2.from", 0.9, r"criteria\[2\].bands\[2\].from: 0.9 must be below"),
        ("criteria.2.bands.3.from", 0.1, r"criteria\[2\].bands\[3\].from: the lowest band must"),
        ("criteria.2.bands.3", ..., r"criteria\[2\].bands\[2\].from: the lowest band must start"),
        ("criteria.2.bands.0.share", "4/3", r"criteria\[2\].bands\[0\].share: 4/3 must lie"),
        ("criteria.2.bands.1.share", "1/4", r"criteria\[2\].bands\[2\].share: 1/3 is more than"),
        ("criteria.2.bands.2.share", "3/4", r"criteria\[2\].bands\[2\].share: 3/4 is more than"),
        ("criteria.2.bands.1.share", "two thirds", r"criteria\[2\].bands\[1\].share: must be"),
        ("criteria.2.bands.1.share", "2/0", r"criteria\[2\].bands\[1\].share: '2/0' divides"),
        ("criteria.2.bands.1.share", ..., r"criteria\[2\].bands\[1\].share: must be a fraction"),
        ("criteria.2.bands.1.from", "-0.5", r"criteria\[2\].bands\[1\].from: must be a fraction"),
        ("criteria.2.bands.1.to", 1, r"criteria\[2\].bands\[1\]: unknown key to"),
        ("criteria.2.bands", [], r"criteria\[2\].bands: at least one band is required"),
        ("criteria.2.bands", "design", r"criteria\[2\].bands: must be a list of mappings"),
        ("criteria.2.unit", ..., r"criteria\[2\].unit: required text is missing"),
        ("criteria.2.allow_na", True, r"criteria\[2\].allow_na: only a criterion of kind judged"),
        ("criteria.0.unit", "场", r"criteria\[0\].unit: only a criterion of kind attainment"),
        ("criteria.5.bands", [], r"criteria\[5\].bands: only a criterion of kind attainment"),
        ("criteria.6.allow_na", "yes", r"criteria\[6\].allow_na: must be true or false"),
        ("criteria.0.dimension", "admin", r"criteria\[0\].dimension: admin is not one of"),
        ("criteria.0.dimension", ..., r"criteria\[0\].dimension: missing is not one of"),
        ("dimensions", [], "dimensions: at least one dimension is required"),
        ("dimensions", "all", "dimensions: must be a list of mappings"),
        ("dimensions.1.code", "management", r"dimensions\[1\].code: management is used twice"),
        ("dimensions.1.label_en", ..., r"dimensions\[1\].label_en: required text is missing"),
        ("dimensions.1.weight", 15, r"dimensions\[1\]: unknown key weight"),
    ],
)
def test_invalid_assessment_sections_are_refused_naming_file_and_key(
    write: Writer, dotted: str, value: Any, message: str
) -> None:
    data = base()
    _break(data, dotted, value)
    refused(write, data, message)


def test_a_dimension_without_criteria_is_refused(write: Writer) -> None:
    data = base()
    data["dimensions"].append({"code": "spare", "label_zh": "备用", "label_en": "Spare"})
    refused(write, data, r"dimensions\[6\]: dimension spare has no criteria")


def test_a_criterion_dimension_without_a_dimensions_section_is_refused(write: Writer) -> None:
    data = base()
    del data["dimensions"]
    refused(write, data, r"criteria\[0\].dimension: management is not listed")


@pytest.mark.parametrize(
    ("panel", "message"),
    [
        ({"quorum": 0}, "panel.quorum: must be at least 1, got 0"),
        ({"quorum": "3"}, "panel.quorum: must be a whole number, got '3'"),
        ({"quorum": True}, "panel.quorum: must be a whole number, got True"),
        ({"quorum": 2.5}, "panel.quorum: must be a whole number, got 2.5"),
        ({"trim_from": 2}, "panel.trim_from: must be at least 3"),
        ({"spread_flag_share": 0}, "panel.spread_flag_share: must lie strictly between 0 and 1"),
        ({"spread_flag_share": 1}, "panel.spread_flag_share: must lie strictly between 0 and 1"),
        ({"spread_flag_share": -0.2}, "panel.spread_flag_share: must lie strictly between"),
        ({"spread_flag_share": "a fifth"}, "panel.spread_flag_share: must be a number"),
        ({"quorom": 3}, "panel: unknown key quorom"),
        ("three", "panel: must be a mapping"),
    ],
)
def test_a_bad_panel_section_is_refused_naming_file_and_key(
    write: Writer, panel: Any, message: str
) -> None:
    data = base("review")
    data["panel"] = panel
    refused(write, data, message)


def test_a_partial_panel_section_keeps_the_other_defaults(write: Writer) -> None:
    data = base("review")
    data["panel"] = {"quorum": 2}
    assert load_scorecard(write(data)).panel == PanelRules(2, 5, Decimal("0.20"))
