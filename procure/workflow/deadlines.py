"""Load and validate ``workflows/deadlines.yaml`` against the workflow it belongs to.

Every state, trigger and role a deadline names must exist in the workflow; a deadline that
fires a trigger must be able to fire it, in its role, from every state it runs in. Each
refusal is a :class:`ConfigError` naming the file and the key, e.g.
``deadlines.yaml: deadlines[1] (sign_contract).while: unknown state 'signed'``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from procure.domain.config import check_keys, config_flag
from procure.domain.datafile import read_yaml
from procure.domain.deadlines import (
    DEFAULT_HOLD_WORKING_DAYS,
    ENTERS,
    EXPIRES,
    FIRE,
    HOLD,
    OVERDUE,
    PROVISIONAL_CHOICES,
    SERVICE_END,
    TRIGGER,
    DeadlineRule,
    DeadlineStart,
)
from procure.domain.errors import ConfigError, InvalidInput
from procure.domain.text import quoted
from procure.workflow.definition import WorkflowDefinition
from procure.workflow.roles import READ_ONLY_ROLES, ROLES

DEADLINES_FILE = "deadlines.yaml"
DEFAULT_REMIND_DAYS = 3
MAX_DAYS = 3660
_CODE = re.compile(r"[a-z][a-z0-9_]{0,63}")
_TOP_KEYS = ("version", "remind_days", "provisional_hold_working_days", "deadlines")
_KEYS = (
    "code",
    "zh",
    "en",
    "from",
    "calendar_days",
    "working_days",
    "ends_on_working_day",
    "role",
    "while",
    "done_by",
    "when_passed",
    "remind_days",
    "provisional",
    "basis",
    "basis_en",
)


@dataclass(frozen=True)
class Deadlines:
    """The deadlines of one workflow, in file order, and how long a provisional window holds."""

    rules: tuple[DeadlineRule, ...] = ()
    hold_working_days: int = DEFAULT_HOLD_WORKING_DAYS

    def rule(self, code: str) -> DeadlineRule | None:
        """Return the deadline named ``code``, if any."""
        return next((rule for rule in self.rules if rule.code == code), None)

    def states(self) -> frozenset[str]:
        """Every state in which some deadline runs."""
        return frozenset(state for rule in self.rules for state in rule.states)


def load_deadlines(path: Path, definition: WorkflowDefinition) -> Deadlines:
    """Load ``path`` and check it against ``definition``; a missing file declares none.

    Raises:
        ConfigError: naming the file and key of the first problem found.
    """
    if not path.exists():
        return Deadlines()
    try:
        raw = read_yaml(path, exact=False, source=path.name)
    except InvalidInput as exc:
        raise ConfigError(str(exc)) from exc
    return parse_deadlines(raw, source=path.name, definition=definition)


def parse_deadlines(raw: object, *, source: str, definition: WorkflowDefinition) -> Deadlines:
    """Validate already parsed deadlines; see :func:`load_deadlines`."""
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{source}: (top level): must be a mapping")
    check_keys(raw, _TOP_KEYS, f"{source}: (top level)")
    remind = _days(raw, "remind_days", f"{source}: ", default=DEFAULT_REMIND_DAYS, least=0)
    hold = _days(
        raw,
        "provisional_hold_working_days",
        f"{source}: ",
        default=DEFAULT_HOLD_WORKING_DAYS,
        least=0,
    )
    entries = raw.get("deadlines") or []
    if not isinstance(entries, list):
        raise ConfigError(f"{source}: deadlines: must be a list of mappings")
    rules: list[DeadlineRule] = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            raise ConfigError(f"{source}: deadlines[{index}]: must be a mapping")
        code = entry.get("code")
        if not isinstance(code, str) or not _CODE.fullmatch(code):
            raise ConfigError(
                f"{source}: deadlines[{index}].code: must be a name such as sign_contract, "
                f"got {quoted(code)}"
            )
        if any(rule.code == code for rule in rules):
            raise ConfigError(f"{source}: deadlines[{index}].code: {code} is declared twice")
        where = f"{source}: deadlines[{index}] ({code})."
        rules.append(_rule(entry, code, where, definition, remind))
    return Deadlines(tuple(rules), hold)


def _rule(
    entry: Mapping[str, Any], code: str, where: str, definition: WorkflowDefinition, remind: int
) -> DeadlineRule:
    check_keys(entry, _KEYS, where.rstrip("."))
    start = _start(entry.get("from"), f"{where}from", definition)
    if ("calendar_days" in entry) == ("working_days" in entry):
        raise ConfigError(f"{where}calendar_days: give either calendar_days or working_days")
    working = "working_days" in entry
    days = _days(entry, "working_days" if working else "calendar_days", where, least=1)
    rolls = config_flag(entry, "ends_on_working_day", where)
    if rolls and working:
        raise ConfigError(f"{where}ends_on_working_day: applies to calendar_days only")
    role = _role(entry.get("role"), f"{where}role")
    states = _states(entry, start, where, definition)
    done_by = _triggers(entry.get("done_by", []), f"{where}done_by", definition)
    on_pass, fire = _when_passed(entry.get("when_passed", OVERDUE), f"{where}when_passed")
    if fire is not None:
        _check_fires(fire, role, states, f"{where}when_passed.fire", definition)
    return DeadlineRule(
        code=code,
        zh=_label(entry, "zh", where),
        en=_label(entry, "en", where),
        start=start,
        days=days,
        working=working,
        role=role,
        states=states,
        done_by=done_by,
        on_pass=on_pass,
        fire=fire,
        ends_on_working_day=rolls,
        remind_days=_days(entry, "remind_days", where, default=remind, least=0),
        basis=" ".join(str(entry.get("basis", "")).split()),
        basis_en=" ".join(str(entry.get("basis_en", "")).split()),
        holds=_holds(entry.get("provisional"), role, f"{where}provisional"),
    )


def _holds(raw: object, role: str, where: str) -> bool:
    """Whether a deadline holds while provisional: ``hold`` or ``run``; by default a window
    of the organization's (someone outside the federation) holds and the rest run."""
    if raw is None:
        return role == "organization"
    if raw not in PROVISIONAL_CHOICES:
        raise ConfigError(f"{where}: must be hold or run, got {quoted(raw)}")
    return raw == HOLD


