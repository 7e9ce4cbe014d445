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
from procure.domain.language import _, both, pgettext
from procure.domain.text import quoted
from procure.workflow.file_keys import mapping, names, refused, text
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
    top = mapping(raw, source, "(top level)")
    states = _parse_states(top.get("states"), source)
    codes = {state.code for state in states}
    initial = text(top, "initial", source, "initial")
    if initial not in codes:
        raise refused(source, "initial", _("unknown state %(state)s", state=quoted(initial)))
    transitions = _parse_transitions(top.get("transitions"), source, codes, known_guards)
    _check_reachability(states, transitions, initial, source)
    version = top.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise refused(
            source, "version", pgettext("lifecycle file", "must be a positive whole number")
        )
    return WorkflowDefinition(
        name=text(top, "name", source, "name"),
        version=version,
        initial=initial,
        states=states,
        transitions=transitions,
        source=source,
    )


def _parse_states(raw: object, source: str) -> tuple[StateDef, ...]:
    if not isinstance(raw, list) or not raw:
        raise refused(source, "states", pgettext("lifecycle file", "must be a non-empty list"))
    states: list[StateDef] = []
    for index, item in enumerate(raw):
        key = f"states[{index}]"
        entry = mapping(item, source, key)
        code = text(entry, "code", source, f"{key}.code")
        key = f"states[{index}] ({code})"
        if any(state.code == code for state in states):
            raise refused(
                source, f"{key}.code", _("state %(state)s is defined twice", state=quoted(code))
            )
        terminal = entry.get("terminal", False)
        if not isinstance(terminal, bool):
            raise refused(
                source, f"{key}.terminal", pgettext("lifecycle file", "must be true or false")
            )
        states.append(
            StateDef(
                code=code,
                zh=text(entry, "zh", source, f"{key}.zh"),
                en=text(entry, "en", source, f"{key}.en"),
                terminal=terminal,
            )
        )
    return tuple(states)


def _parse_transitions(
    raw: object, source: str, codes: set[str], known_guards: Collection[str]
) -> tuple[TransitionDef, ...]:
    if not isinstance(raw, list) or not raw:
        raise refused(source, "transitions", pgettext("lifecycle file", "must be a non-empty list"))
    transitions: list[TransitionDef] = []
    for index, item in enumerate(raw):
        entry = mapping(item, source, f"transitions[{index}]")
        trigger = text(entry, "trigger", source, f"transitions[{index}].trigger")
        transition = _parse_transition(
            entry, trigger, f"transitions[{index}] ({trigger})", source, codes, known_guards
        )
        for earlier in transitions:
            clash = sorted(set(earlier.sources) & set(transition.sources))
            if earlier.trigger == trigger and clash:
                raise refused(
                    source,
                    f"transitions[{index}] ({trigger}).from",
                    _(
                        "trigger %(trigger)s is defined twice for source %(state)s",
                        trigger=quoted(trigger),
                        state=quoted(clash[0]),
                    ),
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
    sources = names(entry.get("from"), source, f"{key}.from")
    for state in sources:
        if state not in codes:
            raise refused(source, f"{key}.from", _("unknown state %(state)s", state=quoted(state)))
    if len(set(sources)) != len(sources):
        raise refused(source, f"{key}.from", _("a source state is listed twice"))
    dest_raw = text(entry, "to", source, f"{key}.to")
    if dest_raw != SAME_STATE and dest_raw not in codes:
        raise refused(source, f"{key}.to", _("unknown state %(state)s", state=quoted(dest_raw)))
    roles = names(entry.get("roles"), source, f"{key}.roles")
    for role in roles:
        if role not in ROLES:
            raise refused(
                source,
                f"{key}.roles",
                _(
                    "unknown role %(role)s (known: %(known)s)",
                    role=quoted(role),
                    known=", ".join(ROLES),
                ),
            )
        if role in READ_ONLY_ROLES:
            raise refused(
                source,
                f"{key}.roles",
                _("role %(role)s is read-only and fires nothing", role=quoted(role)),
            )
    guards = names(entry.get("guards", []), source, f"{key}.guards", allow_empty=True)
    for guard in guards:
        if guard not in known_guards:
            raise refused(
                source, f"{key}.guards", _("unknown guard %(guard)s", guard=quoted(guard))
            )
    reason_required = entry.get("reason_required", False)
    if not isinstance(reason_required, bool):
        raise refused(
            source, f"{key}.reason_required", pgettext("lifecycle file", "must be true or false")
        )
    acts_for = entry.get("acts_for")
    if acts_for not in (None, "named_organization"):
        raise refused(
            source,
            f"{key}.acts_for",
            _("%(value)s is not named_organization", value=quoted(acts_for)),
        )
    params = _parse_params(entry.get("params", {}), source, f"{key}.params")
    if acts_for and not any(p.name == "organization" and p.type == "uscc" for p in params):
        raise refused(
            source,
            f"{key}.acts_for",
            _("named_organization needs an organization param (uscc)"),
        )
    return TransitionDef(
        trigger=trigger,
        zh=text(entry, "zh", source, f"{key}.zh"),
        en=text(entry, "en", source, f"{key}.en"),
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
    said = mapping(raw, source, key)
    return text(said, "zh", source, f"{key}.zh"), text(said, "en", source, f"{key}.en")


def _parse_params(raw: object, source: str, key: str) -> tuple[ParamDef, ...]:
    if raw is None:
        return ()
    params = mapping(raw, source, key)
    parsed: list[ParamDef] = []
    for name, spec_raw in params.items():
        spec = mapping(spec_raw, source, f"{key}.{name}")
        kind = text(spec, "type", source, f"{key}.{name}.type")
        if kind not in PARAM_TYPES:
            raise refused(
                source,
                f"{key}.{name}.type",
                _(
                    "unknown type %(type)s (known: %(known)s)",
                    type=quoted(kind),
                    known=", ".join(sorted(PARAM_TYPES)),
                ),
            )
        required = spec.get("required", True)
        if not isinstance(required, bool):
            raise refused(
                source,
                f"{key}.{name}.required",
                pgettext("lifecycle file", "must be true or false"),
            )
        max_length = spec.get("max")
        if max_length is not None and (
            kind != "text" or not isinstance(max_length, int) or max_length < 1
        ):
            raise refused(
                source,
                f"{key}.{name}.max",
                _("a maximum length applies to text, as a whole number"),
            )
        parsed.append(
            ParamDef(
                name=str(name),
                type=kind,
                zh=text(spec, "zh", source, f"{key}.{name}.zh"),
                required=required,
                max_length=max_length,
                en=text(spec, "en", source, f"{key}.{name}.en"),
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
            raise refused(
                source,
                f"states[{index}] ({state_def.code})",
                _("no transition reaches this state"),
            )
        leaves = any(state_def.code in t.sources and t.dest for t in transitions)
        if not state_def.terminal and not leaves:
            raise refused(
                source,
                f"states[{index}] ({state_def.code})",
                _("not terminal, but no transition leaves it"),
            )
        if state_def.terminal and leaves:
            raise refused(
                source,
                f"states[{index}] ({state_def.code})",
                _("terminal, but a transition leaves it"),
            )
