"""One ``transitions`` machine per workflow definition; events fire on project rows.

The machine is built once with ``model=None``; :meth:`WorkflowEngine.fire` runs
``machine.events[trigger].trigger(project, ctx=ctx)``, so no row ever gets a
machine or extra attributes. Guards are the machine's conditions: a guard that
refuses records its reason on the context and the transition does not happen.
Refusals name the step, the states and the roles by their labels in the language in use.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from transitions import EventData, Machine

from procure.domain.errors import Refused
from procure.domain.language import _, pgettext
from procure.domain.text import quoted
from procure.workflow.context import ActionContext
from procure.workflow.definition import TransitionDef, WorkflowDefinition
from procure.workflow.roles import role_label

_LOGGER = logging.getLogger(__name__)

Guard = Callable[[ActionContext], str | None]


class WorkflowEngine:
    """Fires triggers of one workflow definition on project rows."""

    def __init__(self, definition: WorkflowDefinition, guards: Mapping[str, Guard]) -> None:
        self.definition = definition
        self._guards = dict(guards)
        self.machine = Machine(
            model=None,
            states=[state.code for state in definition.states],
            initial=definition.initial,
            transitions=[self._machine_transition(t) for t in definition.transitions],
            auto_transitions=False,
            send_event=True,
        )

    def _machine_transition(self, transition: TransitionDef) -> dict[str, Any]:
        return {
            "trigger": transition.trigger,
            "source": list(transition.sources),
            "dest": transition.dest,
            "conditions": [self._condition(name) for name in transition.guards],
        }

    def _condition(self, name: str) -> Callable[[EventData], bool]:
        guard = self._guards[name]

        def condition(event: EventData) -> bool:
            ctx: ActionContext = event.kwargs["ctx"]
            reason = guard(ctx)
            if reason is not None:
                ctx.refusals.append(reason)
                return False
            return True

        condition.__name__ = f"guard_{name}"
        return condition

    def guard(self, name: str) -> Guard:
        """Return the guard registered under ``name``."""
        return self._guards[name]

    def entry_for(self, trigger: str, state: str, role: str) -> TransitionDef:
        """Return the transition entry ``role`` may fire from ``state``, or refuse saying why."""
        entries = self.definition.transitions_for(trigger)
        if not entries:
            known = ", ".join(self.definition.triggers())
            raise Refused(
                _(
                    "unknown step %(trigger)s (known: %(known)s)",
                    trigger=quoted(trigger),
                    known=known,
                )
            )
        step = entries[0].label
        if not self.definition.has_state(state):
            raise Refused(
                refusal(
                    step,
                    _(
                        "the project is in state %(state)s, unknown to %(file)s",
                        state=quoted(state),
                        file=self.definition.source,
                    ),
                )
            )
        entry = self.definition.transition_from(trigger, state)
        if entry is None:
            ordered = [s.code for s in self.definition.states]
            allowed = sorted({s for e in entries for s in e.sources}, key=ordered.index)
            raise Refused(
                refusal(
                    step,
                    _(
                        "not allowed while the project is %(state)s; allowed while it is: "
                        "%(allowed)s",
                        state=self.definition.state(state).label,
                        allowed=_listed(self.definition.state(s).label for s in allowed),
                    ),
                )
            )
        if role not in entry.roles:
            raise Refused(
                refusal(
                    entry.label,
                    _(
                        "the role %(role)s may not do this; allowed roles: %(allowed)s",
                        role=role_label(role),
                        allowed=_listed(role_label(r) for r in entry.roles),
                    ),
                )
            )
        return entry

    def fire(self, ctx: ActionContext, *, row: Any = None) -> TransitionDef:
        """Fire ``ctx.trigger`` on ``ctx.project`` as ``ctx.actor``.

        Args:
            ctx: the firing: project, actor, trigger, facts.
            row: what the machine moves instead of ``ctx.project``: anything with a
                ``state`` attribute. A bulk run passes a plain object here (setting an
                attribute of an ORM row costs more than the transition itself).

        Returns:
            The transition entry that fired.

        Raises:
            Refused: naming the rule (role, state, reason or guard) that blocked it;
                the row is left as it was.
        """
        model = ctx.project if row is None else row
        entry = self.entry_for(ctx.trigger, model.state, ctx.actor.role)
        if entry.reason_required and not ctx.reason.strip():
            raise Refused(refusal(entry.label, _("a reason is required")))
        before = model.state
        fired = self.machine.events[ctx.trigger].trigger(model, ctx=ctx)
        if not fired:
            model.state = before
            reason = ctx.refusals[0] if ctx.refusals else _("a rule of the lifecycle refused")
            raise Refused(refusal(entry.label, reason))
        _LOGGER.debug("%s: %s → %s", ctx.trigger, before, model.state)
        return entry


def refusal(step: str, reason: str) -> str:
    """The sentence that refuses a step (named by its label) for ``reason``."""
    return _("%(step)s refused: %(reason)s", step=step, reason=reason)


def _listed(names: Iterable[str]) -> str:
    return pgettext("list", ", ").join(names)
