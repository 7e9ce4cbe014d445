"""The sections of a scorecard file (``workflows/scorecards/*.yaml``) and their rules.

:func:`load_criteria`, :func:`load_dimensions`, :func:`load_grades` and
:func:`load_panel_rules` read one section each with the helpers of
:mod:`procure.domain.config`; every refusal is a :class:`ConfigError` naming the file and the
key, e.g. ``review.yaml: criteria[2].weight: must be a number, got 'lots'``.
"""

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal

from procure.domain.config import (
    check_keys,
    config_code,
    config_entries,
    config_flag,
    config_fraction,
    config_labels,
    config_number,
    config_text,
    config_whole,
)
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
from procure.domain.errors import ConfigError
from procure.domain.language import _, pgettext
from procure.domain.text import quoted

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
        raise ConfigError(_("%(where)sbands: at least one band is required", where=where))
    bands: list[AttainmentBand] = []
    for i, entry in enumerate(items):
        at = f"{where}bands[{i}]."
        check_keys(entry, ("from", "share"), at[:-1])
        start = config_fraction(entry.get("from"), f"{at}from")
        share = config_fraction(entry.get("share"), f"{at}share")
        if share > 1:
            raise ConfigError(
                _("%(at)sshare: %(share)s must lie between 0 and 1", at=at, share=share)
            )
        if bands and start >= bands[-1].minimum:
            previous = format(float(bands[-1].minimum), "g")
            raise ConfigError(
                _(
                    "%(at)sfrom: %(start)s must be below the previous band's from %(previous)s;"
                    " list bands from highest to lowest",
                    at=at,
                    start=format(float(start), "g"),
                    previous=previous,
                )
            )
        if bands and share > bands[-1].share:
            raise ConfigError(
                _(
                    "%(at)sshare: %(share)s is more than the higher band's share %(higher)s",
                    at=at,
                    share=share,
                    higher=bands[-1].share,
                )
            )
        bands.append(AttainmentBand(start, share))
    if bands[-1].minimum != 0:
        lowest = format(float(bands[-1].minimum), "g")
        raise ConfigError(
            _(
                "%(where)sbands[%(index)s].from: the lowest band must start at 0 so every"
                " attainment gets points, got %(start)s",
                where=where,
                index=len(bands) - 1,
                start=lowest,
            )
        )
    return tuple(bands)


