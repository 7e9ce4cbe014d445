"""``procure backup -o FILE`` writes a consistent copy of the live database with its newest
checkpoint beside it; ``procure restore FILE`` copies one into an empty database."""

from __future__ import annotations

from pathlib import Path

import click

from procure.cli.audit_commands import key_option
from procure.cli.output import (
    checkpoint_name,
    db_url,
    echo,
    json_option,
    open_session,
    print_json,
    shown_url,
)
from procure.domain.language import N_, _


@click.command(
    help=N_(
        "Write a consistent copy of the live database (SQLite: its online "
        "backup API, WAL included; PostgreSQL: pg_dump), and the newest "
        "checkpoint as FILE.checkpoint.json."
    )
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help=N_("The backup file to write (never overwritten), e.g. procure-2026-12-05.db."),
)
@click.option("--by", metavar="LOGIN", required=True, help=N_("The admin taking the backup."))
@key_option
@json_option
@click.pass_context
def backup(ctx: click.Context, output: Path, by: str, key: Path | None, as_json: bool) -> None:
    from procure.services.trail.backups import back_up
    from procure.services.trail.checkpoints import optional_signer

    signer, _missing = optional_signer(key)
    with open_session(ctx) as session:
        engine = session.get_bind().engine
        done = back_up(session, engine, output, by=by, signer=signer)
    if as_json:
        print_json(
            {
                "file": str(done.file),
                "method": done.method,
                "size": done.size,
                "sha256": done.sha256,
                "checkpoint": done.checkpoint.to_dict() if done.checkpoint else None,
                "checkpoint_file": str(done.checkpoint_file) if done.checkpoint_file else None,
            }
        )
        return
    echo(
        _(
            "Backed up → %(file)s (%(method)s, %(size)s bytes)",
            file=done.file,
            method=done.method,
            size=done.size,
        )
    )
    echo(f"  SHA-256 {done.sha256}")
    if done.checkpoint is None:
        echo(
            "  "
            + _(
                "warning: no checkpoint to put beside it (no signing key and none stored); "
                "`procure keys init` creates a key"
            )
        )
    else:
        echo(
            "  "
            + _(
                "Beside it: %(name)s → %(file)s",
                name=checkpoint_name(done.checkpoint.at, done.checkpoint.seq),
                file=done.checkpoint_file,
            )
        )


@click.command(
    help=N_(
        "Restore a backup FILE into the empty database named by --db (refuses a non-empty one)."
    )
)
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.pass_context
def restore(ctx: click.Context, file: Path) -> None:
    from procure.services.trail.backups import checkpoint_file_of
    from procure.services.trail.backups import restore as restore_backup
    from procure.store.db import make_engine

    url = db_url(ctx)
    engine = make_engine(url)
    try:
        kind = restore_backup(file, engine)
    finally:
        engine.dispose()
    echo(_("Restored %(file)s (%(kind)s) into %(url)s", file=file, kind=kind, url=shown_url(url)))
    beside = checkpoint_file_of(file)
    if beside.exists():
        check = f"procure audit verify --checkpoints {beside}"
        echo("  " + _("Now check it: %(command)s", command=check))


def register(cli: click.Group) -> None:
    """Add ``backup`` and ``restore`` to the root command."""
    cli.add_command(backup)
    cli.add_command(restore)
