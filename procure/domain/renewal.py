"""The renewal policy (优胜劣汰): what an assessment grade or a veto item leads to.

Loaded from ``workflows/renewal.yaml``. Each grade maps to an action: renew (续约),
rectify (整改, then renew or drop by the rectification outcome) or drop (不再合作). Any veto
item (一票否决) leads to the veto action whatever the score, and a drop may bar the
organization from that purchaser's next funding year.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

from procure.domain.errors import ConfigError, InvalidInput
from procure.domain.language import N_, _, both, pgettext
from procure.domain.money import quantize2
from procure.domain.scorecard import GradeBand, config_text, load_yaml_mapping
from procure.domain.text import quoted

RENEW = "renew"
RECTIFY = "rectify"
DROP = "drop"
ACTIONS = (RENEW, RECTIFY, DROP)
_VERBS = {RENEW: "renews", RECTIFY: "requires rectification", DROP: "drops"}
"""The verbs of the recorded reasons (English, as the audit trail has always stored them)."""
_ACTION_OF_VERB = {verb: action for action, verb in _VERBS.items()}
_VERB = "(renews|requires rectification|drops)"
_RECORDED_GRADED = re.compile(rf"graded (\S+) \(([\d.]+)\): policy {_VERB}")
_RECORDED_VETOED = re.compile(rf"veto items? (.+) appl(?:y|ies): policy {_VERB} whatever the score")
_RECORDED_VETO_CODE = re.compile(r"\(([a-z0-9_]+)\)")
_RECORDED_RECTIFIED = re.compile(rf"rectification (accepted|rejected): policy {_VERB}")
GRADED = {
    RENEW: N_("Graded %(grade)s (%(total)s): the policy renews the contract"),
    RECTIFY: N_("Graded %(grade)s (%(total)s): the policy requires rectification"),
    DROP: N_("Graded %(grade)s (%(total)s): the policy ends the cooperation"),
}
"""What the renewal policy makes of a grade, one sentence per action (as people read it)."""
VETOED = {
    RENEW: N_("Veto item %(items)s: the policy renews the contract whatever the score"),
    RECTIFY: N_("Veto item %(items)s: the policy requires rectification whatever the score"),
    DROP: N_("Veto item %(items)s: the policy ends the cooperation whatever the score"),
}
"""What the renewal policy makes of a veto item found, one sentence per action."""
RECTIFIED = {
    (True, RENEW): N_("Rectification accepted: the policy renews the contract"),
    (True, RECTIFY): N_("Rectification accepted: the policy requires rectification"),
    (True, DROP): N_("Rectification accepted: the policy ends the cooperation"),
    (False, RENEW): N_("Rectification rejected: the policy renews the contract"),
    (False, RECTIFY): N_("Rectification rejected: the policy requires rectification"),
    (False, DROP): N_("Rectification rejected: the policy ends the cooperation"),
}
"""What the renewal policy makes of a rectification's outcome, one sentence per action."""


@dataclass(frozen=True)
class VetoItem:
    """A fault that decides the outcome whatever the score (e.g. 挪用资金, misuse of funds)."""

    code: str
    label_zh: str
    label_en: str


@dataclass(frozen=True)
class Decision:
    """The renew-or-drop outcome with the sentence that explains it.

    ``reason`` is what the audit trail records (English with the grade's Chinese name, as it
    has always been stored, and as the trail check replays it); :meth:`shown` is the same
    sentence in the language in use, for people to read.
    """

    action: str
    reason: str
    grade: GradeBand | None = field(default=None, compare=False)
    total: Decimal | None = field(default=None, compare=False)
    veto: tuple[VetoItem, ...] = field(default=(), compare=False)
    rectification: bool | None = field(default=None, compare=False)

    def shown(self) -> str:
        """The reason in the language in use: the grade and veto items by their names."""
        if self.veto:
            items = pgettext("list", ", ").join(both(v.label_zh, v.label_en) for v in self.veto)
            return _(VETOED[self.action], items=items)
        if self.rectification is not None:
            return _(RECTIFIED[self.rectification, self.action])
        if self.grade is not None and self.total is not None:
            return _(GRADED[self.action], grade=self.grade.label, total=quantize2(self.total))
        return self.reason


