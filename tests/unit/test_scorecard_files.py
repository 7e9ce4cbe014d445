"""A scorecard file is checked when it is loaded: pass mark and grade bands, weights, criteria, and
the file itself, each refusal naming file and key."""

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from procure.domain.errors import ConfigError
from procure.domain.language import use_language
from procure.domain.scorecard import load_scorecard
from tests.unit.test_scorecard import (
    Writer,
    _break,
    base,
)

pytestmark = pytest.mark.usefixtures("in_english")  # refusals read as the code writes them


def test_without_pass_mark_every_valid_total_passes(write: Writer) -> None:
    data = base()
    del data["pass_mark"]
    card = load_scorecard(write(data))
    assert card.pass_mark is None
    assert card.passes(Decimal(0))


def test_without_grade_bands_grading_is_a_config_error(write: Writer) -> None:
    data = base()
    del data["grades"]
    card = load_scorecard(write(data))
    with pytest.raises(ConfigError, match="has no grade band for 80.00"):
        card.grade(Decimal(80))


def test_fractional_weights_from_yaml_floats_are_accepted(write: Writer) -> None:
    data = base()
    data["criteria"][0]["weight"] = 12.5
    data["criteria"][1]["weight"] = 22.5
    card = load_scorecard(write(data))
    assert card.criteria[0].weight == Decimal("12.5")
    assert card.max_total == Decimal(100)


def test_weights_not_totalling_100_are_refused_naming_file_and_key(write: Writer) -> None:
    data = base()
    data["criteria"][6]["weight"] = 0.01
    path = write(data)
    with pytest.raises(ConfigError, match=f"{path}: criteria: weights total 95.01, must total 100"):
        load_scorecard(path)


@pytest.mark.parametrize(
    ("dotted", "value", "message"),
    [
        ("name", ..., "name: required text is missing"),
        ("name", "  ", "name: required text is missing"),
        ("title_zh", ..., "title_zh: required text is missing"),
        ("title_en", ..., "title_en: required text is missing"),
        ("title_en", " ", "title_en: required text is missing"),
        ("version", ..., "version: must be a whole number of 1 or more, got None"),
        ("version", 0, "version: must be a whole number"),
        ("version", "1", "version: must be a whole number"),
        ("version", True, "version: must be a whole number"),
        ("colour", "red", "unknown key colour"),
        ("criteria", ..., "criteria: at least one criterion is required"),
        ("criteria", [], "criteria: at least one criterion is required"),
        ("criteria", {"a": 1}, "criteria: must be a list of mappings"),
        ("criteria.1", "outputs", "criteria: must be a list of mappings"),
        (
            "criteria.3.code",
            "output_activities",
            r"criteria\[3\].code: output_activities is used twice",
        ),
        ("criteria.2.code", "Outputs", r"criteria\[2\].code: 'Outputs' must be lower-case"),
        ("criteria.2.code", ..., r"criteria\[2\].code: required text is missing"),
        ("criteria.2.kind", "vibes", r"criteria\[2\].kind: 'vibes' is not a known kind"),
        ("criteria.2.weight", ..., r"criteria\[2\].weight: must be a number, got None"),
        ("criteria.2.weight", "lots", r"criteria\[2\].weight: must be a number, got 'lots'"),
        ("criteria.2.weight", float("nan"), r"criteria\[2\].weight: must be a finite number"),
        ("criteria.2.weight", float("inf"), r"criteria\[2\].weight: must be a finite number"),
        ("criteria.2.weight", 0, r"criteria\[2\].weight: must be greater than zero, got 0"),
        ("criteria.2.weight", -5, r"criteria\[2\].weight: must be greater than zero"),
        ("criteria.2.weight", True, r"criteria\[2\].weight: must be a number"),
        ("criteria.2.label_zh", ..., r"criteria\[2\].label_zh: required text is missing"),
        ("criteria.2.label_en", ..., r"criteria\[2\].label_en: required text is missing"),
        ("criteria.2.label_en", "", r"criteria\[2\].label_en: required text is missing"),
        ("dimensions.0.label_en", ..., r"dimensions\[0\].label_en: required text is missing"),
        ("criteria.2.unit_en", ..., r"criteria\[2\].unit_en: required text is missing"),
        ("criteria.0.unit_en", "times", r"criteria\[0\].unit_en: only a criterion of kind"),
        ("criteria.2.wieght", 5, r"criteria\[2\]: unknown key wieght"),
        ("pass_mark", "sixty", "pass_mark: must be a number"),
        ("pass_mark", 101, "pass_mark: 101 must lie between 0 and 100"),
        ("grades", "all", "grades: must be a list of mappings"),
        ("grades.1.code", "excellent", r"grades\[1\].code: excellent is used twice"),
        ("grades.0.minimum", 90, r"grades\[0\]: unknown key minimum"),
        ("grades.0.from", 101, r"grades\[0\].from: 101 must lie between 0 and 100"),
        ("grades.0.to", 101, r"grades\[0\].to: 101 must lie between 0 and 100"),
        ("grades.0.to", ..., r"grades\[0\].to: must be a number, got None"),
        ("grades.0.to", 95, r"grades\[0\].to: the bands do not include 100"),
        ("grades.1.from", 90, r"grades\[1\].from: 90 must be below its to 90"),
        ("grades.1.from", 95, r"grades\[1\].from: 95 must be below its to 90"),
        ("grades.1.to", 95, r"grades\[1\].to: 95 overlaps the band above, which starts at 90"),
        ("grades.2.to", 85, r"grades\[2\].to: 85 overlaps the band above, which starts at 80"),
        ("grades.1.to", 85, r"grades\[1\].to: 85 leaves a gap below the band above"),
        ("grades.3.from", 10, r"grades\[3\].from: the lowest band must start at 0"),
        ("grades.3.from", -1, r"grades\[3\].from: -1 must lie between 0 and 100"),
        ("grades.0.label_en", ..., r"grades\[0\].label_en: required text is missing"),
        ("grades.0.level", 1, r"grades\[0\]: unknown key level"),
    ],
)
def test_invalid_scorecards_are_refused_naming_file_and_key(
    write: Writer, dotted: str, value: Any, message: str
) -> None:
    data = base()
    _break(data, dotted, value)
    path = write(data)
    with pytest.raises(ConfigError, match=f"^{path}: {message}"):
        load_scorecard(path)


def test_two_price_criteria_are_refused(write: Writer) -> None:
    data = base()
    data["criteria"][0]["kind"] = "price"
    data["criteria"][1]["kind"] = "price"
    with pytest.raises(ConfigError, match="criteria: at most one criterion may be of kind price"):
        load_scorecard(write(data))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- just\n- a list\n", "the top level must be a mapping"),
        ("", "the top level must be a mapping"),
        ("name: [unclosed\n", "not valid YAML"),  # read in English (below)
    ],
)
def test_files_that_are_not_a_yaml_mapping_are_refused(
    write: Writer, text: str, message: str
) -> None:
    path = write(text)
    with use_language("en"), pytest.raises(ConfigError, match=f"^{path}: {message}"):
        load_scorecard(path)


def test_a_missing_file_is_refused_naming_it(tmp_path: Path) -> None:
    with use_language("zh_CN"), pytest.raises(ConfigError, match="nowhere.yaml：文件不存在"):
        load_scorecard(tmp_path / "nowhere.yaml")
