"""Report commands: print evaluation records (one, or a year's) and verify a printed file.

``procure report CODE -o FILE.pdf`` and ``procure report --year Y -o DIR`` run the
``print`` subcommand, named or not; ``procure report verify FILE.pdf`` checks a file.
Jinja2, WeasyPrint and pypdf are imported only inside the commands.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from procure.cli.audit_commands import key_option, no_key_warning
from procure.cli.output import FUNDING_YEAR, db_url, echo, json_option, open_session, print_json
from procure.domain.errors import InvalidInput
from procure.domain.language import N_, _
from procure.domain.text import quoted


class _ReportGroup(click.Group):
    """A group whose default subcommand is ``print``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        help_asked = any(a in ("-h", "--help") for a in args[:1])
        if args and not help_asked and args[0] not in self.commands:
            args = ["print", *args]
        return super().parse_args(ctx, args)


@click.group(
    cls=_ReportGroup,
    help=N_(
        "Evaluation records as PDF: print them, verify "
        "them.\n\n\b\nprocure report CODE -o FILE.pdf\nprocure report --year Y "
        "[--purchaser P] -o DIR [--jobs N]\nprocure report verify FILE.pdf"
    ),
)
def report() -> None:
    pass


@report.command(
    name="print",
    help=N_(
        "Print one project's record (CODE) or a year's records (--year) as "
        "PDF.\n\nEach record carries a signed checkpoint of the audit chain when "
        "a signing key is configured (the newest one, when the chain has not "
        "moved since)."
    ),
)
@click.argument("code", required=False)
@click.option(
    "--year", type=FUNDING_YEAR, help=N_("Print every contracted project of this funding year.")
)
@click.option("--purchaser", help=N_("With --year: only this purchaser's projects, e.g. SM-FED."))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help=N_("The PDF file (one record) or the folder (a year)."),
)
@click.option(
    "--jobs", type=click.IntRange(min=1), help=N_("Worker processes (default: all cores).")
)
@click.option(
    "--force", is_flag=True, help=N_("Print again even when the file is already current.")
)
@key_option
@json_option
@click.pass_context
def print_records(
    ctx: click.Context,
    code: str | None,
    year: int | None,
    purchaser: str | None,
    output: Path,
    jobs: int | None,
    force: bool,
    key: Path | None,
    as_json: bool,
) -> None:
    from procure.reports.fonts import font_setup

    if (code is None) == (year is None):
        raise click.UsageError(_("give either a project CODE or --year, not both"))
    if code is not None and (purchaser or jobs):
        raise click.UsageError(_("--purchaser and --jobs go with --year"))
    for warning in font_setup().warnings():
        echo(warning, err=True)
    if code is not None:
        _print_single(ctx, code, output, key, as_json)
    else:
        assert year is not None
        _print_batch(ctx, year, purchaser, output, jobs, force, key, as_json)


def _checkpoint(ctx: click.Context, key: Path | None) -> dict[str, Any] | None:
    """Take (or reuse) the checkpoint printed records carry; warn in one line without a key."""
    from procure.services.trail.checkpoints import optional_signer, take_checkpoint

    signer, path = optional_signer(key)
    if signer is None:
        echo(no_key_warning(path), err=True)
        return None
    with open_session(ctx) as session:
        return take_checkpoint(session, signer).to_dict()


def _print_single(
    ctx: click.Context, code: str, output: Path, key: Path | None, as_json: bool
) -> None:
    from procure.reports.batch import write_atomically
    from procure.reports.coverage import coverage_warning, undrawable
    from procure.reports.data import build_record, verification_code
    from procure.reports.render import render_pdf

    if output.is_dir():
        example = f"{code}.pdf"
        raise InvalidInput(
            _(
                "%(path)s is a folder; give the PDF file to write, e.g. %(file)s",
                path=output,
                file=example,
            )
        )
    with open_session(ctx) as session:
        record = build_record(session, code)
    checkpoint = _checkpoint(ctx, key)
    write_atomically(output, render_pdf(record, checkpoint))
    warning = coverage_warning(code, undrawable(record))
    if warning is not None:
        echo(warning, err=True)
    digest = verification_code(record)
    if as_json:
        print_json({"project": code, "file": str(output), "code": digest, "checkpoint": checkpoint})
        return
    echo(_("Printed %(code)s → %(file)s", code=code, file=output))
    echo("  " + _("Verification code: %(digest)s", digest=digest))
    if checkpoint is not None:
        echo(
            "  "
            + _(
                "Audit checkpoint %(date)s #%(seq)s",
                date=checkpoint["at"][:10],
                seq=checkpoint["seq"],
            )
        )


