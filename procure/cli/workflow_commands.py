"""Workflow commands: show the lifecycle as a table or a Mermaid diagram."""

from __future__ import annotations

import click

from procure.cli.output import echo, print_table
from procure.domain.language import N_, _, pgettext
from procure.workflow.roles import role_label


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
        _(
            "States — %(workflow)s v%(version)s",
            workflow=definition.name,
            version=definition.version,
        ),
        [pgettext("cli", "Code"), pgettext("cli", "State"), pgettext("cli", "Terminal")],
        [
            (s.code, s.label, pgettext("cli", "yes") if s.terminal else "")
            for s in definition.states
        ],
    )
    states = {s.code: s.label for s in definition.states}
    print_table(
        _("Transitions"),
        [
            pgettext("cli", "Trigger"),
            pgettext("cli", "Step"),
            pgettext("cli", "From"),
            pgettext("cli", "To"),
            pgettext("cli", "Roles"),
            pgettext("cli", "Guards"),
        ],
        [
            (
                t.trigger,
                t.label,
                _(", ").join(states.get(source, source) for source in t.sources),
                states[t.dest] if t.dest else _("(same state)"),
                _(", ").join(role_label(role) for role in t.roles),
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
    print_table(_("Who sees what, and when"), headings, rows)
    for rule in policy.facts.values():
        echo(_("%(fact)s: %(basis)s", fact=rule.name, basis=rule.reason))


@workflow.command(
    help=N_(
        "Show who may attach which file, until which state, and the size "
        "limits (workflows/documents.yaml)."
    )
)
def documents() -> None:
    from procure.domain.documents import SEEN_AS, size_text
    from procure.services.documents.policy import document_rules
    from procure.workflow.rules import default_rules

    rules = document_rules()
    states = default_rules().definition
    print_table(
        _("Who may attach which file, until when"),
        [
            pgettext("cli", "File"),
            pgettext("cli", "Uploaded by"),
            pgettext("cli", "Project states"),
            pgettext("cli", "Seen as"),
        ],
        [
            (
                rule.zh,
                _(", ").join(role_label(role) for role in rule.roles),
                _(", ").join(states.state(state).label for state in rule.states),
                default_rules().visibility.facts[SEEN_AS[kind]].name,
            )
            for kind, rule in rules.kinds.items()
        ],
    )
    echo(
        _(
            "Each file up to %(file)s, each project up to %(project)s in all",
            file=size_text(rules.file_bytes),
            project=size_text(rules.project_bytes),
        )
    )
    for rule in rules.kinds.values():
        echo(f"{rule.zh}：{rule.basis}")
