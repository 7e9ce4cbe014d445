"""Audit commands: sign a checkpoint of the chain; verify the chain, its checkpoints and that
the trail explains the data; list one scripted run's rows; ``procure keys init`` creates the
signing key."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from procure.cli.output import (
    checkpoint_name,
    echo,
    json_option,
    moment,
    open_session,
    print_json,
    print_table,
    shown_reason,
    step_labels,
)
from procure.domain.language import N_, _, ngettext, pgettext

if TYPE_CHECKING:
    from procure.domain.checkpoint import Checkpoint

F = TypeVar("F", bound=Callable[..., Any])

key_option: Callable[[F], F] = click.option(
    "--key",
    "key",
    type=click.Path(path_type=Path, dir_okay=False),
    help=N_(
        "The audit signing key file (default: $PROCURE_AUDIT_KEY, else "
        "~/.config/procure/audit-signing.key)."
    ),
)


def no_key_warning(path: Path) -> str:
    """The one line said when a step that takes a checkpoint finds no key."""
    return _(
        "warning: no audit checkpoint taken: no signing key at %(path)s "
        "(create one with `procure keys init`, or set PROCURE_AUDIT_KEY)",
        path=path,
    )


def checkpoint_line(checkpoint: Checkpoint) -> str:
    """One line naming a checkpoint for people."""
    return _(
        "Audit %(name)s: head %(head)s…, %(rows)s rows, key %(key)s",
        name=checkpoint_name(checkpoint.at, checkpoint.seq),
        head=checkpoint.hash[:16],
        rows=checkpoint.rows,
        key=checkpoint.key_fingerprint,
    )


@click.group(help=N_("The tamper-evident audit trail and its signed checkpoints."))
def audit() -> None:
    pass


@audit.command(
    help=N_("Sign the audit chain's current head with the key kept outside the database.")
)
@key_option
@click.option(
    "--out",
    type=click.Path(),
    help=N_(
        "Also write the checkpoint as JSON: this file, or a file in this folder "
        "(an existing folder, or one written with a trailing slash)."
    ),
)
@json_option
@click.pass_context
def checkpoint(ctx: click.Context, key: Path | None, out: str | None, as_json: bool) -> None:
    from procure.services.trail.checkpoints import export_checkpoint, load_signer, take_checkpoint
    from procure.store.keyfile import signing_key_path

    signer = load_signer(signing_key_path(key))
    with open_session(ctx) as session:
        signed = take_checkpoint(session, signer)
    written = export_checkpoint(signed, out) if out is not None else None
    if as_json:
        print_json({**signed.to_dict(), "file": str(written) if written else None})
        return
    echo(checkpoint_line(signed))
    if written is not None:
        echo("  " + _("Exported → %(file)s (keep it outside the database)", file=written))


@audit.command(
    help=N_(
        "Recompute the audit chain, check it still holds every checkpoint, "
        "then replay it and compare what it implies with the tables (exit 1 on "
        "any problem or difference).\n\nOne line per problem: the chain's first "
        "broken row, and each checkpoint whose signature fails, whose key is "
        "not the trusted one, or whose row is missing or hashes differently. "
        "Once the chain holds, one line per difference with the tables: table, "
        "row, field, the value the trail implies and the value stored (a chain "
        "that does not hold is not replayed)."
    )
)
@click.option(
    "--checkpoints",
    "held",
    multiple=True,
    type=click.Path(path_type=Path, exists=True),
    help=N_("A checkpoint JSON file, or a folder of them, kept outside the database (repeatable)."),
)
@click.option(
    "--public-key",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help=N_("The trusted public key (KEY.pub): every checkpoint must be signed with it."),
)
@click.option(
    "--chain-only", is_flag=True, help=N_("Only the chain and its checkpoints (skip the replay).")
)
@click.option("--project", "project_code", help=N_("Compare only this project's rows."))
@json_option
@click.pass_context
def verify(
    ctx: click.Context,
    held: tuple[Path, ...],
    public_key: Path | None,
    chain_only: bool,
    project_code: str | None,
    as_json: bool,
) -> None:
    from procure.cli.witness_output import newest_witnessed_line
    from procure.domain.errors import ProcureError
    from procure.services.trail.check import trail_differences
    from procure.services.trail.checkpoints import read_checkpoint_files, verify_trail
    from procure.services.trail.witnesses import newest_witnessed
    from procure.store.keyfile import load_public_key

    trusted = load_public_key(public_key) if public_key is not None else None
    given, file_problems = read_checkpoint_files(list(held))
    with open_session(ctx, readonly=True) as session:
        report = verify_trail(session, given, trusted_key=trusted, file_problems=file_problems)
        witnessed = newest_witnessed(session)
        compared = report.ok and not chain_only
        differences = trail_differences(session, project_code=project_code) if compared else []
    if as_json:
        data = asdict(report)
        data["newest"] = report.newest.to_dict() if report.newest else None
        data["chain_ok"], data["ok"] = report.ok, report.ok and not differences
        data["compared"] = compared
        data["newest_witnessed"] = asdict(witnessed) if witnessed is not None else None
        data["differences"] = [asdict(difference) for difference in differences]
        print_json(data)
    elif report.ok:
        echo(_("Audit chain intact: %(rows)s rows verified", rows=report.rows))
        if report.newest is not None:
            echo(
                "  "
                + _(
                    "%(count)s checkpoints hold; newest %(name)s (key %(key)s)",
                    count=report.checkpoints,
                    name=checkpoint_name(report.newest.at, report.newest.seq),
                    key=report.newest.key_fingerprint,
                )
            )
            if not held and trusted is None:
                echo(
                    "  "
                    + _(
                        "note: no checkpoint file or trusted key given: the signatures were "
                        "checked against the keys the stored checkpoints name"
                    )
                )
            echo(f"  {newest_witnessed_line(witnessed)}")
    else:
        for problem in report.problems:
            echo(_("error: %(message)s", message=problem), err=True)
    if not report.ok:
        ctx.exit(1)
    if not as_json:
        for difference in differences:
            click.echo(str(difference))
        if compared and not differences:
            click.echo(_("The tables hold what the audit trail implies"))
    if differences:
        raise ProcureError(
            ngettext(
                "the trail does not explain the data: %(num)d difference",
                "the trail does not explain the data: %(num)d differences",
                len(differences),
            )
        )


@audit.command(help=N_("List the audit rows one scripted run (BATCH_ID) wrote."))
@click.argument("batch_id")
@json_option
@click.pass_context
def batch(ctx: click.Context, batch_id: str, as_json: bool) -> None:
    from procure.services.browse.project_view import batch_history

    with open_session(ctx, readonly=True) as session:
        rows = batch_history(session, batch_id)
    if as_json:
        print_json(rows)
        return
    from procure.workflow.rules import default_rules

    steps = step_labels()
    states = {s.code: s.label for s in default_rules().engine.definition.states}
    print_table(
        _("Batch %(batch)s", batch=batch_id),
        [
            "#",
            pgettext("cli", "Time (Beijing)"),
            pgettext("cli", "Project"),
            pgettext("cli", "Step"),
            pgettext("cli", "From"),
            pgettext("cli", "To"),
            pgettext("cli", "Reason"),
        ],
        [
            (
                r["seq"],
                moment(r["at"]),
                r["project"],
                steps.get(r["trigger"], r["trigger"]),
                states.get(r["from"], r["from"]),
                states.get(r["to"], r["to"]),
                shown_reason(r["reason"]),
            )
            for r in rows
        ],
    )


@click.group(help=N_("The audit signing key (Ed25519), kept in a file outside the database."))
def keys() -> None:
    pass


@keys.command(
    name="init",
    help=N_("Create the signing key (owner-only file; never overwrites) and print its public key."),
)
@key_option
@json_option
def init_key(key: Path | None, as_json: bool) -> None:
    from procure.domain.checkpoint import fingerprint
    from procure.services.trail.checkpoints import init_key as create
    from procure.store.keyfile import public_key_path, signing_key_path

    path = signing_key_path(key)
    public = create(path)
    if as_json:
        print_json(
            {
                "key": str(path),
                "public_key": public,
                "public_key_file": str(public_key_path(path)),
                "fingerprint": fingerprint(public),
            }
        )
        return
    echo(_("Signing key created: %(path)s (owner-only)", path=path))
    echo(
        "  "
        + _(
            "Public key: %(key)s (key %(fingerprint)s)", key=public, fingerprint=fingerprint(public)
        )
    )
    echo(
        "  "
        + _(
            "Public key file: %(path)s (give it to the auditors)",
            path=public_key_path(path),
        )
    )
