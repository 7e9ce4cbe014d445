"""Reading configuration files, and the sections of a scorecard file.

The helpers read YAML mappings, required text, numbers and exact fractions; the section
loaders (:func:`load_criteria`, :func:`load_dimensions`, :func:`load_grades`,
:func:`load_panel_rules`) check the rules of ``workflows/scorecards/*.yaml``.

Every refusal is a :class:`ConfigError` whose message starts with the file and the key, e.g.
``workflows/scorecards/review.yaml: criteria[2].weight: must be a number, got 'lots'``.
Callers pass ``where`` as that prefix (``"file: criteria[2]."``).
"""

import re
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path

from procure.domain.criteria import (
    ATTAINMENT,
    DEFAULT_ATTAINMENT_BANDS,
    FULL_MARKS,
    JUDGED,
    KINDS,
    PRICE,
    AttainmentBand,
    Criterion,
    Dimension,
    GradeBand,
    PanelRules,
)
from procure.domain.datafile import read_yaml
from procure.domain.errors import ConfigError, InvalidInput
from procure.domain.text import quoted

_CODE = re.compile(r"[a-z][a-z0-9_]*")
_FRACTION = re.compile(r"\s*[0-9]+(\.[0-9]+)?\s*(/\s*[0-9]+\s*)?")


def load_yaml_mapping(path: Path) -> dict[str, object]:
    """Read a YAML configuration file whose top level must be a mapping.

    Raises:
        ConfigError: naming the file if it cannot be read, is not YAML, or is not a mapping.
    """
    try:
        data = read_yaml(path, exact=False)
    except InvalidInput as exc:
        raise ConfigError(str(exc)) from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of keys to values")
    return data


def config_text(data: Mapping[str, object], key: str, where: str) -> str:
    """Return a required non-empty text value; ``where`` is "file: path." for messages."""
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}{key}: required text is missing or empty, got {quoted(value)}")
    return value.strip()


def config_number(value: object, where: str) -> Decimal:
    """Convert a YAML number (int, float or numeric text) to Decimal, via str() for floats."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ConfigError(f"{where}: must be a number, got {quoted(value)}")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ConfigError(f"{where}: must be a number, got {quoted(value)}") from exc
    if not number.is_finite():
        raise ConfigError(f"{where}: must be a finite number, got {quoted(value)}")
    return number


def config_fraction(value: object, where: str) -> Fraction:
    """Convert ``"2/3"``, ``"1"``, ``1`` or ``0.5`` to an exact, non-negative Fraction."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ConfigError(f'{where}: must be a fraction such as "2/3", got {quoted(value)}')
    text = str(value)
    if not _FRACTION.fullmatch(text):
        raise ConfigError(f'{where}: must be a fraction such as "2/3", got {quoted(value)}')
    try:
        return Fraction(text.replace(" ", ""))
    except ZeroDivisionError as exc:
        raise ConfigError(f"{where}: {quoted(value)} divides by zero") from exc


def config_whole(data: Mapping[str, object], key: str, where: str, *, default: int) -> int:
    """Return an optional whole number (``default`` when absent); bools and text refused."""
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{where}{key}: must be a whole number, got {quoted(value)}")
    return value


def config_flag(data: Mapping[str, object], key: str, where: str) -> bool:
    """Return an optional true/false value (false when absent)."""
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise ConfigError(f"{where}{key}: must be true or false, got {quoted(value)}")
    return value


def check_keys(item: Mapping[str, object], allowed: tuple[str, ...], where: str) -> None:
    """Refuse keys outside ``allowed`` so a misspelt key is not silently ignored."""
    extra = [str(key) for key in item if key not in allowed]
    if extra:
        raise ConfigError(f"{where}: unknown key {', '.join(extra)}; expected {', '.join(allowed)}")


def config_entries(data: Mapping[str, object], key: str, where: str) -> list[Mapping[str, object]]:
    """Return a list of mappings under ``key`` (an absent key gives an empty list)."""
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ConfigError(f"{where}{key}: must be a list of mappings")
    return value


def config_code(item: Mapping[str, object], where: str, seen: set[str], key: str = "code") -> str:
    """Return a lower-case code, unique among ``seen`` (which it joins)."""
    code = config_text(item, key, where)
    if not _CODE.fullmatch(code):
        raise ConfigError(f"{where}{key}: {quoted(code)} must be lower-case letters, digits and _")
    if code in seen:
        raise ConfigError(f"{where}{key}: {code} is used twice; codes must be unique")
    seen.add(code)
    return code


def config_labels(item: Mapping[str, object], where: str) -> tuple[str, str]:
    """Return the required Chinese and English labels."""
    return config_text(item, "label_zh", where), config_text(item, "label_en", where)


# --- the sections of a scorecard -----------------------------------------------------------

