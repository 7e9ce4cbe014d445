"""Year-end commands: ``procure renew`` (the whole year's decisions) and ``procure fixtures``."""

from __future__ import annotations

import csv
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from procure.cli.audit_commands import checkpoint_line, key_option, no_key_warning
from procure.cli.output import (
    COUNT,
    FUNDING_YEAR,
    SEED,
    echo,
    json_option,
    open_session,
    print_json,
    print_table,
)
from procure.domain.language import N_, _, pgettext
from procure.domain.text import spreadsheet_cell

if TYPE_CHECKING:
    from procure.services.renewal.run import RenewalRun

TABLE_LIMIT = 1000
ACTION_LABELS = {
    "renew": N_("renew"),
    "rectify": N_("rectify"),
    "drop": N_("no further cooperation"),
    "skip": N_("leave for now"),
    "decide": N_("needs a decision"),
    "refused": N_("refused"),
}
"""Each outcome of the renewal plan, as people name it."""


@contextmanager
def _progress(enabled: bool, label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar on a terminal (stderr), else nothing."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


@click.command(
    help=N_(
        "Renew, rectify or drop every contract of a YEAR by the renewal policy "
        "(dry run first).\n\n\b\nExit code: 0 when every planned decision was "
        "carried out (or for a dry run);\n1 when --apply refused any contract: "
        "the others are still processed and the\nreport printed first. A "
        "renewal whose organization is barred next year is not a\nrefusal: it "
        'is listed as needing a decision (drop it with a reason such as\n"not '
        'renewed: barred"), and the run still exits 0.\nWith --apply and a '
        "signing key (--key, $PROCURE_AUDIT_KEY), the audit chain "
        "is\ncheckpointed before and after the run."
    )
)
@click.option("--year", type=FUNDING_YEAR, required=True, help=N_("The funding year to decide."))
@click.option("--purchaser", metavar="CODE", help=N_("Only this purchaser's contracts."))
@click.option(
    "--apply",
    "apply_",
    is_flag=True,
    help=N_(
        "Carry the plan out (default: dry run). Cannot be undone: renewals create next "
        "year's projects, drops bar the organizations."
    ),
)
@click.option("--by", "by", default=None, help=N_("The officer's login (needed with --apply)."))
@click.option(
    "--csv",
    "csv_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help=N_("Write the plan (and results) to a CSV file."),
)
@key_option
@json_option
@click.pass_context
def renew(
    ctx: click.Context,
    year: int,
    purchaser: str | None,
    apply_: bool,
    by: str | None,
    csv_file: Path | None,
    key: Path | None,
    as_json: bool,
) -> None:
    from procure.cli.witness_output import witnessed_lines
    from procure.services.renewal.run import DEFAULT_ACTOR, renew_year
    from procure.services.trail.checkpoints import optional_signer
    from procure.services.trail.witnesses import checkpoint_and_witness, witness_settings
    from procure.workflow.context import Actor

    if as_json and csv_file is not None:
        raise click.UsageError(_("give --json or --csv FILE, not both"))
    if apply_ and not by:
        raise click.UsageError(_("--apply needs --by LOGIN: the officer account carrying it out"))
    actor = Actor(by, "officer") if by else DEFAULT_ACTOR
    signer = None
    witnesses = witness_settings(os.environ)  # a malformed setting: said before anything runs
    if apply_:
        signer, key_path = optional_signer(key)
        if signer is None:
            echo(no_key_warning(key_path), err=True)
    with (
        open_session(ctx, readonly=not apply_, bulk=apply_) as session,
        _progress(apply_ and not as_json, _("Renewals")) as progress,
    ):
        run = renew_year(
            session, year, purchaser, apply_, actor=actor, progress=progress, signer=signer
        )
    witnessed = None
    if run.applied and signer is not None and witnesses.any:
        with open_session(ctx) as session:  # the run's last checkpoint, to the witnesses
            witnessed = checkpoint_and_witness(session, signer, witnesses, after_batch=True)
    if as_json:
        print_json(run.to_dict())
    else:
        if csv_file is not None:
            _write_csv(run, csv_file)
        _print_run(run, show_items=csv_file is None)
        if witnessed is not None:
            for line in witnessed_lines(witnessed)[1:]:
                echo(line)
    if run.refused:
        ctx.exit(1)


def _action(action: str) -> str:
    return _(ACTION_LABELS[action]) if action in ACTION_LABELS else action


def _print_run(run: RenewalRun, *, show_items: bool) -> None:
    if show_items and len(run.plan) <= TABLE_LIMIT:
        print_table(
            _("Renewal plan of %(year)s", year=run.year),
            [
                pgettext("cli", "Project"),
                pgettext("cli", "Organization"),
                pgettext("cli", "Score"),
                pgettext("cli", "Grade"),
                pgettext("cli", "Decision"),
                pgettext("cli", "Reason"),
                pgettext("cli", "Next year's project"),
            ],
            [
                (
                    i.project,
                    i.organization,
                    i.score,
                    i.grade,
                    _action(i.action),
                    i.reason,
                    i.next_project,
                )
                for i in run.plan
            ],
        )
    elif show_items:
        echo(
            _(
                "%(count)s contracts: use --csv FILE or --json for the whole plan",
                count=len(run.plan),
            )
        )
    counts = _(", ").join(f"{_action(a)} {n}" for a, n in run.counts.items())
    echo(_("Plan: %(counts)s", counts=counts))
    if not run.applied:
        echo(_("Dry run: nothing changed; add --apply to carry the plan out"))
        return
    for failure in run.failures:
        echo(_("Not done: %(project)s: %(reason)s", project=failure.project, reason=failure.reason))
    batch_command = f"`procure audit batch {run.batch_id}`"
    echo(
        _(
            "Changed %(count)s contracts (batch %(batch)s); see %(command)s",
            count=run.changed,
            batch=run.batch_id,
            command=batch_command,
        )
    )
    if run.checkpoint is not None:
        echo(checkpoint_line(run.checkpoint))


def spreadsheet_row(values: list[object]) -> list[object]:
    """A CSV row whose text cannot run as a formula (see ``spreadsheet_cell``)."""
    return [spreadsheet_cell(value) for value in values]


def _write_csv(run: RenewalRun, path: Path) -> None:
    statuses = {result.project: result for result in run.results}
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "project",
                "organization",
                "uscc",
                "score",
                "grade",
                "action",
                "reason",
                "next_project",
                "status",
            ]
        )
        for item in run.plan:
            result = statuses.get(item.project)
            status = result.status if result else ("planned" if run.applied is False else "")
            writer.writerow(
                spreadsheet_row(
                    [
                        item.project,
                        item.organization,
                        item.uscc,
                        "" if item.score is None else item.score,
                        item.grade,
                        item.action,
                        result.reason if result else item.reason,
                        item.next_project or "",
                        status,
                    ]
                )
            )


