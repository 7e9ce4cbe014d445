"""``procure attach``, ``procure attachments`` and ``procure download``: files attached to a
project's facts (workflows/documents.yaml)."""

from __future__ import annotations

from pathlib import Path

import click

from procure.cli.output import echo, json_option, open_session, print_json, print_table
from procure.domain.documents import KINDS
from procure.domain.errors import InvalidInput
from procure.domain.language import N_, _, pgettext


@click.command(
    help=N_(
        "Attach FILE to a fact of project CODE (kept once by its SHA-256, recorded in the trail)."
    )
)
@click.argument("code")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--to",
    "kind",
    required=True,
    type=click.Choice(list(KINDS)),
    help=N_(
        "The fact the file belongs to: proposal, contract, amendment, inspection, "
        "rectification, assessment, comment or objection."
    ),
)
@click.option(
    "--ref",
    metavar="REF",
    help=N_(
        "Which one: a proposal's or objection's organization (USCC), an amendment's number, "
        "an inspection's or comment's place (1, 2, …), an assessment sheet's assessor (login). "
        "Not for the contract or the rectification."
    ),
)
@click.option("--by", required=True, metavar="LOGIN", help=N_("The account attaching it."))
@click.option("--as", "role", default="", metavar="ROLE", help=N_(
"The role it acts in (default: "
              "the first the rules allow that the account holds)."
))  # fmt: skip
@click.option("--name", metavar="NAME", help=N_("The file's name as shown (default: FILE's name)."))
@json_option
@click.pass_context
def attach(
    ctx: click.Context,
    code: str,
    file: Path,
    kind: str,
    ref: str | None,
    by: str,
    role: str,
    name: str | None,
    as_json: bool,
) -> None:
    from procure.services.documents.attach import attach as attach_file
    from procure.services.documents.facts import fact_id_for
    from procure.services.documents.policy import document_rules
    from procure.store import queries
    from procure.workflow.context import Actor

    with file.open("rb") as stream:  # never more than the limit and one byte
        data = stream.read(document_rules().file_bytes + 1)
    with open_session(ctx) as session:
        fact_id = fact_id_for(session, queries.project_by_code(session, code), kind, ref)
        attached = attach_file(
            session,
            project_code=code,
            fact_kind=kind,
            fact_id=fact_id,
            name=name if name is not None else file.name,
            data=data,
            by=Actor(by, role),
        )
    if as_json:
        print_json(attached.as_json())
        return
    echo(
        _(
            "%(project)s: attached #%(number)s %(name)s (%(type)s, %(size)s) → %(fact)s; "
            "SHA-256 %(sha256)s",
            project=attached.project,
            number=attached.number,
            name=attached.name,
            type=attached.media_type,
            size=attached.size_text,
            fact=attached.fact,
            sha256=attached.sha256,
        )
    )


@click.command(help=N_("List the files attached to project CODE: name, type, size, who and when."))
@click.argument("code")
@click.option(
    "--by",
    metavar="LOGIN",
    help=N_("List as this account: only the files it may see now (workflows/visibility.yaml)."),
)
@json_option
@click.pass_context
def attachments(ctx: click.Context, code: str, by: str | None, as_json: bool) -> None:
    from procure.reports.record_text import CHINA
    from procure.services.documents.reading import attachments_as_seen

    with open_session(ctx, readonly=True) as session:
        files = attachments_as_seen(session, code, by)
    if as_json:
        print_json([file.as_json() for file in files])
        return
    print_table(
        _("%(code)s attachments (%(count)s)", code=code, count=len(files)),
        [
            pgettext("cli", "ID"),
            pgettext("cli", "Belongs to"),
            pgettext("cli", "File name"),
            pgettext("cli", "Type"),
            pgettext("cli", "Size"),
            pgettext("cli", "Uploaded by"),
            pgettext("cli", "Time (UTC+8)"),
        ],
        [
            (
                f.id,
                f.fact,
                f.name,
                f.media_type,
                f.size_text,
                f"{f.uploaded_by_name or f.uploaded_by}",
                f.uploaded_at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M"),
            )
            for f in files
        ],
    )


@click.command(help=N_("Write the attached file ID (see `procure attachments`) to --out."))
@click.argument("attachment_id", metavar="ID", type=click.IntRange(1, 2**31 - 1))
@click.option(
    "--out",
    "-o",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help=N_("Where to write the file (refused when it exists)."),
)
@click.option("--by", metavar="LOGIN", help=N_("Download as this account (what it may see now)."))
@json_option
@click.pass_context
def download(
    ctx: click.Context, attachment_id: int, out: Path, by: str | None, as_json: bool
) -> None:
    from procure.services.documents.reading import open_as_seen

    if out.exists():
        raise InvalidInput(_("%(path)s exists: procure does not overwrite it", path=out))
    with open_session(ctx, readonly=True) as session:
        attached, data = open_as_seen(session, attachment_id, by)
    with out.open("xb") as stream:
        stream.write(data)
    if as_json:
        print_json({**attached.as_json(), "out": str(out)})
        return
    echo(
        _(
            "Downloaded %(name)s (%(size)s) → %(path)s",
            name=attached.name,
            size=attached.size_text,
            path=out,
        )
    )


def register(cli: click.Group) -> None:
    """Add ``attach``, ``attachments`` and ``download`` to the root command."""
    cli.add_command(attach)
    cli.add_command(attachments)
    cli.add_command(download)