@dataclass(frozen=True)
class RenewalPolicy:
    """Grade -> action, the veto action, the rectification outcomes and the drop bar."""

    version: int
    actions: Mapping[str, str]
    veto_action: str
    veto_items: Mapping[str, VetoItem]
    bar_on_drop: bool
    rectification_accepted: str
    rectification_rejected: str
    source: str = "renewal policy"

    def check_covers(self, grade_codes: Iterable[str], source: str) -> None:
        """Check that every grade of a scorecard has an action.

        Args:
            grade_codes: the grade band codes of a scorecard.
            source: the scorecard file (or name) the grades come from, for the message.

        Raises:
            ConfigError: naming the first grade the policy does not cover.
        """
        for code in grade_codes:
            if code not in self.actions:
                raise ConfigError(
                    f"{self.source}: actions: no action for grade {code} of {source}; "
                    f"add one of {', '.join(ACTIONS)}"
                )

    def decide(self, grade: GradeBand, total: Decimal, veto: Sequence[str]) -> Decision:
        """Decide what an assessment leads to.

        Args:
            grade: the grade band of the assessment total.
            total: the assessment total (shown rounded half up to two places).
            veto: codes of the veto items found; any one overrides the grade.

        Returns:
            The action and a sentence such as "graded 良好 (84.50): policy renews".

        Raises:
            InvalidInput: for an unknown veto item code.
            ConfigError: if the policy has no action for the grade.
        """
        if isinstance(veto, str):
            veto = [veto]
        if veto:
            unknown = [code for code in veto if code not in self.veto_items]
            if unknown:
                raise InvalidInput(
                    f"unknown veto item {', '.join(unknown)}; the renewal policy knows "
                    f"{', '.join(self.veto_items)}"
                )
            items = ", ".join(
                f"{self.veto_items[code].label_zh} ({code})" for code in dict.fromkeys(veto)
            )
            noun = "veto item" if len(set(veto)) == 1 else "veto items"
            verb = "applies" if len(set(veto)) == 1 else "apply"
            return Decision(
                self.veto_action,
                f"{noun} {items} {verb}: policy {_VERBS[self.veto_action]} whatever the score",
                veto=tuple(self.veto_items[code] for code in dict.fromkeys(veto)),
            )
        action = self.actions.get(grade.code)
        if action is None:
            raise ConfigError(
                f"{self.source}: actions: no action for grade {grade.code} ({grade.label_zh})"
            )
        return Decision(
            action,
            f"graded {grade.label_zh} ({quantize2(total)}): policy {_VERBS[action]}",
            grade=grade,
            total=total,
        )

    def after_rectification(self, accepted: bool) -> Decision:
        """Decide the outcome once a rectification (整改) has been accepted or rejected."""
        if accepted:
            return Decision(
                self.rectification_accepted,
                f"rectification accepted: policy {_VERBS[self.rectification_accepted]}",
                rectification=True,
            )
        return Decision(
            self.rectification_rejected,
            f"rectification rejected: policy {_VERBS[self.rectification_rejected]}",
            rectification=False,
        )

    def shown_from_record(self, recorded: str, grades: Iterable[GradeBand]) -> str:
        """A reason the trail recorded (a :attr:`Decision.reason`) in the language in use, the
        grade and veto items by their names; any other reason (a person's own words) as it is.

        Args:
            recorded: the reason as the trail holds it.
            grades: the grade bands of the assessment scorecard (to name a recorded grade).
        """
        text = recorded.strip()
        if found := _RECORDED_GRADED.fullmatch(text):
            band = next((g for g in grades if g.label_zh == found[1]), None)
            action = _ACTION_OF_VERB.get(found[3])
            if band is not None and action is not None:
                return Decision(action, text, grade=band, total=Decimal(found[2])).shown()
        if found := _RECORDED_VETOED.fullmatch(text):
            codes = _RECORDED_VETO_CODE.findall(found[1])
            action = _ACTION_OF_VERB.get(found[2])
            if codes and action is not None and all(c in self.veto_items for c in codes):
                items = tuple(self.veto_items[code] for code in codes)
                return Decision(action, text, veto=items).shown()
        if found := _RECORDED_RECTIFIED.fullmatch(text):
            action = _ACTION_OF_VERB.get(found[2])
            if action is not None:
                return Decision(action, text, rectification=found[1] == "accepted").shown()
        return recorded

    def bars(self, action: str) -> bool:
        """Whether this action bars the organization from the purchaser's next funding year.

        Raises:
            InvalidInput: if ``action`` is not renew, rectify or drop.
        """
        if action not in ACTIONS:
            raise InvalidInput(f"action {quoted(action)} is not one of {', '.join(ACTIONS)}")
        return action == DROP and self.bar_on_drop