@click.group(help=N_("Sample and generated data sets."))
def fixtures() -> None:
    pass


@fixtures.command(
    help=N_("Generate a province's year: purchasers, organizations, assessed contracts (bulk).")
)
@click.option(
    "--year", type=FUNDING_YEAR, required=True, help=N_("The funding year of the projects.")
)
@click.option("--organizations", type=COUNT, default=1000, show_default=True)
@click.option("--projects", type=COUNT, default=10_000, show_default=True)
@click.option("--seed", type=SEED, default=0, show_default=True, help=N_("Same seed, same data."))
@click.option(
    "--by",
    metavar="LOGIN",
    help=N_(
        "An administrator, when the province's accounts must be created in a database "
        "that already has one."
    ),
)
@json_option
@click.pass_context
def generate(
    ctx: click.Context,
    year: int,
    organizations: int,
    projects: int,
    seed: int,
    by: str | None,
    as_json: bool,
) -> None:
    from dataclasses import asdict

    from procure.services.loading.generate import generate_year
    from procure.workflow.context import Actor

    with open_session(ctx) as session, _progress(not as_json, _("Generating data")) as progress:
        made = generate_year(
            session,
            year=year,
            organizations=organizations,
            projects=projects,
            seed=seed,
            progress=progress,
            by=Actor(by, "admin") if by else None,
        )
    if as_json:
        print_json(asdict(made))
        return
    echo(
        _(
            "Generated %(year)s: %(purchasers)s purchasers, %(organizations)s organizations, "
            "%(projects)s assessed projects (batch %(batch)s)",
            year=made.year,
            purchasers=made.purchasers,
            organizations=made.organizations,
            projects=made.projects,
            batch=made.batch_id,
        )
    )


def register(cli: click.Group) -> None:
    """Add ``renew`` and the ``fixtures`` group to the root command."""
    cli.add_command(renew)
    cli.add_command(fixtures)
