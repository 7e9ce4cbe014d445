"""``procure calendar``: enter a year's holiday notice, show a year of the working calendar."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from procure.cli.output import echo, json_option, open_session, print_json, print_table
from procure.domain.language import N_, _, pgettext


@click.group(help=N_("The working-day calendar: enter a year's holiday notice, show a year."))
def calendar() -> None:
    pass


@calendar.command(
    "add",
    help=N_(
        "Enter the State Council's notice for YEAR from FILE (YAML or .csv): "
        "checked first, then the year turns official and every running "
        "deadline is counted again."
    ),
)
@click.argument("year", type=int)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--by", metavar="LOGIN", required=True, help=N_("The administrator entering it."))
@json_option
@click.pass_context
def add(ctx: click.Context, year: int, file: Path, by: str, as_json: bool) -> None:
    from procure.domain.errors import InvalidInput
    from procure.services.deadlines.calendar_entry import add_notice
    from procure.workflow.context import Actor

    try:
        content = file.read_bytes()
    except OSError as exc:
        raise InvalidInput(
            _("%(file)s: cannot be read (%(problem)s)", file=file, problem=exc.strerror)
        ) from None
    with open_session(ctx) as session:
        added = add_notice(session, year, content, file.name, Actor(by, "admin"))
    if as_json:
        print_json(asdict(added))
        return
    echo(
        _(
            "Holiday notice for %(year)s entered: %(title)s (published %(date)s)",
            year=added.year,
            title=added.title,
            date=added.published_on.isoformat(),
        )
    )
    echo(
        "  "
        + _(
            "%(off)s days off, %(makeup)s make-up working days; the working calendar of "
            "%(year)s is now official (audit record #%(seq)s)",
            off=added.days_off,
            makeup=added.makeup_workdays,
            year=added.year,
            seq=added.audit_seq,
        )
    )
    if not added.moved:
        echo("  " + _("No deadline moved"))
    else:
        echo("  " + _("Deadlines moved by the recount: %(count)s", count=len(added.moved)))
        for moved in added.moved:
            values = {
                "project": moved.project,
                "deadline": moved.zh,
                "before": moved.before.isoformat(),
                "after": moved.after.isoformat(),
            }
            if moved.earlier:
                line = _("%(project)s %(deadline)s: %(before)s → %(after)s (earlier)", **values)
            else:
                line = _("%(project)s %(deadline)s: %(before)s → %(after)s (later)", **values)
            echo("    " + line)
    echo("  " + _("Reminders queued for deadlines moved earlier: %(count)s", count=added.reminded))


@calendar.command(
    "show", help=N_("Print YEAR's days off and make-up working days, and whether it is official.")
)
@click.argument("year", type=int)
@json_option
@click.pass_context
def show(ctx: click.Context, year: int, as_json: bool) -> None:
    from procure.services.deadlines.calendar_entry import show_year

    with open_session(ctx, readonly=True) as session:
        shown = show_year(session, year)
    if as_json:
        print_json(asdict(shown))
        return
    if shown.official:
        echo(
            _(
                "Working calendar of %(year)s: official (%(source)s)",
                year=shown.year,
                source=shown.source,
            )
        )
    else:
        echo(
            _(
                "Working calendar of %(year)s: provisional (%(source)s)",
                year=shown.year,
                source=shown.source,
            )
        )
    if shown.notice is not None:
        echo(
            "  "
            + _(
                "Notice: %(title)s, published %(published)s; entered by %(by)s at %(at)s",
                title=shown.notice["title"],
                published=shown.notice["published_on"],
                by=shown.notice["entered_by"],
                at=shown.notice["entered_at"],
            )
        )
    print_table(
        _("Days off (ordinary weekends not included)"),
        [pgettext("cli", "First day"), pgettext("cli", "Last day"), pgettext("cli", "Days")],
        [
            (first.isoformat(), last.isoformat(), str((last - first).days + 1))
            for first, last in shown.days_off
        ],
    )
    worked = _(", ").join(day.isoformat() for day in shown.makeup_workdays) or pgettext(
        "cli", "none"
    )
    echo(_("Make-up working days: %(days)s", days=worked))


def register(cli: click.Group) -> None:
    """Add ``calendar`` to the root command."""
    cli.add_command(calendar)