_CRITERION_KEYS = (
    "code", "label_zh", "label_en", "weight", "kind", "allow_na", "dimension", "unit", "unit_en",
    "bands",
)  # fmt: skip


def _attainment_bands(item: Mapping[str, object], where: str) -> tuple[AttainmentBand, ...]:
    """Load attainment bands: ``from`` strictly descending to 0, shares 0..1 not increasing."""
    if "bands" not in item:
        return DEFAULT_ATTAINMENT_BANDS
    items = config_entries(item, "bands", where)
    if not items:
        raise ConfigError(f"{where}bands: at least one band is required")
    bands: list[AttainmentBand] = []
    for i, entry in enumerate(items):
        at = f"{where}bands[{i}]."
        check_keys(entry, ("from", "share"), at[:-1])
        start = config_fraction(entry.get("from"), f"{at}from")
        share = config_fraction(entry.get("share"), f"{at}share")
        if share > 1:
            raise ConfigError(f"{at}share: {share} must lie between 0 and 1")
        if bands and start >= bands[-1].minimum:
            raise ConfigError(
                f"{at}from: {float(start):g} must be below the previous band's from "
                f"{float(bands[-1].minimum):g}; list bands from highest to lowest"
            )
        if bands and share > bands[-1].share:
            raise ConfigError(
                f"{at}share: {share} is more than the higher band's share {bands[-1].share}"
            )
        bands.append(AttainmentBand(start, share))
    if bands[-1].minimum != 0:
        raise ConfigError(
            f"{where}bands[{len(bands) - 1}].from: the lowest band must start at 0 so every "
            f"attainment gets points, got {float(bands[-1].minimum):g}"
        )
    return tuple(bands)


def _criterion(item: Mapping[str, object], where: str, seen: set[str]) -> Criterion:
    """Load one criterion; keys that do not belong to its kind are refused."""
    check_keys(item, _CRITERION_KEYS, where[:-1])
    code = config_code(item, where, seen)
    kind = config_text(item, "kind", where)
    if kind not in KINDS:
        raise ConfigError(
            f"{where}kind: {quoted(kind)} is not a known kind; use {', '.join(KINDS)}"
        )
    weight = config_number(item.get("weight"), f"{where}weight")
    if weight <= 0:
        raise ConfigError(f"{where}weight: must be greater than zero, got {weight}")
    only = (
        ("allow_na", JUDGED),
        ("unit", ATTAINMENT),
        ("unit_en", ATTAINMENT),
        ("bands", ATTAINMENT),
    )
    for key, allowed in only:
        if key in item and kind != allowed:
            raise ConfigError(f"{where}{key}: only a criterion of kind {allowed} may have {key}")
    unit = config_text(item, "unit", where) if kind == ATTAINMENT else ""
    unit_en = config_text(item, "unit_en", where) if kind == ATTAINMENT else ""
    dimension = config_text(item, "dimension", where) if "dimension" in item else ""
    return Criterion(
        code,
        *config_labels(item, where),
        weight,
        kind,
        allow_na=config_flag(item, "allow_na", where),
        dimension=dimension,
        unit=unit,
        unit_en=unit_en,
        bands=_attainment_bands(item, where) if kind == ATTAINMENT else DEFAULT_ATTAINMENT_BANDS,
    )


def load_criteria(data: Mapping[str, object], file: str) -> tuple[Criterion, ...]:
    """Load the criteria: unique codes, known kinds, at most one price, weights totalling 100."""
    items = config_entries(data, "criteria", f"{file}: ")
    if not items:
        raise ConfigError(f"{file}: criteria: at least one criterion is required")
    seen: set[str] = set()
    criteria = [_criterion(item, f"{file}: criteria[{i}].", seen) for i, item in enumerate(items)]
    if sum(c.kind == PRICE for c in criteria) > 1:
        raise ConfigError(f"{file}: criteria: at most one criterion may be of kind price")
    total = sum((c.weight for c in criteria), Decimal(0))
    if total != FULL_MARKS:
        raise ConfigError(
            f"{file}: criteria: weights total {total}, must total 100 "
            f"({', '.join(f'{c.code} {c.weight}' for c in criteria)})"
        )
    return tuple(criteria)


