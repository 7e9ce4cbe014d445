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

if TYPE_CHECKING:
    from sqlmodel import Session

F = TypeVar("F", bound=Callable[..., Any])

json_option: Callable[[F], F] = click.option(
    "--json", "as_json", is_flag=True, help="Print JSON for scripts."
)


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
    """Print a table that lines up Chinese text (rich measures wide characters)."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not console.is_terminal:  # piped or captured: never cut a cell short
        console = Console(width=240)
    table = Table(title=title, header_style="bold")
    for header in headers:
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*("" if cell is None else str(cell) for cell in row))
    console.print(table)


def db_url(ctx: click.Context) -> str:
    """Return the database URL chosen by ``--db`` or ``PROCURE_DB`` (default ./procure.db)."""
    from procure.store.db import database_url

    explicit: str | None = ctx.find_root().params.get("db")
    return database_url(explicit)


@contextmanager
def open_session(ctx: click.Context, *, readonly: bool = False) -> Iterator[Session]:
    """Open a session on an initialized database at the current schema revision.

    A ``readonly`` session reads beside any writer without waiting for it (and
    cannot write); a writing session waits a bounded time for another writer.

    Raises:
        InvalidInput: when the database does not exist, is not initialized or is outdated.
    """
    from procure.store.db import make_engine, new_session
    from procure.store.schema import SCHEMA_HEAD, stored_revision

    url = db_url(ctx)
    _refuse_missing_sqlite_file(url)
    engine = make_engine(url, readonly=readonly)
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
