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

from procure.cli.output import FUNDING_YEAR, db_url, echo, json_option, open_session, print_json
from procure.domain.errors import InvalidInput
from procure.domain.text import quoted


class _ReportGroup(click.Group):
    """A group whose default subcommand is ``print``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        help_asked = any(a in ("-h", "--help") for a in args[:1])
        if args and not help_asked and args[0] not in self.commands:
            args = ["print", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_ReportGroup)
def report() -> None:
    """Evaluation records (绩效评价记录) as PDF: print them, verify them.

    \b
    procure report CODE -o FILE.pdf
    procure report --year Y [--purchaser P] -o DIR [--jobs N]
    procure report verify FILE.pdf
    """


@report.command(name="print")
@click.argument("code", required=False)
@click.option(
    "--year", type=FUNDING_YEAR, help="Print every contracted project of this funding year."
)
@click.option("--purchaser", help="With --year: only this purchaser's projects, e.g. SM-FED.")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="The PDF file (one record) or the folder (a year).",
)
@click.option("--jobs", type=click.IntRange(min=1), help="Worker processes (default: all cores).")
@click.option("--force", is_flag=True, help="Print again even when the file is already current.")
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
    as_json: bool,
) -> None:
    """Print one project's record (CODE) or a year's records (--year) as PDF."""
    from procure.reports.fonts import font_setup

    if (code is None) == (year is None):
        raise click.UsageError("give either a project CODE or --year, not both")
    if code is not None and (purchaser or jobs):
        raise click.UsageError("--purchaser and --jobs go with --year")
    for warning in font_setup().warnings():
        echo(warning, err=True)
    if code is not None:
        _print_single(ctx, code, output, as_json)
    else:
        assert year is not None
        _print_batch(ctx, year, purchaser, output, jobs, force, as_json)


def _print_single(ctx: click.Context, code: str, output: Path, as_json: bool) -> None:
    from procure.reports.batch import write_atomically
    from procure.reports.coverage import coverage_warning, undrawable
    from procure.reports.data import build_record, verification_code
    from procure.reports.render import render_pdf

    if output.is_dir():
        raise InvalidInput(f"{output} is a folder; give the PDF file to write, e.g. {code}.pdf")
    with open_session(ctx) as session:
        record = build_record(session, code)
    write_atomically(output, render_pdf(record))
    warning = coverage_warning(code, undrawable(record))
    if warning is not None:
        echo(warning, err=True)
    digest = verification_code(record)
    if as_json:
        print_json({"project": code, "file": str(output), "code": digest})
        return
    echo(f"已打印 printed {code} → {output}")
    echo(f"  验证码 verification code: {digest}")


def _print_batch(
    ctx: click.Context,
    year: int,
    purchaser: str | None,
    output: Path,
    jobs: int | None,
    force: bool,
    as_json: bool,
) -> None:
    from procure.reports.batch import FAILED, PRINTED, SKIPPED, year_codes

    if output.exists() and not output.is_dir():
        raise InvalidInput(f"{output} is a file; give a folder for a year's records")
    with open_session(ctx):  # checks the database is there and current
        pass
    url = db_url(ctx)
    codes = year_codes(url, year, purchaser)
    if not codes:
        raise InvalidInput(
            f"no contracted project in {year}" + (f" for {purchaser}" if purchaser else "")
        )
    outcomes = _with_progress(url, codes, output, jobs, force, as_json)
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
                echo(f"失败 failed {outcome.project}: {outcome.message}", err=True)
            elif outcome.message:  # a warning, e.g. characters no font can draw
                echo(outcome.message, err=True)
        echo(
            f"{year} 年度绩效评价记录 → {output}: 打印 printed {counts[PRINTED]}, "
            f"未变跳过 unchanged {counts[SKIPPED]}, 失败 failed {counts[FAILED]}"
        )
    if counts[FAILED]:
        ctx.exit(1)


def _with_progress(
    url: str, codes: list[str], output: Path, jobs: int | None, force: bool, as_json: bool
) -> list[Any]:
    from procure.reports.batch import print_year

    if as_json or not sys.stderr.isatty():
        return print_year(url, codes, output, jobs=jobs, force=force)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True)) as progress:
        task = progress.add_task("打印 printing", total=len(codes))
        return print_year(
            url,
            codes,
            output,
            jobs=jobs,
            force=force,
            on_outcome=lambda _outcome: progress.advance(task),
        )


@report.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--no-pages", is_flag=True, help="Skip re-rendering the pages (faster).")
@json_option
@click.pass_context
def verify(ctx: click.Context, file: Path, no_pages: bool, as_json: bool) -> None:
    """Check that a printed record FILE matches the database today."""
    from procure.reports.verify import verify_pdf

    with open_session(ctx) as session:
        result = verify_pdf(session, file, check_pages=not no_pages)
    if as_json:
        from dataclasses import asdict

        print_json(asdict(result))
    elif result.ok:
        echo(f"一致 OK: {file} matches the database ({result.project}, {result.code})")
    else:
        echo(f"不一致 MISMATCH: {file} ({result.project}) does not match the database")
        for difference in result.differences:
            echo(
                f"  {difference.field}: file {quoted(difference.in_file)} ≠ database "
                f"{quoted(difference.in_database)}"
            )
        for problem in result.problems:
            echo(f"  {problem}")
    if not result.ok:
        ctx.exit(1)