def _start(raw: object, where: str, definition: WorkflowDefinition) -> DeadlineStart:
    if raw == SERVICE_END:
        return DeadlineStart(SERVICE_END)
    if not isinstance(raw, Mapping) or len(raw) != 1:
        raise ConfigError(
            f"{where}: must be {{enters: STATE}}, {{trigger: TRIGGER}} or service_end, "
            f"got {quoted(raw)}"
        )
    ((kind, name),) = raw.items()
    if kind == ENTERS:
        _check_state(name, where, definition)
    elif kind == TRIGGER:
        _check_trigger(name, where, definition)
    else:
        raise ConfigError(f"{where}: unknown event {quoted(kind)} (known: enters, trigger)")
    return DeadlineStart(str(kind), str(name))


def _states(
    entry: Mapping[str, Any], start: DeadlineStart, where: str, definition: WorkflowDefinition
) -> tuple[str, ...]:
    raw = entry.get("while")
    if raw is None:
        if start.kind != ENTERS:
            raise ConfigError(f"{where}while: required unless the deadline runs from entering")
        return (start.name,)
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f"{where}while: must be a non-empty list of states")
    for state in raw:
        _check_state(state, f"{where}while", definition)
        if definition.state(state).terminal:
            raise ConfigError(f"{where}while: {state} is terminal; nothing is due there")
    return tuple(raw)


def _triggers(raw: object, where: str, definition: WorkflowDefinition) -> tuple[str, ...]:
    if not isinstance(raw, list):
        raise ConfigError(f"{where}: must be a list of triggers")
    for trigger in raw:
        _check_trigger(trigger, where, definition)
    return tuple(raw)


def _when_passed(raw: object, where: str) -> tuple[str, str | None]:
    if raw in (OVERDUE, EXPIRES):
        return str(raw), None
    if isinstance(raw, Mapping) and set(raw) == {FIRE} and isinstance(raw[FIRE], str):
        return FIRE, raw[FIRE]
    raise ConfigError(f"{where}: must be overdue, expires or {{fire: TRIGGER}}, got {quoted(raw)}")


def _check_fires(
    trigger: str, role: str, states: tuple[str, ...], where: str, definition: WorkflowDefinition
) -> None:
    _check_trigger(trigger, where, definition)
    for state in states:
        entry = definition.transition_from(trigger, state)
        if entry is None:
            raise ConfigError(f"{where}: {trigger} cannot fire from {state}")
        if role not in entry.roles:
            raise ConfigError(
                f"{where}: {trigger} is not fired by {role} (roles: {', '.join(entry.roles)})"
            )


def _check_state(name: object, where: str, definition: WorkflowDefinition) -> None:
    if not isinstance(name, str) or not definition.has_state(name):
        known = ", ".join(state.code for state in definition.states)
        raise ConfigError(f"{where}: unknown state {quoted(name)} (known: {known})")


def _check_trigger(name: object, where: str, definition: WorkflowDefinition) -> None:
    if not isinstance(name, str) or not definition.transitions_for(name):
        raise ConfigError(
            f"{where}: unknown trigger {quoted(name)} (known: {', '.join(definition.triggers())})"
        )


def _role(raw: object, where: str) -> str:
    if not isinstance(raw, str) or raw not in ROLES:
        raise ConfigError(f"{where}: unknown role {quoted(raw)} (known: {', '.join(ROLES)})")
    if raw in READ_ONLY_ROLES:
        raise ConfigError(f"{where}: role {raw} is read-only and owes nothing")
    return raw


def _days(
    entry: Mapping[str, Any], key: str, where: str, *, least: int, default: int | None = None
) -> int:
    value = entry.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= MAX_DAYS:
        raise ConfigError(
            f"{where}{key}: must be a whole number of days from {least} to {MAX_DAYS}, "
            f"got {quoted(value)}"
        )
    return value


def _label(entry: Mapping[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}{key}: required text is missing or empty")
    return value.strip()
