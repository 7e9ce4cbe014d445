"""Load and validate a workflow definition (``workflows/service_project.yaml``).

A definition is plain data: states with labels, transitions with their roles,
guards by name and the facts (params) they need. Loading refuses, naming the
file and the key, anything the engine could not run safely.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from procure.domain.datafile import read_yaml
from procure.domain.errors import ConfigError, InvalidInput
from procure.domain.language import both
from procure.domain.text import quoted
from procure.workflow.roles import READ_ONLY_ROLES, ROLES

PARAM_TYPES: frozenset[str] = frozenset(
    {"text", "money", "date", "uscc", "bool", "sheet", "texts", "list", "account"}
)
SAME_STATE = "same"


@dataclass(frozen=True)
class StateDef:
    """One state: its code, labels and whether the lifecycle ends there."""

    code: str
    zh: str
    en: str
    terminal: bool

    @property
    def label(self) -> str:
        """The state's name in the language in use."""
        return both(self.zh, self.en)


@dataclass(frozen=True)
class ParamDef:
    """A fact a trigger needs, e.g. the contract amount, and its name in both languages."""

    name: str
    type: str
    zh: str
    required: bool
    max_length: int | None = None
    en: str = ""

    @property
    def label(self) -> str:
        """The fact's name in the language in use (the Chinese when it has no English)."""
        return both(self.zh, self.en or self.zh)


@dataclass(frozen=True)
class TransitionDef:
    """One trigger: where it may fire from, where it leads, who may fire it and what guards it.

    ``dest`` is ``None`` when the trigger records a fact and leaves the state as it is.
    """

    trigger: str
    zh: str
    en: str
    sources: tuple[str, ...]
    dest: str | None
    roles: tuple[str, ...]
    guards: tuple[str, ...]
    params: tuple[ParamDef, ...]
    reason_required: bool
    named_organization: bool = False
    """An ``organization`` account acts for the organization the trigger names (its
    ``organization`` fact), not the project's awarded one: e.g. a bidder's objection."""
    irreversible: tuple[str, str] | None = None
    """What firing it settles for good (Chinese, English): the browser asks to confirm."""

    @property
    def label(self) -> str:
        """The step's name in the language in use."""
        return both(self.zh, self.en)

    def destination_from(self, source: str) -> str:
        """Return the state the project is in after firing from ``source``."""
        return source if self.dest is None else self.dest


@dataclass(frozen=True)
class WorkflowDefinition:
    """A whole lifecycle, validated."""

    name: str
    version: int
    initial: str
    states: tuple[StateDef, ...]
    transitions: tuple[TransitionDef, ...]
    source: str

    def state(self, code: str) -> StateDef:
        """Return a state by code; ``KeyError`` if unknown."""
        for state in self.states:
            if state.code == code:
                return state
        raise KeyError(code)

    def has_state(self, code: str) -> bool:
        """Tell whether ``code`` names a state of this workflow."""
        return any(state.code == code for state in self.states)

    def transitions_for(self, trigger: str) -> tuple[TransitionDef, ...]:
        """Return every entry of a trigger (one per group of sources); empty if unknown."""
        return tuple(t for t in self.transitions if t.trigger == trigger)

    def transition_from(self, trigger: str, source: str) -> TransitionDef | None:
        """Return the entry of ``trigger`` that may fire from ``source``, if any."""
        for transition in self.transitions_for(trigger):
            if source in transition.sources:
                return transition
        return None

    def triggers(self) -> tuple[str, ...]:
        """Return every trigger once, in definition order."""
        return tuple(dict.fromkeys(transition.trigger for transition in self.transitions))


def load_workflow(path: Path, *, known_guards: Collection[str]) -> WorkflowDefinition:
    """Load a workflow YAML file and validate it.

    Args:
        path: the YAML file.
        known_guards: names of the guards the engine can run.

    Returns:
        The validated definition.

    Raises:
        ConfigError: naming the file and key of the first problem found.
    """
    try:
        raw = read_yaml(path, exact=False, source=path.name)
    except InvalidInput as exc:
        raise ConfigError(str(exc)) from exc
    return parse_workflow(raw, source=path.name, known_guards=known_guards)


