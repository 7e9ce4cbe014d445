"""Render a workflow definition as a Mermaid state diagram, in the language in use: states
and steps by their labels, the roles that fire each step by their names (codes stay the
diagram's own identifiers, which Mermaid does not show)."""

from __future__ import annotations

from procure.domain.language import _
from procure.workflow.definition import WorkflowDefinition
from procure.workflow.roles import role_label


def to_mermaid(definition: WorkflowDefinition) -> str:
    """Return a ``stateDiagram-v2`` of every state and transition (facts as self-loops)."""
    lines = ["stateDiagram-v2", f"    [*] --> {definition.initial}"]
    for state in definition.states:
        lines.append(f'    state "{state.label}" as {state.code}')
    for transition in definition.transitions:
        said = _(
            "%(step)s (%(roles)s)",
            step=transition.label,
            roles="/".join(role_label(role) for role in transition.roles),
        )
        for source in transition.sources:
            dest = transition.destination_from(source)
            lines.append(f"    {source} --> {dest}: {said}")
    for state in definition.states:
        if state.terminal:
            lines.append(f"    {state.code} --> [*]")
    return "\n".join(lines) + "\n"
