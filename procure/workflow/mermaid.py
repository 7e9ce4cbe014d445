"""Render a workflow definition as a Mermaid state diagram."""

from __future__ import annotations

from procure.workflow.definition import WorkflowDefinition


def to_mermaid(definition: WorkflowDefinition) -> str:
    """Return a ``stateDiagram-v2`` of every state and transition (facts as self-loops)."""
    lines = ["stateDiagram-v2", f"    [*] --> {definition.initial}"]
    for state in definition.states:
        lines.append(f'    state "{state.zh} {state.code}" as {state.code}')
    for transition in definition.transitions:
        roles = "/".join(transition.roles)
        for source in transition.sources:
            dest = transition.destination_from(source)
            lines.append(f"    {source} --> {dest}: {transition.trigger} ({roles})")
    for state in definition.states:
        if state.terminal:
            lines.append(f"    {state.code} --> [*]")
    return "\n".join(lines) + "\n"