def load_dimensions(
    data: Mapping[str, object], file: str, criteria: tuple[Criterion, ...]
) -> tuple[tuple[Criterion, ...], tuple[Dimension, ...]]:
    """Group criteria into the listed dimensions, or each criterion into its own.

    Returns:
        The criteria (each with its dimension code set) and the dimensions in listed order.
    """
    if "dimensions" not in data:
        for i, criterion in enumerate(criteria):
            if criterion.dimension:
                raise ConfigError(
                    f"{file}: criteria[{i}].dimension: {criterion.dimension} is not listed; "
                    f"add a dimensions section or remove the key"
                )
        return tuple(replace(c, dimension=c.code) for c in criteria), own_dimensions(criteria)
    items = config_entries(data, "dimensions", f"{file}: ")
    if not items:
        raise ConfigError(f"{file}: dimensions: at least one dimension is required")
    seen: set[str] = set()
    listed: list[tuple[str, str, str]] = []
    for i, item in enumerate(items):
        where = f"{file}: dimensions[{i}]."
        check_keys(item, ("code", "label_zh", "label_en"), where[:-1])
        listed.append((config_code(item, where, seen), *config_labels(item, where)))
    for i, criterion in enumerate(criteria):
        if criterion.dimension not in seen:
            raise ConfigError(
                f"{file}: criteria[{i}].dimension: {criterion.dimension or 'missing'} is not one "
                f"of the dimensions {', '.join(code for code, _, _ in listed)}"
            )
    dimensions: list[Dimension] = []
    for i, (code, label_zh, label_en) in enumerate(listed):
        members = tuple(c for c in criteria if c.dimension == code)
        if not members:
            raise ConfigError(f"{file}: dimensions[{i}]: dimension {code} has no criteria")
        weight = sum((c.weight for c in members), Decimal(0))
        dimensions.append(
            Dimension(code, label_zh, label_en, tuple(c.code for c in members), weight)
        )
    return criteria, tuple(dimensions)


def own_dimensions(criteria: tuple[Criterion, ...]) -> tuple[Dimension, ...]:
    """Each criterion as a dimension of its own (a scorecard without ``dimensions``)."""
    return tuple(Dimension(c.code, c.label_zh, c.label_en, (c.code,), c.weight) for c in criteria)


def load_grades(data: Mapping[str, object], file: str) -> tuple[GradeBand, ...]:
    """Load grade bands listed highest first, [from, to) with the top band including 100.

    Refuses, naming file and key: from ≥ to, a top band not ending at 100, a band whose ``to``
    overlaps or leaves a gap below the band above, and a lowest band not starting at 0.
    """
    seen: set[str] = set()
    bands: list[GradeBand] = []
    for i, item in enumerate(config_entries(data, "grades", f"{file}: ")):
        where = f"{file}: grades[{i}]."
        check_keys(item, ("code", "label_zh", "label_en", "from", "to"), where[:-1])
        code = config_code(item, where, seen)
        start = config_number(item.get("from"), f"{where}from")
        end = config_number(item.get("to"), f"{where}to")
        for key, value in (("from", start), ("to", end)):
            if not 0 <= value <= FULL_MARKS:
                raise ConfigError(f"{where}{key}: {value} must lie between 0 and 100")
        if start >= end:
            raise ConfigError(f"{where}from: {start} must be below its to {end}")
        if not bands and end != FULL_MARKS:
            raise ConfigError(
                f"{where}to: the bands do not include 100; the highest band must end at "
                f"100, got {end}"
            )
        if bands and end > bands[-1].minimum:
            raise ConfigError(
                f"{where}to: {end} overlaps the band above, which starts at {bands[-1].minimum}"
            )
        if bands and end < bands[-1].minimum:
            raise ConfigError(
                f"{where}to: {end} leaves a gap below the band above, which starts at "
                f"{bands[-1].minimum}"
            )
        bands.append(GradeBand(code, *config_labels(item, where), start, end))
    if bands and bands[-1].minimum != 0:
        raise ConfigError(
            f"{file}: grades[{len(bands) - 1}].from: the lowest band must start at 0 so every "
            f"total gets a grade, got {bands[-1].minimum}"
        )
    return tuple(bands)


def load_panel_rules(data: Mapping[str, object], file: str) -> PanelRules:
    """Load the optional ``panel`` section: quorum ≥ 1, trim_from ≥ 3, 0 < share < 1."""
    if "panel" not in data:
        return PanelRules()
    section = data["panel"]
    if not isinstance(section, dict):
        raise ConfigError(f"{file}: panel: must be a mapping of quorum, trim_from, ...")
    where = f"{file}: panel."
    check_keys(section, ("quorum", "trim_from", "spread_flag_share"), where[:-1])
    default = PanelRules()
    quorum = config_whole(section, "quorum", where, default=default.quorum)
    if quorum < 1:
        raise ConfigError(f"{where}quorum: must be at least 1, got {quorum}")
    trim_from = config_whole(section, "trim_from", where, default=default.trim_from)
    if trim_from < 3:
        raise ConfigError(
            f"{where}trim_from: must be at least 3 so a sheet remains after dropping the "
            f"highest and the lowest, got {trim_from}"
        )
    share = default.spread_flag_share
    if "spread_flag_share" in section:
        share = config_number(section["spread_flag_share"], f"{where}spread_flag_share")
        if not 0 < share < 1:
            raise ConfigError(
                f"{where}spread_flag_share: must lie strictly between 0 and 1, got {share}"
            )
    return PanelRules(quorum, trim_from, share)