def _print_batch(
    ctx: click.Context,
    year: int,
    purchaser: str | None,
    output: Path,
    jobs: int | None,
    force: bool,
    key: Path | None,
    as_json: bool,
) -> None:
    from procure.reports.batch import FAILED, PRINTED, SKIPPED, year_codes

    if output.exists() and not output.is_dir():
        raise InvalidInput(_("%(path)s is a file; give a folder for a year's records", path=output))
    with open_session(ctx):  # checks the database is there and current
        pass
    url = db_url(ctx)
    codes = year_codes(url, year, purchaser)
    if not codes:
        raise InvalidInput(
            _(
                "no contracted project in %(year)s for %(purchaser)s",
                year=year,
                purchaser=purchaser,
            )
            if purchaser
            else _("no contracted project in %(year)s", year=year)
        )
    checkpoint = _checkpoint(ctx, key)
    outcomes = _with_progress(url, codes, output, jobs, force, as_json, checkpoint)
    counts = {s: sum(o.status == s for o in outcomes) for s in (PRINTED, SKIPPED, FAILED)}
    if as_json:
        print_json(
            {
                "year": year,
                "directory": str(output),
                **counts,
                "records": [o.__dict__ for o in outcomes],
            }
        )
    else:
        for outcome in outcomes:
            if outcome.status == FAILED:
                echo(
                    _(
                        "Failed %(project)s: %(message)s",
                        project=outcome.project,
                        message=outcome.message,
                    ),
                    err=True,
                )
            elif outcome.message:  # a warning, e.g. characters no font can draw
                echo(outcome.message, err=True)
        echo(
            _(
                "Evaluation records of %(year)s → %(folder)s: printed %(printed)s, "
                "unchanged and skipped %(skipped)s, failed %(failed)s",
                year=year,
                folder=output,
                printed=counts[PRINTED],
                skipped=counts[SKIPPED],
                failed=counts[FAILED],
            )
        )
    if counts[FAILED]:
        ctx.exit(1)


def _with_progress(
    url: str,
    codes: list[str],
    output: Path,
    jobs: int | None,
    force: bool,
    as_json: bool,
    checkpoint: dict[str, Any] | None,
) -> list[Any]:
    from procure.reports.batch import print_year

    if as_json or not sys.stderr.isatty():
        return print_year(url, codes, output, jobs=jobs, force=force, checkpoint=checkpoint)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True)) as progress:
        task = progress.add_task(_("Printing"), total=len(codes))
        return print_year(
            url,
            codes,
            output,
            jobs=jobs,
            force=force,
            on_outcome=lambda _outcome: progress.advance(task),
            checkpoint=checkpoint,
        )


@report.command(
    help=N_(
        "Check that a printed record FILE matches the database today and that "
        "the audit checkpoint it carries is validly signed and still held by "
        "the audit chain, and that the project's stored rows are what its "
        "audit trail implies."
    )
)
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--skip-page-render",
    is_flag=True,
    help=N_(
        "Check only the data (code, database, checkpoint): do NOT re-render the pages, so an "
        "edit to the visible pages goes unnoticed. Faster; not a full check."
    ),
)
@click.option(
    "--public-key",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help=N_("The trusted public key (KEY.pub) the record's checkpoint must be signed with."),
)
@json_option
@click.pass_context
def verify(
    ctx: click.Context,
    file: Path,
    skip_page_render: bool,
    public_key: Path | None,
    as_json: bool,
) -> None:
    from procure.reports.verify import verify_pdf
    from procure.services.trail.check import project_trail_problems
    from procure.store.keyfile import load_public_key

    trusted = load_public_key(public_key) if public_key is not None else None
    with open_session(ctx, readonly=True) as session:  # the record and the trail at one moment
        result = verify_pdf(
            session,
            file,
            check_pages=not skip_page_render,
            trusted_key=trusted,
            trail_check=project_trail_problems,
        )
    if as_json:
        from dataclasses import asdict

        print_json(asdict(result))
    elif result.ok:
        values = {"file": file, "project": result.project, "code": result.code}
        if result.resaved:
            echo(
                _(
                    "Consistent: %(file)s re-saved, content identical (%(project)s, %(code)s)",
                    **values,
                )
            )
        else:
            echo(_("Consistent: %(file)s matches the database (%(project)s, %(code)s)", **values))
        if result.checkpoint:
            echo("  " + _("%(checkpoint)s holds", checkpoint=result.checkpoint))
        if skip_page_render:
            echo("  " + _("pages not re-rendered (--skip-page-render): only the data was checked"))
    else:
        echo(
            _(
                "MISMATCH: %(file)s (%(project)s) does not match the database",
                file=file,
                project=result.project,
            )
        )
        for difference in result.differences:
            echo(
                "  "
                + _(
                    "%(field)s: file %(in_file)s ≠ database %(in_database)s",
                    field=difference.field,
                    in_file=quoted(difference.in_file),
                    in_database=quoted(difference.in_database),
                )
            )
        for problem in result.problems:
            echo(f"  {problem}")
    if not as_json:
        for note in result.notes:
            echo("  " + _("note: %(note)s", note=note))
    if not result.ok:
        ctx.exit(1)
