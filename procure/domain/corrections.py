"""Who may correct which recorded fact, until when, and who approves (``corrections.yaml``).

A correction is a new record that points at the fact it corrects; the rules here say, for
each kind of fact, which fields may be corrected, which roles may propose it, in which
project states it is still open, and whether a second person of another role must approve
it before it counts (four eyes). Contract amendments (合同变更) have one rule of their own.
The lifecycle's states and roles are passed in, so the file is checked against them.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from procure.domain.config import load_yaml_mapping
from procure.domain.errors import ConfigError
from procure.domain.language import both
from procure.domain.text import quoted

FIELD_TYPES = ("text", "money", "date", "bool", "sheet")
KINDS = (
    "proposal",
    "review",
    "recusal",
    "contract",
    "payment",
    "inspection",
    "rectification",
    "assessment",
    "comment",
    "objection_answer",
)
"""The kinds of recorded fact a correction may point at (each has its reader in services)."""


@dataclass(frozen=True)
class CorrectableField:
    """One field of a fact that a correction may change."""

    name: str
    type: str
    zh: str
    max_length: int | None = None
    en: str = ""

    @property
    def label(self) -> str:
        """The field's name in the language in use."""
        return both(self.zh, self.en or self.zh)


@dataclass(frozen=True)
class ChangeRule:
    """Who proposes a change, in which states, and who approves it (None: nobody needs to)."""

    zh: str
    roles: tuple[str, ...]
    stages: tuple[str, ...]
    approval: str | None = None
    approval_fields: tuple[str, ...] = ()
    fields: tuple[CorrectableField, ...] = ()
    en: str = ""

    @property
    def label(self) -> str:
        """How people name the fact, in the language in use."""
        return both(self.zh, self.en or self.zh)

    def field(self, name: str) -> CorrectableField | None:
        """The correctable field called ``name``, if any."""
        return next((f for f in self.fields if f.name == name), None)

    def needs_approval(self, changed: Collection[str]) -> bool:
        """Whether a change of the fields ``changed`` must be approved by a second person."""
        if self.approval is None:
            return False
        return not self.approval_fields or any(name in self.approval_fields for name in changed)


@dataclass(frozen=True)
class CorrectionRules:
    """Every kind's correction rule, and the rule of contract amendments."""

    kinds: Mapping[str, ChangeRule]
    amendments: ChangeRule


def load_correction_rules(
    path: Path, *, states: Collection[str], roles: Collection[str]
) -> CorrectionRules:
    """Load and check ``path`` against the lifecycle's ``states`` and ``roles``.

    Raises:
        ConfigError: naming the file and key of the first problem found.
    """
    file = str(path)
    data = load_yaml_mapping(path)
    _only(data, ("version", "kinds", "amendments"), f"{file}: ")
    kinds_raw = _mapping(data.get("kinds"), f"{file}: kinds")
    unknown = [str(kind) for kind in kinds_raw if kind not in KINDS]
    if unknown:
        raise ConfigError(
            f"{file}: kinds: unknown kind {', '.join(unknown)} (known: {', '.join(KINDS)})"
        )
    kinds = {
        str(kind): _rule(raw, f"{file}: kinds.{kind}", states, roles, with_fields=True)
        for kind, raw in kinds_raw.items()
    }
    amendments = _rule(data.get("amendments"), f"{file}: amendments", states, roles)
    if amendments.approval is None:
        raise ConfigError(f"{file}: amendments.approval: a contract amendment needs an approver")
    return CorrectionRules(kinds=kinds, amendments=amendments)


def _rule(
    raw: object,
    where: str,
    states: Collection[str],
    roles: Collection[str],
    *,
    with_fields: bool = False,
) -> ChangeRule:
    data = _mapping(raw, where)
    known = ["zh", "en", "roles", "stages", "approval", "approval_fields"]
    _only(data, (*known, "fields") if with_fields else known, f"{where}.")
    zh = data.get("zh")
    if not isinstance(zh, str) or not zh.strip():
        raise ConfigError(f"{where}.zh: required text is missing or empty, got {quoted(zh)}")
    rule_roles = _names(data.get("roles"), f"{where}.roles", roles, "role")
    stages = _names(data.get("stages"), f"{where}.stages", states, "state")
    approval = data.get("approval")
    if approval is not None:
        _names([approval], f"{where}.approval", roles, "role")
        if approval in rule_roles:
            raise ConfigError(
                f"{where}.approval: {approval} also proposes; four eyes need another role"
            )
    fields = _fields(data.get("fields"), f"{where}.fields") if with_fields else ()
    approval_fields: tuple[str, ...] = ()
    if "approval_fields" in data:
        if approval is None:
            raise ConfigError(f"{where}.approval_fields: given without an approval role")
        approval_fields = _names(
            data["approval_fields"], f"{where}.approval_fields", [f.name for f in fields], "field"
        )
    return ChangeRule(
        zh=zh.strip(),
        roles=rule_roles,
        stages=stages,
        approval=None if approval is None else str(approval),
        approval_fields=approval_fields,
        fields=fields,
        en=_optional_text(data.get("en"), f"{where}.en"),
    )


def _optional_text(raw: object, where: str) -> str:
    """An optional text (the English name beside the Chinese one): empty when left out."""
    if raw is None:
        return ""
    if not isinstance(raw, str) or not raw.strip():
        raise ConfigError(f"{where}: must be a non-empty text, got {quoted(raw)}")
    return raw.strip()


def _fields(raw: object, where: str) -> tuple[CorrectableField, ...]:
    data = _mapping(raw, where)
    if not data:
        raise ConfigError(f"{where}: name at least one field that may be corrected")
    fields = []
    for name, spec_raw in data.items():
        spec = _mapping(spec_raw, f"{where}.{name}")
        _only(spec, ("type", "zh", "en", "max"), f"{where}.{name}.")
        kind = spec.get("type")
        if kind not in FIELD_TYPES:
            raise ConfigError(
                f"{where}.{name}.type: {quoted(kind)} is not one of {', '.join(FIELD_TYPES)}"
            )
        zh = spec.get("zh")
        if not isinstance(zh, str) or not zh.strip():
            raise ConfigError(f"{where}.{name}.zh: required text is missing or empty")
        most = spec.get("max")
        if most is not None and (
            kind != "text" or isinstance(most, bool) or not isinstance(most, int) or most < 1
        ):
            raise ConfigError(
                f"{where}.{name}.max: a maximum length applies to text, as a whole number"
            )
        en = _optional_text(spec.get("en"), f"{where}.{name}.en")
        fields.append(CorrectableField(str(name), str(kind), zh.strip(), most, en))
    return tuple(fields)


def _mapping(raw: object, where: str) -> Mapping[str, object]:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: must be a mapping, got {quoted(raw)}")
    return raw


def _only(data: Mapping[str, object], known: Collection[str], where: str) -> None:
    extra = [str(key) for key in data if key not in known]
    if extra:
        raise ConfigError(f"{where}unknown key {', '.join(extra)}; expected {', '.join(known)}")


def _names(raw: object, where: str, known: Collection[str], what: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw or not all(isinstance(n, str) for n in raw):
        raise ConfigError(f"{where}: must be a non-empty list of {what}s, got {quoted(raw)}")
    for name in raw:
        if name not in known:
            raise ConfigError(f"{where}: unknown {what} {quoted(name)} (known: {', '.join(known)})")
    return tuple(raw)
