"""Scorecards: weighted criteria, grade bands and the arithmetic of a score sheet.

A scorecard is configuration (``workflows/scorecards/*.yaml``): the review scorecard
(评审评分表) and the assessment scorecard (绩效考核评分表) are both loaded by
:func:`load_scorecard`, which refuses any file whose weights do not total 100 or whose grade
bands do not cover 0..100. Scores are Decimals; a score above a criterion's maximum is an
error, never clamped.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

from procure.domain.errors import ConfigError, InvalidInput, NotFound
from procure.domain.money import quantize2

KINDS = ("judged", "price")
"""judged: a person scores 0..weight; price: lowest valid price ÷ this price × weight."""
FULL_MARKS = Decimal(100)
_CODE = re.compile(r"[a-z][a-z0-9_]*")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


@dataclass(frozen=True)
class Criterion:
    """One weighted line of a scorecard (e.g. 服务方案, worth 20 points)."""

    code: str
    label_zh: str
    label_en: str
    weight: Decimal
    kind: str

    @property
    def display(self) -> str:
        """The code with its Chinese label, as used in messages: ``service_plan (服务方案)``."""
        return f"{self.code} ({self.label_zh})"


@dataclass(frozen=True)
class GradeBand:
    """A grade (e.g. 良好 "good") given to any total at or above ``minimum``."""

    code: str
    label_zh: str
    label_en: str
    minimum: Decimal


def _to_score(value: object, what: str) -> Decimal:
    """Convert str, int or Decimal to a finite Decimal; ``what`` names it in messages."""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        hint = "text or a Decimal such as '12.5'" if isinstance(value, float) else "a number"
        raise InvalidInput(f"{what} {value!r} is of type {type(value).__name__}; give {hint}")
    if isinstance(value, str):
        if not _NUMBER.fullmatch(value.strip()):
            raise InvalidInput(f"{what} {value!r} is not a number")
        value = value.strip()
    number = Decimal(value)
    if not number.is_finite():
        raise InvalidInput(f"{what} must be a finite number, got {number}")
    return number


def price_points(lowest_price: Decimal, price: Decimal, weight: Decimal) -> Decimal:
    """Points for a price under 财政部令第87号: lowest valid price ÷ this price × weight.

    Args:
        lowest_price: the lowest valid price among the proposals compared.
        price: the price of the proposal being scored.
        weight: the price criterion's weight (its maximum points).

    Returns:
        The points, rounded half up to two places.

    Raises:
        InvalidInput: if a value is not a positive Decimal or the lowest price exceeds the price.
    """
    values = {"lowest valid price": lowest_price, "price": price, "price weight": weight}
    for label, value in values.items():
        if _to_score(value, label) <= 0:
            raise InvalidInput(f"{label} must be greater than zero, got {value}")
    lowest, quoted = _to_score(lowest_price, "price"), _to_score(price, "price")
    if lowest > quoted:
        raise InvalidInput(
            f"lowest valid price {lowest} is higher than the price scored {quoted}; "
            f"the lowest price must be the smallest of the prices compared"
        )
    return quantize2(lowest / quoted * _to_score(weight, "price weight"))


@dataclass(frozen=True)
class Scorecard:
    """A versioned set of criteria with an optional pass mark and grade bands."""

    name: str
    version: int
    title_zh: str
    criteria: tuple[Criterion, ...]
    pass_mark: Decimal | None
    grades: tuple[GradeBand, ...]
    title_en: str = ""

    @property
    def max_total(self) -> Decimal:
        """The highest possible total: the sum of the weights (100 for a loaded scorecard)."""
        return sum((c.weight for c in self.criteria), Decimal(0))

    def criterion(self, code: str) -> Criterion:
        """Return the criterion with this code.

        Raises:
            NotFound: if the scorecard has no such criterion.
        """
        for criterion in self.criteria:
            if criterion.code == code:
                return criterion
        raise NotFound(
            f"scorecard {self.name} v{self.version} has no criterion {code}; its criteria are "
            f"{', '.join(c.code for c in self.criteria)}"
        )

    def parse_scores(
        self, raw: Mapping[str, object], *, complete: bool = True
    ) -> dict[str, Decimal]:
        """Check a score sheet and convert its values to Decimal.

        Args:
            raw: criterion code -> score as str, int or Decimal (floats are refused).
            complete: whether every criterion must be scored (False for a draft sheet).

        Returns:
            criterion code -> score, in scorecard order.

        Raises:
            InvalidInput: for an unknown criterion, a missing score (when ``complete``), a
                score that is not a number, negative, or above the criterion's maximum.
        """
        known = {c.code for c in self.criteria}
        unknown = [code for code in raw if code not in known]
        if unknown:
            raise InvalidInput(
                f"score given for unknown criterion {', '.join(map(str, unknown))}; scorecard "
                f"{self.name} v{self.version} has {', '.join(c.code for c in self.criteria)}"
            )
        missing = [c for c in self.criteria if c.code not in raw]
        if complete and missing:
            noun = "criterion" if len(missing) == 1 else "criteria"
            raise InvalidInput(f"no score for {noun} {', '.join(c.display for c in missing)}")
        scores: dict[str, Decimal] = {}
        for criterion in self.criteria:
            if criterion.code not in raw:
                continue
            score = _to_score(raw[criterion.code], f"score for {criterion.code}")
            if score < 0:
                raise InvalidInput(f"score {score} for {criterion.code} must not be negative")
            if score > criterion.weight:
                raise InvalidInput(
                    f"score {score} for {criterion.code} exceeds its maximum {criterion.weight}"
                )
            scores[criterion.code] = score
        return scores

    def total(self, scores: Mapping[str, Decimal]) -> Decimal:
        """Add up a complete score sheet.

        Args:
            scores: criterion code -> score; every criterion must be present.

        Returns:
            The total, rounded half up to two places.

        Raises:
            InvalidInput: as :meth:`parse_scores` does for a complete sheet.
        """
        checked = self.parse_scores(scores)
        return quantize2(sum(checked.values(), Decimal(0)))

    def _checked_total(self, total: Decimal) -> Decimal:
        """Round a total to two places and check it lies within 0..max_total."""
        rounded = quantize2(_to_score(total, "total"))
        if rounded < 0 or rounded > self.max_total:
            raise InvalidInput(
                f"total {rounded} is outside 0 to {self.max_total} for scorecard {self.name}"
            )
        return rounded

    def grade(self, total: Decimal) -> GradeBand:
        """Return the grade band of a total, rounding it half up to two places first.

        So 79.995 becomes 80.00 and is graded 良好 (good).

        Raises:
            InvalidInput: if the total is not a number within 0..max_total.
            ConfigError: if the scorecard defines no grade bands.
        """
        rounded = self._checked_total(total)
        for band in self.grades:
            if rounded >= band.minimum:
                return band
        raise ConfigError(f"scorecard {self.name} v{self.version} has no grade band for {rounded}")

    def passes(self, total: Decimal) -> bool:
        """Whether a total (rounded half up to two places) reaches the pass mark.

        A scorecard without a pass mark passes every valid total.
        """
        rounded = self._checked_total(total)
        return self.pass_mark is None or rounded >= self.pass_mark


# --- loading -------------------------------------------------------------------------------


def load_yaml_mapping(path: Path) -> dict[str, object]:
    """Read a YAML configuration file whose top level must be a mapping.

    Raises:
        ConfigError: naming the file if it cannot be read, is not YAML, or is not a mapping.
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of keys to values")
    return data


