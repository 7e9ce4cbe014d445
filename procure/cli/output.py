"""Printing for the CLI: JSON for scripts, tables with Chinese labels for people."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from procure.domain.errors import InvalidInput
from procure.domain.text import visible

if TYPE_CHECKING:
    from sqlmodel import Session

F = TypeVar("F", bound=Callable[..., Any])

json_option: Callable[[F], F] = click.option(
    "--json", "as_json", is_flag=True, help="Print JSON for scripts."
)


FUNDING_YEAR = click.IntRange(2000, 2100)
"""A ``--year``: the funding years procure records (as ``registry`` checks)."""

COUNT = click.IntRange(1, 10_000_000)
"""A ``--organizations`` / ``--projects`` count for the generator."""

SEED = click.IntRange(0, 2**63 - 1)
"""A random seed that fits every integer column."""


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def print_json(data: Any) -> None:
    """Print ``data`` as JSON (decimals as strings, dates as ISO)."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_plain))


def print_table(title: str | None, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Print a table that lines up Chinese text (rich measures wide characters).

    Every cell is data, never markup: a name such as ``坏标记[/]`` or ``[link=…]`` is shown
    as typed, and control characters (ESC, BEL, bidi overrides) are spelled out.
    """
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console()
    if not console.is_terminal:  # piped or captured: never cut a cell short
        console = Console(width=240)
    table = Table(
        title=None if title is None else Text(visible(title), style="table.title"),
        header_style="bold",
    )
    for header in headers:
        table.add_column(Text(visible(header)), overflow="fold")
    for row in rows:
        table.add_row(*(Text("" if cell is None else visible(str(cell))) for cell in row))
    console.print(table)


def echo(message: object = "", *, err: bool = False, nl: bool = True) -> None:
    """``click.echo`` for lines that carry data (names, titles, narratives): line breaks
    are kept, every other control character is spelled out, so nothing read from the
    database or a file can colour, move or reorder the terminal."""
    text = "\n".join(visible(line) for line in str(message).split("\n"))
    click.echo(text, err=err, nl=nl)


def db_url(ctx: click.Context) -> str:
    """Return the database URL chosen by ``--db`` or ``PROCURE_DB`` (default ./procure.db)."""
    from procure.store.db import database_url

    explicit: str | None = ctx.find_root().params.get("db")
    return database_url(explicit)


@contextmanager
def open_session(ctx: click.Context) -> Iterator[Session]:
    """Open a session on an initialized database at the current schema revision.

    Raises:
        InvalidInput: when the database does not exist, is not initialized or is outdated.
    """
    from procure.store.db import make_engine, new_session
    from procure.store.schema import SCHEMA_HEAD, stored_revision

    url = db_url(ctx)
    _refuse_missing_sqlite_file(url)
    engine = make_engine(url)
    try:
        revision = stored_revision(engine)
        if revision is None:
            raise InvalidInput(f"database {_shown(url)} is not initialized: run `procure init`")
        if revision != SCHEMA_HEAD:
            raise InvalidInput(
                f"database {_shown(url)} is at schema {revision}, this release needs "
                f"{SCHEMA_HEAD}: run `procure init` to upgrade it"
            )
        session = new_session(engine)
        try:
            yield session
        finally:
            session.close()
    finally:
        engine.dispose()


def _refuse_missing_sqlite_file(url: str) -> None:
    prefix = "sqlite:///"
    if url.startswith(prefix) and ":memory:" not in url:
        path = Path(url[len(prefix) :])
        if not path.exists():
            raise InvalidInput(f"no database at {path}: run `procure init` first")


def _shown(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