def parse_workflow(
    raw: object, *, source: str, known_guards: Collection[str]
) -> WorkflowDefinition:
    """Validate an already parsed definition; see :func:`load_workflow`."""
    top = _mapping(raw, source, "(top level)")
    states = _parse_states(top.get("states"), source)
    codes = {state.code for state in states}
    initial = _text(top, "initial", source, "initial")
    if initial not in codes:
        raise ConfigError(f"{source}: initial: unknown state {quoted(initial)}")
    transitions = _parse_transitions(top.get("transitions"), source, codes, known_guards)
    _check_reachability(states, transitions, initial, source)
    version = top.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ConfigError(f"{source}: version: must be a positive whole number")
    return WorkflowDefinition(
        name=_text(top, "name", source, "name"),
        version=version,
        initial=initial,
        states=states,
        transitions=transitions,
        source=source,
    )


def _parse_states(raw: object, source: str) -> tuple[StateDef, ...]:
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f"{source}: states: must be a non-empty list")
    states: list[StateDef] = []
    for index, item in enumerate(raw):
        key = f"states[{index}]"
        entry = _mapping(item, source, key)
        code = _text(entry, "code", source, f"{key}.code")
        key = f"states[{index}] ({code})"
        if any(state.code == code for state in states):
            raise ConfigError(f"{source}: {key}.code: state {quoted(code)} is defined twice")
        terminal = entry.get("terminal", False)
        if not isinstance(terminal, bool):
            raise ConfigError(f"{source}: {key}.terminal: must be true or false")
        states.append(
            StateDef(
                code=code,
                zh=_text(entry, "zh", source, f"{key}.zh"),
                en=_text(entry, "en", source, f"{key}.en"),
                terminal=terminal,
            )
        )
    return tuple(states)


def _parse_transitions(
    raw: object, source: str, codes: set[str], known_guards: Collection[str]
) -> tuple[TransitionDef, ...]:
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f"{source}: transitions: must be a non-empty list")
    transitions: list[TransitionDef] = []
    for index, item in enumerate(raw):
        entry = _mapping(item, source, f"transitions[{index}]")
        trigger = _text(entry, "trigger", source, f"transitions[{index}].trigger")
        transition = _parse_transition(
            entry, trigger, f"transitions[{index}] ({trigger})", source, codes, known_guards
        )
        for earlier in transitions:
            clash = sorted(set(earlier.sources) & set(transition.sources))
            if earlier.trigger == trigger and clash:
                raise ConfigError(
                    f"{source}: transitions[{index}] ({trigger}).from: trigger {quoted(trigger)} "
                    f"is defined twice for source {quoted(clash[0])}"
                )
        transitions.append(transition)
    return tuple(transitions)


def _parse_transition(
    entry: Mapping[str, Any],
    trigger: str,
    key: str,
    source: str,
    codes: set[str],
    known_guards: Collection[str],
) -> TransitionDef:
    sources = _names(entry.get("from"), source, f"{key}.from")
    for state in sources:
        if state not in codes:
            raise ConfigError(f"{source}: {key}.from: unknown state {quoted(state)}")
    if len(set(sources)) != len(sources):
        raise ConfigError(f"{source}: {key}.from: a source state is listed twice")
    dest_raw = _text(entry, "to", source, f"{key}.to")
    if dest_raw != SAME_STATE and dest_raw not in codes:
        raise ConfigError(f"{source}: {key}.to: unknown state {quoted(dest_raw)}")
    roles = _names(entry.get("roles"), source, f"{key}.roles")
    for role in roles:
        if role not in ROLES:
            raise ConfigError(
                f"{source}: {key}.roles: unknown role {quoted(role)} (known: {', '.join(ROLES)})"
            )
        if role in READ_ONLY_ROLES:
            raise ConfigError(
                f"{source}: {key}.roles: role {quoted(role)} is read-only and fires nothing"
            )
    guards = _names(entry.get("guards", []), source, f"{key}.guards", allow_empty=True)
    for guard in guards:
        if guard not in known_guards:
            raise ConfigError(f"{source}: {key}.guards: unknown guard {quoted(guard)}")
    reason_required = entry.get("reason_required", False)
    if not isinstance(reason_required, bool):
        raise ConfigError(f"{source}: {key}.reason_required: must be true or false")
    acts_for = entry.get("acts_for")
    if acts_for not in (None, "named_organization"):
        raise ConfigError(f"{source}: {key}.acts_for: {quoted(acts_for)} is not named_organization")
    params = _parse_params(entry.get("params", {}), source, f"{key}.params")
    if acts_for and not any(p.name == "organization" and p.type == "uscc" for p in params):
        raise ConfigError(
            f"{source}: {key}.acts_for: named_organization needs an organization param (uscc)"
        )
    return TransitionDef(
        trigger=trigger,
        zh=_text(entry, "zh", source, f"{key}.zh"),
        en=_text(entry, "en", source, f"{key}.en"),
        sources=sources,
        dest=None if dest_raw == SAME_STATE else dest_raw,
        roles=roles,
        guards=guards,
        params=params,
        reason_required=reason_required,
        named_organization=acts_for is not None,
        irreversible=_irreversible(entry.get("irreversible"), source, f"{key}.irreversible"),
    )