def config_text(data: Mapping[str, object], key: str, where: str) -> str:
    """Return a required non-empty text value; ``where`` is "file: path." for messages."""
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}{key}: required text is missing or empty, got {value!r}")
    return value.strip()


def config_number(value: object, where: str) -> Decimal:
    """Convert a YAML number (int, float or numeric text) to Decimal, via str() for floats."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ConfigError(f"{where}: must be a number, got {value!r}")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ConfigError(f"{where}: must be a number, got {value!r}") from exc
    if not number.is_finite():
        raise ConfigError(f"{where}: must be a finite number, got {value!r}")
    return number


def _check_keys(item: Mapping[str, object], allowed: tuple[str, ...], where: str) -> None:
    """Refuse keys outside ``allowed`` so a misspelt key is not silently ignored."""
    extra = [str(key) for key in item if key not in allowed]
    if extra:
        raise ConfigError(f"{where}: unknown key {', '.join(extra)}; expected {', '.join(allowed)}")


def _entries(data: Mapping[str, object], key: str, where: str) -> list[Mapping[str, object]]:
    """Return a list of mappings under ``key`` (an absent key gives an empty list)."""
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ConfigError(f"{where}{key}: must be a list of mappings")
    return value


def _code(item: Mapping[str, object], where: str, seen: set[str]) -> str:
    """Return a unique lower-case code."""
    code = config_text(item, "code", where)
    if not _CODE.fullmatch(code):
        raise ConfigError(f"{where}code: {code!r} must be lower-case letters, digits and _")
    if code in seen:
        raise ConfigError(f"{where}code: {code} is used twice; codes must be unique")
    seen.add(code)
    return code


def _labels(item: Mapping[str, object], where: str) -> tuple[str, str]:
    """Return the required Chinese and English labels."""
    return config_text(item, "label_zh", where), config_text(item, "label_en", where)


def _criteria(data: Mapping[str, object], file: str) -> tuple[Criterion, ...]:
    """Load and check the criteria list."""
    items = _entries(data, "criteria", f"{file}: ")
    if not items:
        raise ConfigError(f"{file}: criteria: at least one criterion is required")
    seen: set[str] = set()
    criteria: list[Criterion] = []
    for i, item in enumerate(items):
        where = f"{file}: criteria[{i}]."
        _check_keys(item, ("code", "label_zh", "label_en", "weight", "kind"), where[:-1])
        code = _code(item, where, seen)
        kind = config_text(item, "kind", where)
        if kind not in KINDS:
            raise ConfigError(f"{where}kind: {kind!r} is not a known kind; use {', '.join(KINDS)}")
        weight = config_number(item.get("weight"), f"{where}weight")
        if weight <= 0:
            raise ConfigError(f"{where}weight: must be greater than zero, got {weight}")
        criteria.append(Criterion(code, *_labels(item, where), weight, kind))
    if sum(c.kind == "price" for c in criteria) > 1:
        raise ConfigError(f"{file}: criteria: at most one criterion may be of kind price")
    total = sum((c.weight for c in criteria), Decimal(0))
    if total != FULL_MARKS:
        raise ConfigError(
            f"{file}: criteria: weights total {total}, must total 100 "
            f"({', '.join(f'{c.code} {c.weight}' for c in criteria)})"
        )
    return tuple(criteria)


def _grades(data: Mapping[str, object], file: str) -> tuple[GradeBand, ...]:
    """Load and check the grade bands: unique codes, minimums descending from <=100 to 0."""
    seen: set[str] = set()
    bands: list[GradeBand] = []
    for i, item in enumerate(_entries(data, "grades", f"{file}: ")):
        where = f"{file}: grades[{i}]."
        _check_keys(item, ("code", "label_zh", "label_en", "minimum"), where[:-1])
        code = _code(item, where, seen)
        minimum = config_number(item.get("minimum"), f"{where}minimum")
        if minimum > FULL_MARKS or minimum < 0:
            raise ConfigError(f"{where}minimum: {minimum} must lie between 0 and 100")
        if bands and minimum >= bands[-1].minimum:
            raise ConfigError(
                f"{where}minimum: {minimum} must be below the previous band's "
                f"minimum {bands[-1].minimum}; list bands from highest to lowest"
            )
        bands.append(GradeBand(code, *_labels(item, where), minimum))
    if bands and bands[-1].minimum != 0:
        raise ConfigError(
            f"{file}: grades[{len(bands) - 1}].minimum: the lowest band must start "
            f"at 0 so every total gets a grade, got {bands[-1].minimum}"
        )
    return tuple(bands)


def load_scorecard(path: Path) -> Scorecard:
    """Load and check a scorecard file such as ``workflows/scorecards/review.yaml``.

    Raises:
        ConfigError: naming the file and key of the first problem found.
    """
    file = str(path)
    data = load_yaml_mapping(path)
    _check_keys(
        data, ("name", "version", "title_zh", "title_en", "pass_mark", "criteria", "grades"), file
    )
    name = config_text(data, "name", f"{file}: ")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ConfigError(f"{file}: version: must be a whole number of 1 or more, got {version!r}")
    title_zh = config_text(data, "title_zh", f"{file}: ")
    title_en = str(data.get("title_en") or "")
    criteria = _criteria(data, file)
    pass_mark: Decimal | None = None
    if data.get("pass_mark") is not None:
        pass_mark = config_number(data["pass_mark"], f"{file}: pass_mark")
        if not 0 <= pass_mark <= FULL_MARKS:
            raise ConfigError(f"{file}: pass_mark: {pass_mark} must lie between 0 and 100")
    return Scorecard(name, version, title_zh, criteria, pass_mark, _grades(data, file), title_en)
