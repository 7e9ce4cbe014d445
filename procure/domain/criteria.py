"""Criteria of a scorecard and the arithmetic of each kind of criterion.

Kinds:

- ``judged``: a person gives 0..weight points; with ``allow_na`` the answer may be "not
  applicable" (``n/a``, ``N/A`` or ``不适用``).
- ``price``: lowest valid price ÷ this price × weight (财政部令第87号); computed from the quoted
  prices, never given by a person.
- ``attainment``: actual ÷ planned (whole numbers, planned > 0) falls into a band whose share of
  the weight is an exact fraction; by default ≥ 100% full, 80–100% two thirds, 60–80% one
  third, below 60% none.
- ``satisfaction``: weight × satisfied ÷ respondents (whole numbers, respondents > 0).

Points computed here (price, attainment, satisfaction) are rounded ROUND_HALF_UP to two places
from the exact fraction, so no binary or intermediate rounding creeps in. Judged points are
kept exactly as given. Values are str, int or Decimal; floats are refused.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from procure.domain.errors import InvalidInput
from procure.domain.text import check_number_text, quoted

JUDGED, PRICE, ATTAINMENT, SATISFACTION = "judged", "price", "attainment", "satisfaction"
KINDS = (JUDGED, PRICE, ATTAINMENT, SATISFACTION)
FULL_MARKS = Decimal(100)
NOT_APPLICABLE = "n/a"
"""How a "not applicable" answer is written in normalized inputs."""
_NA_WORDS = frozenset({"n/a", "不适用"})
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_WHOLE = re.compile(r"[+-]?[0-9]+")


@dataclass(frozen=True)
class AttainmentBand:
    """Actual ÷ planned at or above ``minimum`` earns ``share`` of the weight."""

    minimum: Fraction
    share: Fraction


DEFAULT_ATTAINMENT_BANDS = (
    AttainmentBand(Fraction(1), Fraction(1)),
    AttainmentBand(Fraction(4, 5), Fraction(2, 3)),
    AttainmentBand(Fraction(3, 5), Fraction(1, 3)),
    AttainmentBand(Fraction(0), Fraction(0)),
)
"""DESIGN: ≥ 100% full points, 80–100% two thirds, 60–80% one third, below 60% none."""


@dataclass(frozen=True)
class Criterion:
    """One weighted line of a scorecard (e.g. 服务方案, worth 20 points)."""

    code: str
    label_zh: str
    label_en: str
    weight: Decimal
    kind: str
    allow_na: bool = False
    dimension: str = ""
    """The code of the dimension it belongs to ("" for a dimension of its own)."""
    unit: str = ""
    """What an attainment criterion counts, e.g. 人次 or 场."""
    bands: tuple[AttainmentBand, ...] = DEFAULT_ATTAINMENT_BANDS
    """Attainment bands, highest first (used by attainment criteria only)."""

    @property
    def display(self) -> str:
        """The code with its Chinese label, as used in messages: ``service_plan (服务方案)``."""
        return f"{self.code} ({self.label_zh})"


@dataclass(frozen=True)
class Dimension:
    """A group of criteria scored and described together (e.g. 服务产出, 25 points)."""

    code: str
    label_zh: str
    label_en: str
    criteria: tuple[str, ...]
    weight: Decimal


@dataclass(frozen=True)
class GradeBand:
    """A grade (e.g. 良好 "good") for totals from ``minimum`` up to ``maximum``.

    The range is [minimum, maximum), except the top band, which includes 100.
    """

    code: str
    label_zh: str
    label_en: str
    minimum: Decimal
    maximum: Decimal = FULL_MARKS


@dataclass(frozen=True)
class PanelRules:
    """How a review panel's sheets are combined (the ``panel:`` section of a scorecard).

    Attributes:
        quorum: valid (non-recused) sheets needed for the panel score to count.
        trim_from: with this many valid sheets or more, one highest and one lowest are dropped.
        spread_flag_share: flag a criterion when reviewers' max − min exceeds this share
            of its weight.
    """

    quorum: int = 1
    trim_from: int = 5
    spread_flag_share: Decimal = Decimal("0.20")


@dataclass(frozen=True)
class PriceContext:
    """The prices a price criterion is computed from."""

    lowest: Decimal
    price: Decimal


def round_half_up(value: Fraction) -> Decimal:
    """Round an exact fraction half up (away from zero) to two places: 2/3 -> 0.67."""
    hundredths = abs(value) * 100
    whole = int(hundredths + Fraction(1, 2))
    sign = -1 if value < 0 else 1
    return Decimal(sign * whole).scaleb(-2)


def to_number(value: object, what: str) -> Decimal:
    """Convert str, int or Decimal to a finite Decimal; ``what`` names it in messages."""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        hint = "text or a Decimal such as '12.5'" if isinstance(value, float) else "a number"
        raise InvalidInput(f"{what} {quoted(value)} is of type {type(value).__name__}; give {hint}")
    if isinstance(value, str):
        check_number_text(value, what)
        if not _NUMBER.fullmatch(value.strip()):
            raise InvalidInput(f"{what} {quoted(value)} is not a number")
        value = value.strip()
    number = Decimal(value)
    if not number.is_finite():
        raise InvalidInput(f"{what} must be a finite number, got {number}")
    return number


def to_whole(value: object, what: str) -> int:
    """Convert a whole number given as int, digits or an integral Decimal; floats refused."""
    if isinstance(value, str):
        check_number_text(value, what)
    if isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
        return int(value.strip())
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        number = to_number(value, what)
        if number == number.to_integral_value():
            return int(number)
    if isinstance(value, float):
        to_number(value, what)  # raises, with the float hint
    raise InvalidInput(f"{what} {quoted(value)} must be a whole number")


def is_not_applicable(value: object) -> bool:
    """Whether an answer means "not applicable": ``n/a``, ``N/A`` or ``不适用``."""
    return isinstance(value, str) and value.strip().casefold() in _NA_WORDS


def judged_points(criterion: Criterion, value: object) -> Decimal:
    """Check a person's score for a criterion: a number within 0..weight, never clamped."""
    score = to_number(value, f"score for {criterion.code}")
    if score < 0:
        raise InvalidInput(f"score {score} for {criterion.code} must not be negative")
    if score > criterion.weight:
        raise InvalidInput(
            f"score {score} for {criterion.code} exceeds its maximum {criterion.weight}"
        )
    return score


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
    checked = {label: to_number(value, label) for label, value in values.items()}
    for label, number in checked.items():
        if number <= 0:
            raise InvalidInput(f"{label} must be greater than zero, got {number}")
    lowest, quoted = checked["lowest valid price"], checked["price"]
    if lowest > quoted:
        raise InvalidInput(
            f"lowest valid price {lowest} is higher than the price scored {quoted}; "
            f"the lowest price must be the smallest of the prices compared"
        )
    return round_half_up(Fraction(lowest) / Fraction(quoted) * Fraction(checked["price weight"]))