def _action(value: object, where: str, allowed: tuple[str, ...] = ACTIONS) -> str:
    """Return ``value`` if it is one of the ``allowed`` actions."""
    if value not in allowed:
        raise ConfigError(
            f"{where}: {quoted(value)} is not an allowed action; use {', '.join(allowed)}"
        )
    return str(value)


def _mapping(data: Mapping[str, object], key: str, file: str) -> Mapping[str, object]:
    """Return the required non-empty mapping under ``key``."""
    value = data.get(key)
    if not isinstance(value, dict) or not value:
        raise ConfigError(f"{file}: {key}: must be a non-empty mapping, got {quoted(value)}")
    return value


def _veto_items(data: Mapping[str, object], file: str) -> dict[str, VetoItem]:
    """Load the veto items: code -> {label_zh, label_en}."""
    items: dict[str, VetoItem] = {}
    for code, item in _mapping(data, "veto_items", file).items():
        where = f"{file}: veto_items.{code}"
        if not isinstance(item, dict):
            raise ConfigError(f"{where}: must be a mapping with label_zh and label_en")
        items[str(code)] = VetoItem(
            str(code),
            config_text(item, "label_zh", f"{where}."),
            config_text(item, "label_en", f"{where}."),
        )
    return items


def load_renewal_policy(path: Path) -> RenewalPolicy:
    """Load and check ``workflows/renewal.yaml``.

    Raises:
        ConfigError: naming the file and key of the first problem found.
    """
    file = str(path)
    data = load_yaml_mapping(path)
    known = ("version", "actions", "veto", "veto_items", "bar_on_drop", "rectification")
    extra = [str(key) for key in data if key not in known]
    if extra:
        raise ConfigError(f"{file}: unknown key {', '.join(extra)}; expected {', '.join(known)}")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ConfigError(
            f"{file}: version: must be a whole number of 1 or more, got {quoted(version)}"
        )
    actions = {
        str(grade): _action(action, f"{file}: actions.{grade}")
        for grade, action in _mapping(data, "actions", file).items()
    }
    veto_action = _action(data.get("veto"), f"{file}: veto", (RECTIFY, DROP))
    bar_on_drop = data.get("bar_on_drop")
    if not isinstance(bar_on_drop, bool):
        raise ConfigError(f"{file}: bar_on_drop: must be true or false, got {quoted(bar_on_drop)}")
    rectification = _mapping(data, "rectification", file)
    outcomes = {
        key: _action(rectification.get(key), f"{file}: rectification.{key}", (RENEW, DROP))
        for key in ("accepted", "rejected")
    }
    return RenewalPolicy(
        version=version,
        actions=MappingProxyType(actions),
        veto_action=veto_action,
        veto_items=MappingProxyType(_veto_items(data, file)),
        bar_on_drop=bar_on_drop,
        rectification_accepted=outcomes["accepted"],
        rectification_rejected=outcomes["rejected"],
        source=file,
    )
