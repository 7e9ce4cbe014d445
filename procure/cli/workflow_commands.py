"""Workflow commands: show the lifecycle as a table or a Mermaid diagram."""

from __future__ import annotations

import click

from procure.cli.output import echo, print_table
from procure.domain.language import N_


@click.group(help=N_("The lifecycle definition (workflows/service_project.yaml)."))
def workflow() -> None:
    pass


@workflow.command(help=N_("Show every state and transition of the service-project lifecycle."))
@click.option("--mermaid", is_flag=True, help=N_("Print a Mermaid state diagram."))
def show(mermaid: bool) -> None:
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


@workflow.command(
    help=N_("Show who sees which fact of a project, and from when (workflows/visibility.yaml).")
)
def visibility() -> None:
    from procure.domain.visibility import policy_table
    from procure.workflow.rules import default_rules

    policy = default_rules().visibility
    headings, rows = policy_table(policy)
    print_table("谁在何时可见什么 Who sees what, and when", headings, rows)
    for rule in policy.facts.values():
        echo(f"{rule.zh}：{rule.basis}")


@workflow.command(
    help=N_(
        "Show who may attach which file, until which state, and the size "
        "limits (workflows/documents.yaml)."
    )
)
def documents() -> None:
    from procure.domain.documents import SEEN_AS, size_text
    from procure.services.accounts.scope import ROLE_ZH
    from procure.services.documents.policy import document_rules
    from procure.workflow.rules import default_rules

    rules = document_rules()
    states = default_rules().definition
    print_table(
        "谁可在何时上传附件 Who may attach which file, until when",
        ["附件 File", "上传人 Roles", "项目状态 States", "谁可查看 Seen as"],
        [
            (
                rule.zh,
                "、".join(ROLE_ZH.get(role, role) for role in rule.roles),
                "、".join(states.state(state).zh for state in rule.states),
                default_rules().visibility.facts[SEEN_AS[kind]].zh,
            )
            for kind, rule in rules.kinds.items()
        ],
    )
    echo(
        f"单个文件上限 {size_text(rules.file_bytes)}，每个项目合计上限 "
        f"{size_text(rules.project_bytes)}"
    )
    for rule in rules.kinds.values():
        echo(f"{rule.zh}：{rule.basis}")
