"""Root of the CLI: global options, and the database-wide commands (init, load, demo)."""

from __future__ import annotations

import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from procure.cli.output import (
    checkpoint_name,
    db_url,
    echo,
    json_option,
    open_session,
    print_json,
    print_table,
    shown_url,
)
from procure.cli.speech import ProcureGroup
from procure.domain.errors import InvalidInput
from procure.domain.language import N_, _, language_from_environment, pgettext, use_language
from procure.workflow.roles import role_label


@click.group(
    name="procure",
    cls=ProcureGroup,
    help=N_(
        "procure: the lifecycle of purchased service projects — approval → review → "
        "signing → supervision → assessment → renewal / rectification / no further cooperation."
    ),
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--db",
    metavar="URL",
    help=N_("Database URL (default: $PROCURE_DB, else sqlite:///procure.db)."),
)
def cli(db: str | None) -> None:
    # The command speaks $LANG's language (Chinese unless it names English) until it ends.
    click.get_current_context().with_resource(use_language(language_from_environment(os.environ)))


@cli.command(help=N_("Create the database schema, or upgrade it to this release (idempotent)."))
@click.pass_context
def init(ctx: click.Context) -> None:
    from procure.services.trail.check import upgrade_database
    from procure.store.db import make_engine
    from procure.store.migrate import current_revision
    from procure.store.schema import newer_schema_message

    url = db_url(ctx)
    engine = make_engine(url)
    try:
        before = current_revision(engine)
        newer = None if before is None else newer_schema_message(shown_url(url), before)
        if newer is not None:
            raise InvalidInput(_("%(problem)s; init does not downgrade", problem=newer))
        upgrade_database(engine)
        after = current_revision(engine)
    finally:
        engine.dispose()
    if before == after:
        echo(_("The database is up to date (schema %(schema)s)", schema=after))
    elif before is None:
        echo(_("The database is ready (schema %(schema)s)", schema=after))
    else:
        echo(_("The database is ready (schema %(before)s → %(after)s)", before=before, after=after))


@cli.command(
    help=N_(
        "Load a fixture FILE (users, purchasers, organizations, projects, history): all or nothing."
    )
)
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--by",
    metavar="LOGIN",
    help=N_("The administrator loading it (not needed while the database has no administrator)."),
)
@json_option
@click.pass_context
def load(ctx: click.Context, file: Path, by: str | None, as_json: bool) -> None:
    from procure.services.accounts.authorization import SETUP_ACTOR
    from procure.services.loading.fixture import load_fixture
    from procure.workflow.context import Actor

    with open_session(ctx) as session:
        summary = load_fixture(session, file, Actor(by, "admin") if by else SETUP_ACTOR)
    if as_json:
        print_json(asdict(summary))
        return
    echo(
        _(
            "Loaded %(file)s: %(purchasers)s purchasers, %(organizations)s organizations, "
            "%(projects)s projects, %(events)s workflow events, %(accounts)s accounts",
            file=file.name,
            purchasers=summary.purchasers,
            organizations=summary.organizations,
            projects=summary.projects,
            events=summary.events,
            accounts=summary.accounts,
        )
    )


