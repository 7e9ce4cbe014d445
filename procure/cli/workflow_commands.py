"""Workflow commands: show the lifecycle as a table or a Mermaid diagram."""

from __future__ import annotations

import click

from procure.cli.output import echo, print_table


@click.group()
def workflow() -> None:
    """The lifecycle definition (workflows/service_project.yaml)."""


@workflow.command()
@click.option("--mermaid", is_flag=True, help="Print a Mermaid state diagram.")
def show(mermaid: bool) -> None:
    """Show every state and transition of the service-project lifecycle."""
    from procure.workflow.mermaid import to_mermaid
    from procure.workflow.rules import default_rules

    definition = default_rules().engine.definition
    if mermaid:
        echo(to_mermaid(definition), nl=False)
        return
    print_table(
        f"状态 States — {definition.name} v{definition.version}",
        ["代码 Code", "中文", "English", "终态 Terminal"],
        [(s.code, s.zh, s.en, "是" if s.terminal else "") for s in definition.states],
    )
    print_table(
        "流转 Transitions",
        ["操作 Trigger", "中文", "从 From", "到 To", "角色 Roles", "规则 Guards"],
        [
            (
                t.trigger,
                t.zh,
                ", ".join(t.sources),
                t.dest or "(same)",
                ", ".join(t.roles),
                ", ".join(t.guards),
            )
            for t in definition.transitions
        ],
    )


@workflow.command()
def visibility() -> None:
    """Show who sees which fact of a project, and from when (workflows/visibility.yaml)."""
    from procure.domain.visibility import policy_table
    from procure.workflow.rules import default_rules

    policy = default_rules().visibility
    headings, rows = policy_table(policy)
    print_table("谁在何时可见什么 Who sees what, and when", headings, rows)
    for rule in policy.facts.values():
        echo(f"{rule.zh}：{rule.basis}")
