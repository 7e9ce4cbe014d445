"""Scorecards: weighted criteria grouped in dimensions, grade bands, and scoring a sheet.

A scorecard is configuration (``workflows/scorecards/*.yaml``): the review scorecard
(评审评分表) and the assessment scorecard (绩效考核评分表) are both loaded by
:func:`load_scorecard`, which refuses, naming the file and key, any file whose weights do not
total 100, whose kinds are unknown, or whose grade bands overlap, leave a gap or do not cover
0..100. The kinds of criterion and their arithmetic are in :mod:`procure.domain.criteria`.

Scoring a sheet (:meth:`Scorecard.score_sheet`): every criterion is answered; "not
applicable" answers (where allowed) are left out and the total rescaled to 100:
total = sum of points × 100 ÷ weight of the applicable criteria. Rounding is ROUND_HALF_UP to
two places at these points only: each computed criterion's points (price, attainment,
satisfaction) and the sheet total after rescaling. A score above a criterion's maximum, below
zero or given as a float is an error, never clamped.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from procure.domain.config import check_keys, config_number, config_text, load_yaml_mapping
from procure.domain.criteria import (
    FULL_MARKS,
    KINDS,
    AttainmentBand,
    Criterion,
    Dimension,
    GradeBand,
    PanelRules,
    PriceContext,
    judged_points,
    price_points,
    round_half_up,
    score_criterion,
    to_number,
)
from procure.domain.errors import ConfigError, InvalidInput, NotFound
from procure.domain.language import both, ngettext, pgettext
from procure.domain.language import gettext as _
from procure.domain.money import quantize2
from procure.domain.scorecard_sections import (
    load_criteria,
    load_dimensions,
    load_grades,
    load_panel_rules,
    own_dimensions,
)
from procure.domain.text import quoted

__all__ = [
    "FULL_MARKS",
    "KINDS",
    "AttainmentBand",
    "Criterion",
    "Dimension",
    "GradeBand",
    "PanelRules",
    "PriceContext",
    "Scorecard",
    "ScoredSheet",
    "config_number",
    "config_text",
    "load_scorecard",
    "load_yaml_mapping",
    "price_points",
]


@dataclass(frozen=True)
class ScoredSheet:
    """One person's sheet, checked and scored.

    Attributes:
        points: criterion code -> points, in scorecard order (None = not applicable).
        inputs: criterion code -> the answer normalized to JSON-friendly strings.
        applicable_weight: the sum of the weights of the applicable criteria.
        raw_total: the sum of the points, before rescaling.
        total: raw_total × 100 ÷ applicable_weight, rounded half up to two places.
    """

    points: dict[str, Decimal | None]
    inputs: dict[str, object]
    applicable_weight: Decimal
    raw_total: Decimal
    total: Decimal


@dataclass(frozen=True)
class Scorecard:
    """A versioned set of criteria with an optional pass mark, grade bands and panel rules."""

    name: str
    version: int
    title_zh: str
    criteria: tuple[Criterion, ...]
    pass_mark: Decimal | None
    grades: tuple[GradeBand, ...]
    title_en: str = ""
    dimensions: tuple[Dimension, ...] = ()
    """The criteria grouped; a scorecard without dimensions has one per criterion."""
    panel: PanelRules = field(default_factory=PanelRules)

    def __post_init__(self) -> None:
        if not self.dimensions:
            object.__setattr__(self, "dimensions", own_dimensions(self.criteria))

    @property
    def title(self) -> str:
        """The title in the language in use: 评审评分表, or Proposal review scorecard."""
        return both(self.title_zh, self.title_en or self.title_zh)

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
            _(
                "The scorecard %(title)s (version %(version)s) has no criterion %(code)s; its "
                "criteria are %(codes)s",
                title=self.title,
                version=self.version,
                code=code,
                codes=", ".join(c.code for c in self.criteria),
            )
        )

    def dimension(self, code: str) -> Dimension:
        """Return the dimension with this code.

        Raises:
            NotFound: if the scorecard has no such dimension.
        """
        for dimension in self.dimensions:
            if dimension.code == code:
                return dimension
        raise NotFound(
            _(
                "The scorecard %(title)s (version %(version)s) has no dimension %(code)s; its "
                "dimensions are %(codes)s",
                title=self.title,
                version=self.version,
                code=code,
                codes=", ".join(d.code for d in self.dimensions),
            )
        )

    def _check_codes(self, raw: Mapping[str, object], *, complete: bool) -> None:
        """Refuse answers for unknown criteria and (when ``complete``) missing answers."""
        known = {c.code for c in self.criteria}
        unknown = [str(code) for code in raw if code not in known]
        if unknown:
            raise InvalidInput(
                _(
                    "A score was given for an unknown criterion %(codes)s; the scorecard "
                    "%(title)s (version %(version)s) has %(known)s",
                    codes=", ".join(unknown),
                    title=self.title,
                    version=self.version,
                    known=", ".join(c.code for c in self.criteria),
                )
            )
        missing = [c for c in self.criteria if c.code not in raw]
        if complete and missing:
            raise InvalidInput(
                ngettext(
                    "No score for the criterion %(names)s",
                    "No score for the criteria %(names)s",
                    len(missing),
                    names=pgettext("list", ", ").join(c.label for c in missing),
                )
            )

    def parse_scores(
        self, raw: Mapping[str, object], *, complete: bool = True
    ) -> dict[str, Decimal]:
        """Check a sheet of plain numbers (any kind given as its points) and convert to Decimal.

        Args:
            raw: criterion code -> score as str, int or Decimal (floats are refused).
            complete: whether every criterion must be scored (False for a draft sheet).

        Returns:
            criterion code -> score, in scorecard order.

        Raises:
            InvalidInput: for an unknown criterion, a missing score (when ``complete``), a
                score that is not a number, negative, or above the criterion's maximum.
        """
        self._check_codes(raw, complete=complete)
        return {c.code: judged_points(c, raw[c.code]) for c in self.criteria if c.code in raw}

    def total(self, scores: Mapping[str, object]) -> Decimal:
        """Add up a complete sheet of plain numbers (no "not applicable" answers).

        Returns:
            The total, rounded half up to two places.

        Raises:
            InvalidInput: as :meth:`parse_scores` does for a complete sheet.
        """
        return quantize2(sum(self.parse_scores(scores).values(), Decimal(0)))

    def score_sheet(
        self, raw: Mapping[str, object], *, prices: PriceContext | None = None
    ) -> ScoredSheet:
        """Check and score a complete sheet.

        Args:
            raw: criterion code -> answer: a number (str, int or Decimal) for a judged
                criterion, or ``"n/a"`` / ``"N/A"`` / ``"不适用"`` where allowed;
                ``{planned, actual}`` for attainment; ``{respondents, satisfied}`` for
                satisfaction. Price criteria are not given: they come from ``prices``.
            prices: the lowest valid price and this proposal's price.

        Returns:
            The scored sheet; see the module docstring for rescaling and rounding.

        Raises:
            InvalidInput: naming the criterion: unknown, missing, a price given, above its
                maximum, below zero, a float, n/a where not allowed, bad facts; or every
                criterion not applicable.
        """
        given_prices = [c.label for c in self.criteria if c.kind == "price" and c.code in raw]
        if given_prices:
            raise InvalidInput(
                _(
                    "%(criterion)s is computed from the quoted prices, not scored by a person",
                    criterion=", ".join(given_prices),
                )
            )
        computed = {c.code: None for c in self.criteria if c.kind == "price"}
        self._check_codes({**raw, **computed}, complete=True)
        points: dict[str, Decimal | None] = {}
        inputs: dict[str, object] = {}
        for criterion in self.criteria:
            value = raw.get(criterion.code)
            points[criterion.code], inputs[criterion.code] = score_criterion(
                criterion, value, prices
            )
        applicable = [c for c in self.criteria if points[c.code] is not None]
        if not applicable:
            raise InvalidInput(
                _(
                    "Every criterion of the scorecard %(title)s is not applicable; at least one "
                    "must be scored",
                    title=self.title,
                )
            )
        weight = sum((c.weight for c in applicable), Decimal(0))
        raw_total = sum((p for p in points.values() if p is not None), Decimal(0))
        total = round_half_up(Fraction(raw_total) * Fraction(self.max_total) / Fraction(weight))
        return ScoredSheet(points, inputs, weight, raw_total, total)

    def _checked_total(self, total: Decimal) -> Decimal:
        """Round a total to two places and check it lies within 0..max_total."""
        rounded = quantize2(to_number(total, _("The total")))
        if rounded < 0 or rounded > self.max_total:
            raise InvalidInput(
                _(
                    "The total %(total)s is outside 0 to %(maximum)s for the scorecard %(title)s",
                    total=rounded,
                    maximum=self.max_total,
                    title=self.title,
                )
            )
        return rounded

    def grade(self, total: Decimal) -> GradeBand:
        """Return the grade band of a total, rounding it half up to two places first.

        So 79.995 becomes 80.00 and is graded 良好 (good); 89.995 becomes 90.00, 优秀.

        Raises:
            InvalidInput: if the total is not a number within 0..max_total.
            ConfigError: if the scorecard defines no grade band for it.
        """
        rounded = self._checked_total(total)
        for i, band in enumerate(self.grades):
            top = i == 0
            if band.minimum <= rounded and (rounded < band.maximum or top):
                return band
        raise ConfigError(f"scorecard {self.name} v{self.version} has no grade band for {rounded}")

    def passes(self, total: Decimal) -> bool:
        """Whether a total (rounded half up to two places) reaches the pass mark.

        A scorecard without a pass mark passes every valid total.
        """
        rounded = self._checked_total(total)
        return self.pass_mark is None or rounded >= self.pass_mark


_TOP_KEYS = (
    "name", "version", "title_zh", "title_en", "pass_mark", "criteria", "dimensions", "grades",
    "panel",
)  # fmt: skip


def load_scorecard(path: Path) -> Scorecard:
    """Load and check a scorecard file such as ``workflows/scorecards/review.yaml``.

    Raises:
        ConfigError: naming the file and key of the first problem found.
    """
    file = str(path)
    data = load_yaml_mapping(path)
    check_keys(data, _TOP_KEYS, file)
    name = config_text(data, "name", f"{file}: ")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ConfigError(
            f"{file}: version: must be a whole number of 1 or more, got {quoted(version)}"
        )
    title_zh = config_text(data, "title_zh", f"{file}: ")
    title_en = config_text(data, "title_en", f"{file}: ")
    criteria, dimensions = load_dimensions(data, file, load_criteria(data, file))
    pass_mark: Decimal | None = None
    if data.get("pass_mark") is not None:
        pass_mark = config_number(data["pass_mark"], f"{file}: pass_mark")
        if not 0 <= pass_mark <= FULL_MARKS:
            raise ConfigError(f"{file}: pass_mark: {pass_mark} must lie between 0 and 100")
    return Scorecard(
        name,
        version,
        title_zh,
        criteria,
        pass_mark,
        load_grades(data, file),
        title_en,
        dimensions,
        load_panel_rules(data, file),
    )
