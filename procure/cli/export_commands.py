"""``procure export``: open data for outside audit (the OCDS release package of a year; the
auditor's dossier registers on this group from :mod:`procure.cli.dossier_commands`)."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import click

from procure.cli.output import FUNDING_YEAR, echo, json_option, open_session, print_json
from procure.domain.errors import InvalidInput
from procure.domain.language import N_, _
from procure.domain.text import quoted


@click.group(
    help=N_(
        "Open data for outside audit.\n\n\b\nprocure export ocds --year Y "
        "[--purchaser P] -o FILE.json\nprocure export dossier --year Y "
        "[--purchaser P] -o FILE.zip"
    )
)
def export() -> None:
    pass


@export.command(
    help=N_(
        "Write the year's projects as an Open Contracting Data Standard 1.1 "
        "release package.\n\nOne release per public project (ocid: the prefix of "
        "workflows/opendata.yaml and the project code), with its planning, "
        "tender, awards, contract and payments. Nothing private: no score "
        "sheet, no narrative, no reviewer before the award. The same data "
        "gives the same file, byte for byte: its publishedDate is the newest "
        "audit row of the exported projects unless --published says otherwise."
    )
)
@click.option("--year", type=FUNDING_YEAR, required=True, help=N_("The funding year to export."))
@click.option(
    "--purchaser", help=N_("Only this purchaser's projects and those below it, e.g. SM-FED.")
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help=N_("The JSON file to write (replaced whole, only once the package is complete)."),
)
@click.option(
    "--published",
    metavar="MOMENT",
    help=N_(
        "The package's publishedDate, e.g. 2020-01-06T09:00+08:00 (default: the time of "
        "the newest audit row of the exported projects, never the clock)."
    ),
)
@json_option
@click.pass_context
def ocds(
    ctx: click.Context,
    year: int,
    purchaser: str | None,
    output: Path,
    published: str | None,
    as_json: bool,
) -> None:
    from procure.services.opendata.ocds import write_package

    moment = _moment(published)
    if output.is_dir():
        raise InvalidInput(
            _("%(path)s is a folder; give the JSON file to write", path=quoted(str(output)))
        )
    if not output.parent.is_dir():
        raise InvalidInput(
            _(
                "no folder %(folder)s to write %(file)s in",
                folder=quoted(str(output.parent)),
                file=output.name,
            )
        )
    temporary = output.with_name(f".{output.name}.{os.getpid()}.part")
    try:  # written beside, renamed into place once complete: never a half file
        with open_session(ctx, readonly=True, bulk=True) as session, temporary.open("wb") as target:
            releases = write_package(session, target, year, purchaser, published=moment)
        os.replace(temporary, output)
    finally:
        temporary.unlink(missing_ok=True)
    if as_json:
        print_json({"file": str(output), "releases": releases, "year": year})
        return
    echo(
        _(
            "Exported %(count)s OCDS releases of %(year)s → %(file)s",
            count=releases,
            year=year,
            file=output,
        )
    )


def _moment(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise InvalidInput(
            _(
                "--published %(value)s: give a moment such as 2020-01-06T09:00+08:00",
                value=quoted(value),
            )
        ) from exc
    if moment.tzinfo is None:
        raise InvalidInput(
            _("--published %(value)s: add the offset, e.g. +08:00", value=quoted(value))
        )
    return moment