def _irreversible(raw: object, source: str, key: str) -> tuple[str, str] | None:
    """An ``irreversible: {zh: ..., en: ...}`` entry: what cannot be undone, in both languages."""
    if raw is None:
        return None
    said = _mapping(raw, source, key)
    return _text(said, "zh", source, f"{key}.zh"), _text(said, "en", source, f"{key}.en")


def _parse_params(raw: object, source: str, key: str) -> tuple[ParamDef, ...]:
    if raw is None:
        return ()
    params = _mapping(raw, source, key)
    parsed: list[ParamDef] = []
    for name, spec_raw in params.items():
        spec = _mapping(spec_raw, source, f"{key}.{name}")
        kind = _text(spec, "type", source, f"{key}.{name}.type")
        if kind not in PARAM_TYPES:
            raise ConfigError(
                f"{source}: {key}.{name}.type: unknown type {quoted(kind)} "
                f"(known: {', '.join(sorted(PARAM_TYPES))})"
            )
        required = spec.get("required", True)
        if not isinstance(required, bool):
            raise ConfigError(f"{source}: {key}.{name}.required: must be true or false")
        max_length = spec.get("max")
        if max_length is not None and (
            kind != "text" or not isinstance(max_length, int) or max_length < 1
        ):
            raise ConfigError(
                f"{source}: {key}.{name}.max: a maximum length applies to text, as a whole number"
            )
        parsed.append(
            ParamDef(
                name=str(name),
                type=kind,
                zh=_text(spec, "zh", source, f"{key}.{name}.zh"),
                required=required,
                max_length=max_length,
                en=_text(spec, "en", source, f"{key}.{name}.en"),
            )
        )
    return tuple(parsed)


def _check_reachability(
    states: tuple[StateDef, ...],
    transitions: tuple[TransitionDef, ...],
    initial: str,
    source: str,
) -> None:
    reached = {initial}
    frontier = [initial]
    while frontier:
        state = frontier.pop()
        for transition in transitions:
            if state in transition.sources and transition.dest and transition.dest not in reached:
                reached.add(transition.dest)
                frontier.append(transition.dest)
    for index, state_def in enumerate(states):
        if state_def.code not in reached:
            raise ConfigError(
                f"{source}: states[{index}] ({state_def.code}): no transition reaches this state"
            )
        leaves = any(state_def.code in t.sources and t.dest for t in transitions)
        if not state_def.terminal and not leaves:
            raise ConfigError(
                f"{source}: states[{index}] ({state_def.code}): not terminal, "
                "but no transition leaves it"
            )
        if state_def.terminal and leaves:
            raise ConfigError(
                f"{source}: states[{index}] ({state_def.code}): terminal, "
                "but a transition leaves it"
            )


def _mapping(raw: object, source: str, key: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{source}: {key}: must be a mapping")
    return raw


def _text(entry: Mapping[str, Any], name: str, source: str, key: str) -> str:
    value = entry.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ConfigError(f"{source}: {key}: missing")
    if not isinstance(value, str):
        raise ConfigError(f"{source}: {key}: must be text")
    return value.strip()


def _names(raw: object, source: str, key: str, *, allow_empty: bool = False) -> tuple[str, ...]:
    if raw is None or raw == []:
        if allow_empty:
            return ()
        raise ConfigError(f"{source}: {key}: missing")
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise ConfigError(f"{source}: {key}: must be a list of names")
    return tuple(raw)
