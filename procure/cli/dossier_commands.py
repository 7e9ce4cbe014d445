"""``procure export dossier`` writes the auditor's dossier of a year; ``procure dossier
verify`` checks one without the database (one line per check, exit 1 on any failure)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from procure.cli.audit_commands import key_option
from procure.cli.output import FUNDING_YEAR, db_url, echo, json_option, open_session, print_json
from procure.domain.language import N_, _, ngettext, pgettext


@click.command(
    name="dossier",
    help=N_(
        "Write the auditor's dossier of a year: the records (PDF), the audit "
        "trail (JSON Lines), the signed checkpoints and public key, the OCDS "
        "package and a manifest with the SHA-256 of every file, and the "
        "projects' attached files (by their SHA-256).\n\nWith a signing key the "
        "chain's head is signed (or its checkpoint reused) and the records "
        "carry it; without one, the stored checkpoints of the newest key are "
        "shipped."
    ),
)
@click.option("--year", type=FUNDING_YEAR, required=True, help=N_("The funding year."))
@click.option("--purchaser", help=N_("Only this purchaser's projects, e.g. SM-FED."))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help=N_("The zip file to write, e.g. dossier-2019.zip."),
)
@click.option("--jobs", type=click.IntRange(min=1), help=N_("Record printing processes."))
@click.option(
    "--files-up-to",
    type=click.FloatRange(min=0),
    metavar="MB",
    help=N_(
        "Include the bytes of attached files up to this size in megabytes; larger ones by "
        "their SHA-256 only (default: every file)."
    ),
)
@key_option
@json_option
@click.pass_context
def export_dossier(
    ctx: click.Context,
    year: int,
    purchaser: str | None,
    output: Path,
    jobs: int | None,
    files_up_to: float | None,
    key: Path | None,
    as_json: bool,
) -> None:
    from procure.services.opendata.dossier import export_dossier as export
    from procure.services.trail.checkpoints import optional_signer

    signer, path = optional_signer(key)
    if signer is None:
        echo(
            _("note: no signing key at %(path)s: shipping the stored checkpoints only", path=path),
            err=True,
        )
    with open_session(ctx, bulk=True) as session:  # reads the whole trail once: no map
        summary = export(
            session,
            url=db_url(ctx),
            year=year,
            purchaser=purchaser,
            output=output,
            signer=signer,
            jobs=jobs,
            files_up_to=None if files_up_to is None else int(files_up_to * 1024 * 1024),
        )
    if as_json:
        print_json(asdict(summary))
        return
    which = f"{year} {purchaser}" if purchaser else year
    verify = f"procure dossier verify {summary.file}"
    echo(
        _(
            "Auditor's dossier %(year)s → %(file)s: %(records)s records, %(rows)s trail rows, "
            "%(checkpoints)s checkpoints (key %(key)s)",
            year=which,
            file=summary.file,
            records=summary.records,
            rows=summary.trail_rows,
            checkpoints=summary.checkpoints,
            key=summary.key_fingerprint,
        )
    )
    echo(
        "  "
        + _(
            "SHA-256 %(sha256)s; verify it: %(command)s",
            sha256=summary.sha256,
            command=verify,
        )
    )


@click.group(help=N_("The auditor's dossier (written by `procure export dossier`): verify one."))
def dossier() -> None:
    pass


@dossier.command(
    help=N_(
        "Check a dossier FILE without the database: the manifest, the trail's "
        "hash chain, each checkpoint's signature and head, and each record "
        "against the trail."
    )
)
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--public-key",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help=N_("The trusted public key (KEY.pub) the dossier must be signed with."),
)
@click.option(
    "--check-pages",
    is_flag=True,
    help=N_(
        "Also re-render each record and compare its pages (needs the procure release "
        "and fonts that printed it)."
    ),
)
@json_option
@click.pass_context
def verify(
    ctx: click.Context, file: Path, public_key: Path | None, check_pages: bool, as_json: bool
) -> None:
    from procure.cli.output import print_table
    from procure.services.opendata.dossier_verify import verify_dossier
    from procure.store.keyfile import load_public_key

    trusted = load_public_key(public_key) if public_key is not None else None
    result = verify_dossier(file, trusted_key=trusted, check_pages=check_pages)
    if as_json:
        print_json(
            {"file": result.file, "ok": result.ok, "checks": [asdict(c) for c in result.checks]}
        )
    else:
        print_table(
            _("Dossier %(file)s", file=file.name),
            [
                pgettext("cli", "Check"),
                pgettext("cli", "File"),
                pgettext("cli", "Result"),
                pgettext("cli", "Detail"),
            ],
            [
                (
                    _(CHECKS[c.check]) if c.check in CHECKS else c.check,
                    c.subject,
                    pgettext("cli", "pass") if c.ok else pgettext("cli", "FAIL"),
                    c.detail,
                )
                for c in result.checks
            ],
        )
        failed = sum(not c.ok for c in result.checks)
        if failed:
            echo(
                ngettext(
                    "Not consistent: %(num)d check failed",
                    "Not consistent: %(num)d checks failed",
                    failed,
                ),
                err=True,
            )
        else:
            echo(_("Consistent: every check of %(count)s passed", count=len(result.checks)))
    if not result.ok:
        ctx.exit(1)


_PASS = {True: lambda: pgettext("cli", "pass"), False: lambda: pgettext("cli", "FAIL")}
"""A check's result, as the table says it."""
CHECKS = {
    "manifest": N_("Manifest"),
    "trail": N_("Audit trail"),
    "public key": N_("Public key"),
    "checkpoint": N_("Checkpoint"),
    "record": N_("Evaluation record"),
    "records": N_("Every project's record"),
    "attachment": N_("Attachment"),
    "ocds": N_("OCDS package"),
}
"""Each check of a dossier, as the table names it."""