def _criterion(item: Mapping[str, object], where: str, seen: set[str]) -> Criterion:
    """Load one criterion; keys that do not belong to its kind are refused."""
    check_keys(item, _CRITERION_KEYS, where[:-1])
    code = config_code(item, where, seen)
    kind = config_text(item, "kind", where)
    if kind not in KINDS:
        raise ConfigError(
            _(
                "%(where)skind: %(kind)s is not a known kind; use %(kinds)s",
                where=where,
                kind=quoted(kind),
                kinds=", ".join(KINDS),
            )
        )
    weight = config_number(item.get("weight"), f"{where}weight")
    if weight <= 0:
        raise ConfigError(
            _(
                "%(where)sweight: must be greater than zero, got %(weight)s",
                where=where,
                weight=weight,
            )
        )
    only = (
        ("allow_na", JUDGED),
        ("unit", ATTAINMENT),
        ("unit_en", ATTAINMENT),
        ("bands", ATTAINMENT),
    )
    for key, allowed in only:
        if key in item and kind != allowed:
            raise ConfigError(
                _(
                    "%(where)s%(key)s: only a criterion of kind %(kind)s may have %(key)s",
                    where=where,
                    key=key,
                    kind=allowed,
                )
            )
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
        raise ConfigError(_("%(file)s: criteria: at least one criterion is required", file=file))
    seen: set[str] = set()
    criteria = [_criterion(item, f"{file}: criteria[{i}].", seen) for i, item in enumerate(items)]
    if sum(c.kind == PRICE for c in criteria) > 1:
        raise ConfigError(
            _("%(file)s: criteria: at most one criterion may be of kind price", file=file)
        )
    total = sum((c.weight for c in criteria), Decimal(0))
    if total != FULL_MARKS:
        weights = ", ".join(f"{c.code} {c.weight}" for c in criteria)
        raise ConfigError(
            _(
                "%(file)s: criteria: weights total %(total)s, must total 100 (%(weights)s)",
                file=file,
                total=total,
                weights=weights,
            )
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
                    _(
                        "%(file)s: criteria[%(index)s].dimension: %(dimension)s is not listed;"
                        " add a dimensions section or remove the key",
                        file=file,
                        index=i,
                        dimension=criterion.dimension,
                    )
                )
        return tuple(replace(c, dimension=c.code) for c in criteria), own_dimensions(criteria)
    items = config_entries(data, "dimensions", f"{file}: ")
    if not items:
        raise ConfigError(_("%(file)s: dimensions: at least one dimension is required", file=file))
    seen: set[str] = set()
    listed: list[tuple[str, str, str]] = []
    for i, item in enumerate(items):
        where = f"{file}: dimensions[{i}]."
        check_keys(item, ("code", "label_zh", "label_en"), where[:-1])
        listed.append((config_code(item, where, seen), *config_labels(item, where)))
    for i, criterion in enumerate(criteria):
        if criterion.dimension not in seen:
            raise ConfigError(
                _(
                    "%(file)s: criteria[%(index)s].dimension: %(dimension)s is not one of the"
                    " dimensions %(dimensions)s",
                    file=file,
                    index=i,
                    dimension=criterion.dimension or pgettext("dimension", "missing"),
                    dimensions=", ".join(code for code, _label, _english in listed),
                )
            )
    dimensions: list[Dimension] = []
    for i, (code, label_zh, label_en) in enumerate(listed):
        members = tuple(c for c in criteria if c.dimension == code)
        if not members:
            raise ConfigError(
                _(
                    "%(file)s: dimensions[%(index)s]: dimension %(code)s has no criteria",
                    file=file,
                    index=i,
                    code=code,
                )
            )
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
                raise ConfigError(
                    _(
                        "%(where)s%(key)s: %(value)s must lie between 0 and 100",
                        where=where,
                        key=key,
                        value=value,
                    )
                )
        if start >= end:
            raise ConfigError(
                _(
                    "%(where)sfrom: %(start)s must be below its to %(end)s",
                    where=where,
                    start=start,
                    end=end,
                )
            )
        if not bands and end != FULL_MARKS:
            raise ConfigError(
                _(
                    "%(where)sto: the bands do not include 100; the highest band must end at"
                    " 100, got %(end)s",
                    where=where,
                    end=end,
                )
            )
        if bands and end > bands[-1].minimum:
            raise ConfigError(
                _(
                    "%(where)sto: %(end)s overlaps the band above, which starts at %(start)s",
                    where=where,
                    end=end,
                    start=bands[-1].minimum,
                )
            )
        if bands and end < bands[-1].minimum:
            raise ConfigError(
                _(
                    "%(where)sto: %(end)s leaves a gap below the band above, which starts at"
                    " %(start)s",
                    where=where,
                    end=end,
                    start=bands[-1].minimum,
                )
            )
        bands.append(GradeBand(code, *config_labels(item, where), start, end))
    if bands and bands[-1].minimum != 0:
        raise ConfigError(
            _(
                "%(file)s: grades[%(index)s].from: the lowest band must start at 0 so every"
                " total gets a grade, got %(start)s",
                file=file,
                index=len(bands) - 1,
                start=bands[-1].minimum,
            )
        )
    return tuple(bands)


def load_panel_rules(data: Mapping[str, object], file: str) -> PanelRules:
    """Load the optional ``panel`` section: quorum ≥ 1, trim_from ≥ 3, 0 < share < 1."""
    if "panel" not in data:
        return PanelRules()
    section = data["panel"]
    if not isinstance(section, dict):
        raise ConfigError(
            _("%(file)s: panel: must be a mapping of quorum, trim_from, ...", file=file)
        )
    where = f"{file}: panel."
    check_keys(section, ("quorum", "trim_from", "spread_flag_share"), where[:-1])
    default = PanelRules()
    quorum = config_whole(section, "quorum", where, default=default.quorum)
    if quorum < 1:
        raise ConfigError(
            _("%(where)squorum: must be at least 1, got %(quorum)s", where=where, quorum=quorum)
        )
    trim_from = config_whole(section, "trim_from", where, default=default.trim_from)
    if trim_from < 3:
        raise ConfigError(
            _(
                "%(where)strim_from: must be at least 3 so a sheet remains after dropping the"
                " highest and the lowest, got %(value)s",
                where=where,
                value=trim_from,
            )
        )
    share = default.spread_flag_share
    if "spread_flag_share" in section:
        share = config_number(section["spread_flag_share"], f"{where}spread_flag_share")
        if not 0 < share < 1:
            raise ConfigError(
                _(
                    "%(where)sspread_flag_share: must lie strictly between 0 and 1, got %(share)s",
                    where=where,
                    share=share,
                )
            )
    return PanelRules(quorum, trim_from, share)