@cli.command(
    help=N_(
        "Run the Siming District 2019 year on a fresh SQLite database and print its outcomes."
        "\n\n"
        "After the year-end decisions the trail is signed with the demo's own key "
        "(DIR/audit-signing.key, created owner-only) and the checkpoint exported to "
        "DIR/checkpoints/. The year's evaluation records, carrying it, are printed as PDF into "
        "DIR/records/2019/; without a Chinese font a one-line warning says which package to "
        "install, and the rest still runs."
    )
)
@click.option(
    "--dir",
    "directory",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("procure-demo"),
    show_default=True,
    help=N_("Folder for the demo database (and its evaluation records, under records/)."),
)
@click.option(
    "--records/--no-records",
    default=True,
    show_default=True,
    help=N_("Also print the year's evaluation records (PDF) into DIR/records/2019/."),
)
@click.option(
    "--draft-year",
    type=click.IntRange(2000, 2199),
    default=None,
    help=N_(
        "The year of the project the demo leaves in draft (default: this year, so that "
        "it can be walked to a contract in the browser today)."
    ),
)
@json_option
def demo(directory: Path, records: bool, draft_year: int | None, as_json: bool) -> None:
    from procure.services.loading import demo as demo_year
    from procure.services.loading.demo import (
        DEMO_KEY,
        DEMO_PASSWORD,
        demo_checkpoint,
        open_for_browser,
        run_demo,
    )
    from procure.services.trail.check import upgrade_database
    from procure.store.db import make_engine, new_session

    directory.mkdir(parents=True, exist_ok=True)
    database = directory / "demo.db"
    for leftover in (database, *(database.with_name(f"demo.db-{end}") for end in _SIDE_FILES)):
        leftover.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{database}")
    try:
        upgrade_database(engine)
        with new_session(engine) as session:
            summary, outcomes = run_demo(session)
            checkpoint, checkpoint_file = demo_checkpoint(session, directory)
            year = demo_year.draft_year() if draft_year is None else draft_year
            demo_accounts = open_for_browser(session, year=year)
    finally:
        engine.dispose()
    url = f"sqlite:///{database}"
    printed = _demo_records(url, directory / "records", checkpoint.to_dict()) if records else None
    dossier = _demo_dossier(url, directory) if printed and _all_printed(printed) else None
    if as_json:
        print_json(
            {
                "database": str(database),
                "loaded": asdict(summary),
                "outcomes": [asdict(o) for o in outcomes],
                "checkpoint": {"name": checkpoint.name, "file": str(checkpoint_file)},
                "records": printed,
                "dossier": dossier,
                "accounts": [asdict(a) for a in demo_accounts],
                "password": DEMO_PASSWORD,
                "draft": demo_year.demo_draft(year).code,
            }
        )
        return
    echo(
        _(
            "Siming District Federation of Trade Unions, services purchased in 2019 — "
            "demo database: %(file)s",
            file=database,
        )
    )
    print_table(
        _("Year-end assessments and renewal decisions"),
        [
            pgettext("cli", "Project"),
            pgettext("cli", "Title"),
            pgettext("cli", "Organization"),
            pgettext("cli", "Score"),
            pgettext("cli", "Grade"),
            pgettext("cli", "Decision"),
        ],
        [(o.project, o.title, o.organization, o.score, o.grade, o.decision) for o in outcomes],
    )
    if printed is not None:
        for warning in printed["warnings"]:
            echo(warning, err=True)
        if printed["records"]:
            verify = f"procure --db sqlite:///{database} report verify FILE.pdf"
            if printed["failed"]:
                echo(
                    _(
                        "Evaluation records: %(count)s PDF files in %(folder)s, %(failed)s "
                        "failed (verify one: %(command)s)",
                        count=printed["records"],
                        folder=printed["directory"],
                        failed=printed["failed"],
                        command=verify,
                    )
                )
            else:
                echo(
                    _(
                        "Evaluation records: %(count)s PDF files in %(folder)s "
                        "(verify one: %(command)s)",
                        count=printed["records"],
                        folder=printed["directory"],
                        command=verify,
                    )
                )
    verify_command = (
        f"procure --db {url} audit verify --checkpoints {checkpoint_file.parent} "
        f"--public-key {directory / DEMO_KEY}.pub"
    )
    echo(
        _(
            "Audit %(checkpoint)s (key %(key)s) → %(file)s (verify the trail: %(command)s)",
            checkpoint=checkpoint_name(checkpoint.at, checkpoint.seq),
            key=checkpoint.key_fingerprint,
            file=checkpoint_file,
            command=verify_command,
        )
    )
    if dossier is not None:
        dossier_command = f"procure dossier verify {dossier}"
        echo(
            _(
                "Auditor's dossier → %(file)s (verify it without the database: %(command)s)",
                file=dossier,
                command=dossier_command,
            )
        )
    explore = f"PROCURE_DB={url} procure projects"
    echo(_("Explore it: %(command)s", command=explore))
    print_table(
        _("Demo accounts"),
        [pgettext("cli", "Login"), pgettext("cli", "Name"), pgettext("cli", "Roles")],
        [(a.login, a.name, a.roles) for a in demo_accounts],
    )
    draft = demo_year.demo_draft(year)
    serve_line = f"procure --db {url} serve"
    echo(
        _(
            "In the browser: `make serve` (or %(command)s), then open %(address)s and sign in "
            "with a login above and the demo password %(password)s (demo only). %(code)s "
            "%(title)s waits in draft for %(officer)s (%(role)s) to submit.",
            command=serve_line,
            address="http://127.0.0.1:8000/",
            password=DEMO_PASSWORD,
            code=draft.code,
            title=draft.title,
            officer="李秀梅",
            role=role_label("officer"),
        )
    )


