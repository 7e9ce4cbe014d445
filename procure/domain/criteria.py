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
from procure.domain.language import N_, both
from procure.domain.language import gettext as _
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
    unit_en: str = ""
    """The same in English, e.g. person-times or sessions."""
    bands: tuple[AttainmentBand, ...] = DEFAULT_ATTAINMENT_BANDS
    """Attainment bands, highest first (used by attainment criteria only)."""

    @property
    def label(self) -> str:
        """The criterion's name in the language in use: 服务方案, or Service plan."""
        return both(self.label_zh, self.label_en)

    @property
    def unit_label(self) -> str:
        """What an attainment criterion counts, in the language in use."""
        return both(self.unit, self.unit_en or self.unit)

    @property
    def display(self) -> str:
        """The criterion as messages name it: its name in the language in use."""
        return self.label


@dataclass(frozen=True)
class Dimension:
    """A group of criteria scored and described together (e.g. 服务产出, 25 points)."""

    code: str
    label_zh: str
    label_en: str
    criteria: tuple[str, ...]
    weight: Decimal

    @property
    def label(self) -> str:
        """The dimension's name in the language in use."""
        return both(self.label_zh, self.label_en)


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

    @property
    def label(self) -> str:
        """The grade's name in the language in use: 良好, or Good."""
        return both(self.label_zh, self.label_en)


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
        if isinstance(value, float):
            message = _(
                "%(what)s %(value)s is a binary fraction; give it as text or a Decimal such as "
                "'12.5'",
                what=what,
                value=quoted(value),
            )
        else:
            message = _("%(what)s %(value)s is not a number", what=what, value=quoted(value))
        raise InvalidInput(message)
    if isinstance(value, str):
        check_number_text(value, what)
        if not _NUMBER.fullmatch(value.strip()):
            raise InvalidInput(
                _("%(what)s %(value)s is not a number", what=what, value=quoted(value))
            )
        value = value.strip()
    number = Decimal(value)
    if not number.is_finite():
        raise InvalidInput(
            _("%(what)s must be a finite number, got %(number)s", what=what, number=number)
        )
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
    raise InvalidInput(
        _("%(what)s %(value)s must be a whole number", what=what, value=quoted(value))
    )


_PRICE_LOWEST = N_("The lowest valid price")
_PRICE = N_("The price")
_PRICE_WEIGHT = N_("The weight of the price")
_FACT_SHAPES = {
    ("planned", "actual"): N_("the planned and the actual number"),
    ("respondents", "satisfied"): N_("the respondents and the satisfied"),
}
_FACT_NAMES = {
    "planned": N_("The planned number for %(criterion)s"),
    "actual": N_("The actual number for %(criterion)s"),
    "respondents": N_("The respondents for %(criterion)s"),
    "satisfied": N_("The satisfied for %(criterion)s"),
}


def is_not_applicable(value: object) -> bool:
    """Whether an answer means "not applicable": ``n/a``, ``N/A`` or ``不适用``."""
    return isinstance(value, str) and value.strip().casefold() in _NA_WORDS


def judged_points(criterion: Criterion, value: object) -> Decimal:
    """Check a person's score for a criterion: a number within 0..weight, never clamped."""
    name = criterion.label
    score = to_number(value, _("The score for %(criterion)s", criterion=name))
    if score < 0:
        raise InvalidInput(
            _(
                "The score %(score)s for %(criterion)s must not be negative",
                score=score,
                criterion=name,
            )
        )
    if score > criterion.weight:
        raise InvalidInput(
            _(
                "The score %(score)s for %(criterion)s exceeds its maximum %(maximum)s",
                score=score,
                criterion=name,
                maximum=criterion.weight,
            )
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
    values = {_PRICE_LOWEST: lowest_price, _PRICE: price, _PRICE_WEIGHT: weight}
    checked = {label: to_number(value, _(label)) for label, value in values.items()}
    for label, number in checked.items():
        if number <= 0:
            raise InvalidInput(
                _(
                    "%(what)s must be greater than zero, got %(number)s",
                    what=_(label),
                    number=number,
                )
            )
    lowest, quoted = checked[_PRICE_LOWEST], checked[_PRICE]
    if lowest > quoted:
        raise InvalidInput(
            _(
                "The lowest valid price %(lowest)s is higher than the price scored %(price)s; "
                "the lowest price must be the smallest of the prices compared",
                lowest=lowest,
                price=quoted,
            )
        )
    return round_half_up(Fraction(lowest) / Fraction(quoted) * Fraction(checked[_PRICE_WEIGHT]))


def _facts(criterion: Criterion, value: object, keys: tuple[str, str]) -> dict[str, int]:
    """Read a mapping of exactly ``keys`` to whole numbers for a computed criterion."""
    shape = _FACT_SHAPES[keys]
    given = set(map(str, value)) if isinstance(value, Mapping) else set()
    if not isinstance(value, Mapping) or given != set(keys):
        raise InvalidInput(
            _("%(criterion)s needs exactly %(shape)s", criterion=criterion.label, shape=_(shape))
        )
    return {
        key: to_whole(value[key], _(_FACT_NAMES[key], criterion=criterion.label)) for key in keys
    }


def attainment_points(criterion: Criterion, planned: int, actual: int) -> Decimal:
    """Points for actual ÷ planned: weight × the share of the band reached, rounded half up.

    Raises:
        InvalidInput: if planned is not above zero or actual is negative.
    """
    if planned <= 0:
        raise InvalidInput(
            _(
                "The planned number for %(criterion)s must be greater than zero, got %(number)s",
                criterion=criterion.label,
                number=planned,
            )
        )
    if actual < 0:
        raise InvalidInput(
            _(
                "The actual number for %(criterion)s must not be negative, got %(number)s",
                criterion=criterion.label,
                number=actual,
            )
        )
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
            _(
                "The respondents for %(criterion)s must be greater than zero, got %(number)s",
                criterion=criterion.label,
                number=respondents,
            )
        )
    if not 0 <= satisfied <= respondents:
        raise InvalidInput(
            _(
                "The satisfied for %(criterion)s must lie between 0 and the %(respondents)s "
                "respondents, got %(number)s",
                criterion=criterion.label,
                respondents=respondents,
                number=satisfied,
            )
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
            raise InvalidInput(
                _(
                    "%(criterion)s cannot be answered not applicable (n/a)",
                    criterion=criterion.label,
                )
            )
        return None, NOT_APPLICABLE
    if criterion.kind == PRICE:
        if prices is None:
            raise InvalidInput(
                _(
                    "%(criterion)s needs the lowest valid price and this proposal's price",
                    criterion=criterion.label,
                )
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