def _facts(criterion: Criterion, value: object, keys: tuple[str, str]) -> dict[str, int]:
    """Read a mapping of exactly ``keys`` to whole numbers for a computed criterion."""
    shape = "{" + ", ".join(keys) + "}"
    if not isinstance(value, Mapping):
        raise InvalidInput(
            f"{criterion.kind} criterion {criterion.display} needs {shape}, got {quoted(value)}"
        )
    given = set(map(str, value))
    if given != set(keys):
        raise InvalidInput(
            f"{criterion.kind} criterion {criterion.display} needs exactly {shape}, "
            f"got {{{', '.join(sorted(given))}}}"
        )
    return {key: to_whole(value[key], f"{key} for {criterion.code}") for key in keys}


def attainment_points(criterion: Criterion, planned: int, actual: int) -> Decimal:
    """Points for actual ÷ planned: weight × the share of the band reached, rounded half up.

    Raises:
        InvalidInput: if planned is not above zero or actual is negative.
    """
    if planned <= 0:
        raise InvalidInput(f"planned for {criterion.code} must be greater than zero, got {planned}")
    if actual < 0:
        raise InvalidInput(f"actual for {criterion.code} must not be negative, got {actual}")
    ratio = Fraction(actual, planned)
    share = next((band.share for band in criterion.bands if ratio >= band.minimum), Fraction(0))
    return round_half_up(Fraction(criterion.weight) * share)


def satisfaction_points(criterion: Criterion, respondents: int, satisfied: int) -> Decimal:
    """Points for a survey: weight × satisfied ÷ respondents, rounded half up.

    Raises:
        InvalidInput: unless respondents > 0 and 0 ≤ satisfied ≤ respondents.
    """
    if respondents <= 0:
        raise InvalidInput(
            f"respondents for {criterion.code} must be greater than zero, got {respondents}"
        )
    if not 0 <= satisfied <= respondents:
        raise InvalidInput(
            f"satisfied for {criterion.code} must lie between 0 and the {respondents} "
            f"respondents, got {satisfied}"
        )
    return round_half_up(Fraction(criterion.weight) * Fraction(satisfied, respondents))


def score_criterion(
    criterion: Criterion, value: object, prices: PriceContext | None
) -> tuple[Decimal | None, object]:
    """Score one criterion of a sheet.

    Args:
        criterion: the criterion.
        value: the raw answer (ignored for price criteria, which must not be given).
        prices: the prices a price criterion is computed from.

    Returns:
        The points (None for "not applicable") and the answer normalized to JSON-friendly
        strings: ``"17.5"``, ``"n/a"``, ``{"planned": "120", "actual": "100"}``.

    Raises:
        InvalidInput: naming the criterion, for any answer its kind does not accept.
    """
    if is_not_applicable(value):
        if not criterion.allow_na:
            raise InvalidInput(f"{criterion.display} cannot be answered not applicable (n/a)")
        return None, NOT_APPLICABLE
    if criterion.kind == PRICE:
        if prices is None:
            raise InvalidInput(
                f"{criterion.display} needs the lowest valid price and this proposal's price"
            )
        points = price_points(prices.lowest, prices.price, criterion.weight)
        return points, {"lowest": str(prices.lowest), "price": str(prices.price)}
    if criterion.kind == ATTAINMENT:
        facts = _facts(criterion, value, ("planned", "actual"))
        points = attainment_points(criterion, facts["planned"], facts["actual"])
        return points, {key: str(number) for key, number in facts.items()}
    if criterion.kind == SATISFACTION:
        facts = _facts(criterion, value, ("respondents", "satisfied"))
        points = satisfaction_points(criterion, facts["respondents"], facts["satisfied"])
        return points, {key: str(number) for key, number in facts.items()}
    points = judged_points(criterion, value)
    return points, str(points)