_SIDE_FILES = ("journal", "wal", "shm")
"""SQLite's files beside a database: a stale WAL must not outlive the file it belongs to."""


def _demo_records(url: str, folder: Path, checkpoint: dict[str, Any]) -> dict[str, Any]:
    """Print the demo year's records under ``folder``; a missing font or library is a
    warning (the demo still shows its table), never an error."""
    year = 2019
    result: dict[str, Any] = {
        "directory": str(folder / str(year)),
        "records": 0,
        "failed": 0,
        "warnings": [],
    }
    try:
        from procure.reports.batch import FAILED, demo_records
        from procure.reports.fonts import PrintingUnavailable, font_setup

        setup = font_setup()
        outcomes = demo_records(url, folder, year=year, checkpoint=checkpoint)
    except PrintingUnavailable as exc:
        result["warnings"] = [_("warning: evaluation records not printed: %(reason)s", reason=exc)]
        return result
    except OSError as exc:  # WeasyPrint's system libraries (Pango) are missing
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        result["warnings"] = [
            _("warning: evaluation records not printed (%(reason)s)", reason=first)
        ]
        return result
    result["warnings"] = setup.warnings()
    result["records"] = sum(1 for o in outcomes if o.status != FAILED)
    result["failed"] = sum(1 for o in outcomes if o.status == FAILED)
    return result


def _all_printed(printed: dict[str, Any]) -> bool:
    return bool(printed["records"]) and not printed["failed"]


def _demo_dossier(url: str, directory: Path) -> str:
    """Export the demo year's dossier to ``DIR/dossier-2019.zip``. The records just printed
    are reused (they carry the demo's checkpoint), so this renders nothing; the head (moved
    by the demo accounts since) is signed at its own row's moment, from the data."""
    from procure.services.loading.demo import DEMO_KEY
    from procure.services.opendata.dossier import export_dossier
    from procure.services.trail.checkpoints import load_signer
    from procure.store.audit import last_row_moment
    from procure.store.db import make_engine, new_session

    engine = make_engine(url)
    try:
        with new_session(engine) as session:
            summary = export_dossier(
                session,
                url=url,
                year=2019,
                purchaser=None,
                output=directory / "dossier-2019.zip",
                signer=load_signer(directory / DEMO_KEY),
                records_folder=directory / "records",
                signed_at=last_row_moment(session),
            )
    finally:
        engine.dispose()
    return summary.file


def _register_groups() -> None:
    from procure.cli import (
        account_commands,
        audit_commands,
        backup_commands,
        calendar_commands,
        correction_commands,
        deadline_commands,
        document_commands,
        dossier_commands,
        export_commands,
        language_commands,
        objection_commands,
        project_commands,
        renew_commands,
        report_commands,
        scoring_commands,
        serve_command,
        worker_command,
        workflow_commands,
    )

    project_commands.register(cli)
    cli.add_command(audit_commands.audit)
    cli.add_command(audit_commands.keys)
    cli.add_command(workflow_commands.workflow)
    cli.add_command(report_commands.report)
    renew_commands.register(cli)
    deadline_commands.register(cli)
    calendar_commands.register(cli)
    scoring_commands.register(cli)
    cli.add_command(account_commands.users)
    account_commands.users.add_command(language_commands.language)
    cli.add_command(serve_command.serve)
    cli.add_command(worker_command.worker)
    cli.add_command(objection_commands.objection)
    cli.add_command(correction_commands.correct)
    cli.add_command(correction_commands.amend)
    cli.add_command(correction_commands.approve)
    cli.add_command(correction_commands.refuse)
    export_commands.export.add_command(dossier_commands.export_dossier)
    cli.add_command(export_commands.export)
    cli.add_command(dossier_commands.dossier)
    backup_commands.register(cli)
    document_commands.register(cli)


_register_groups()
