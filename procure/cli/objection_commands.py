"""``procure objection lodge|answer``: objections to an award notice."""

from __future__ import annotations

from dataclasses import asdict

import click

from procure.cli.output import echo, json_option, open_session, print_json
from procure.domain.language import N_, _


@click.group(help=N_("Objections to an award notice: lodge one, answer one."))
def objection() -> None:
    pass


@objection.command(help=N_("Lodge an organization's objection to project CODE's award notice."))
@click.argument("code")
@click.option(
    "--organization", required=True, metavar="USCC", help=N_("The objecting organization.")
)
@click.option("--text", required=True, help=N_("What the organization objects to."))
@click.option("--by", required=True, metavar="LOGIN", help=N_("The account acting (its login)."))
@click.option(
    "--as",
    "role",
    type=click.Choice(["organization", "officer"]),
    default="organization",
    show_default=True,
    help=N_("The organization's own account, or an officer recording it (needs --document)."),
)
@click.option("--document", metavar="REF", help=N_("The reference of the letter."))
@click.option("--on", "lodged_on", metavar="YYYY-MM-DD", help=N_("The date of the objection."))
@json_option
@click.pass_context
def lodge(
    ctx: click.Context,
    code: str,
    organization: str,
    text: str,
    by: str,
    role: str,
    document: str | None,
    lodged_on: str | None,
    as_json: bool,
) -> None:
    from procure.services.public import objections
    from procure.workflow.context import Actor

    with open_session(ctx) as session:
        result = objections.lodge(
            session,
            code,
            Actor(by, role),
            organization=organization,
            text=text,
            lodged_on=lodged_on,
            document=document,
        )
    if as_json:
        print_json(asdict(result))
        return
    echo(
        _(
            "%(project)s: objection lodged by %(organization)s, audit record #%(seq)s",
            project=result.project,
            organization=organization,
            seq=result.seq,
        )
    )


@objection.command(help=N_("Answer an organization's objection to project CODE's award."))
@click.argument("code")
@click.option(
    "--organization", required=True, metavar="USCC", help=N_("The objecting organization.")
)
@click.option(
    "--outcome",
    required=True,
    type=click.Choice(["upheld", "rejected"]),
    help=N_("upheld: the award is reopened for review; rejected: the award stands."),
)
@click.option("--reason", required=True, help=N_("The answer's reasons (published)."))
@click.option("--by", required=True, metavar="LOGIN", help=N_("The officer answering (its login)."))
@json_option
@click.pass_context
def answer(
    ctx: click.Context, code: str, organization: str, outcome: str, reason: str, by: str,
    as_json: bool,
) -> None:  # fmt: skip
    from procure.services.public import objections
    from procure.workflow.context import Actor

    with open_session(ctx) as session:
        result = objections.answer(
            session, code, Actor(by, "officer"), organization=organization, outcome=outcome,
            reason=reason,
        )  # fmt: skip
    if as_json:
        print_json(asdict(result))
        return
    from procure.workflow.rules import default_rules

    definition = default_rules().engine.definition
    values = {
        "project": result.project,
        "before": definition.state(result.from_state).label,
        "after": definition.state(result.to_state).label,
        "seq": result.seq,
    }
    if outcome == "upheld":
        line = _(
            "%(project)s: objection upheld, the award is reopened for review "
            "(%(before)s → %(after)s), audit record #%(seq)s",
            **values,
        )
    else:
        line = _(
            "%(project)s: objection rejected, the award stands (%(before)s → %(after)s), "
            "audit record #%(seq)s",
            **values,
        )
    echo(line)
