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
from procure.domain.language import N_, _
from procure.domain.text import quoted, visible

if TYPE_CHECKING:
    from sqlmodel import Session

F = TypeVar("F", bound=Callable[..., Any])

json_option: Callable[[F], F] = click.option(
    "--json", "as_json", is_flag=True, help=N_("Print JSON for scripts.")
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
    url = database_url(explicit)
    _refuse_unsupported_url(url)
    return url


SUPPORTED_BACKENDS = ("sqlite", "postgresql")


def _refuse_unsupported_url(url: str) -> None:
    """Refuse a URL that is not SQLite or PostgreSQL, or whose driver is not installed."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    use = "sqlite:///FILE", "postgresql+psycopg://USER@HOST/NAME"
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise InvalidInput(
            _(
                "%(url)s is not a database URL; use %(sqlite)s or %(postgresql)s",
                url=quoted(url),
                sqlite=use[0],
                postgresql=use[1],
            )
        ) from exc
    shown = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() not in SUPPORTED_BACKENDS:
        raise InvalidInput(
            _(
                "database %(url)s: %(backend)s is not supported; procure runs on SQLite or "
                "PostgreSQL: use %(sqlite)s or %(postgresql)s",
                url=quoted(shown),
                backend=parsed.get_backend_name(),
                sqlite=use[0],
                postgresql=use[1],
            )
        )
    try:
        parsed.get_dialect().import_dbapi()
    except (NoSuchModuleError, ImportError) as exc:
        raise InvalidInput(
            _(
                "database %(url)s: the driver %(driver)s is not available; "
                "use %(sqlite)s or %(postgresql)s",
                url=quoted(shown),
                driver=parsed.drivername,
                sqlite=use[0],
                postgresql=use[1],
            )
        ) from exc


@contextmanager
def open_session(
    ctx: click.Context, *, readonly: bool = False, bulk: bool = False
) -> Iterator[Session]:
    """Open a session on an initialized database at the current schema revision.

    A ``readonly`` session reads beside any writer without waiting for it (and
    cannot write); a writing session waits a bounded time for another writer. A ``bulk``
    session reads SQLite through no memory map (:data:`~procure.store.db.BULK_MMAP_BYTES`).

    Raises:
        InvalidInput: when the database does not exist, is not initialized or is outdated.
    """
    from procure.store.db import BULK_MMAP_BYTES, SQLITE_MMAP_BYTES, make_engine, new_session
    from procure.store.schema import SCHEMA_HEAD, newer_schema_message, stored_revision

    url = db_url(ctx)
    _refuse_missing_sqlite_file(url)
    mmap_bytes = BULK_MMAP_BYTES if bulk else SQLITE_MMAP_BYTES
    engine = make_engine(url, readonly=readonly, mmap_bytes=mmap_bytes)
    try:
        revision = stored_revision(engine)
        if revision is None:
            raise InvalidInput(
                _(
                    "database %(url)s is not initialized: run `procure init`",
                    url=shown_url(url),
                )
            )
        newer = newer_schema_message(shown_url(url), revision)
        if newer is not None:
            raise InvalidInput(newer)
        if revision != SCHEMA_HEAD:
            raise InvalidInput(
                _(
                    "database %(url)s is at schema %(revision)s, this release needs "
                    "%(head)s: run `procure init` to upgrade it",
                    url=shown_url(url),
                    revision=revision,
                    head=SCHEMA_HEAD,
                )
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
        name = url[len(prefix) :]
        if name.startswith("file:"):  # a URI filename: file:PATH?mode=ro&uri=true
            name = name[len("file:") :].partition("?")[0]
        path = Path(name)
        if not path.exists():
            raise InvalidInput(_("no database at %(path)s: run `procure init` first", path=path))


def shown_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


TRAIL_STEPS: dict[str, str] = {
    "create": N_("Draft the project"),
    "correct": N_("Correct a record"),
    "approve_correction": N_("Approve a correction"),
    "amend_contract": N_("Propose a contract amendment"),
    "approve_amendment": N_("Approve a contract amendment"),
    "refuse_correction": N_("Refuse a correction"),
    "refuse_amendment": N_("Refuse a contract amendment"),
    "attach": N_("Attach a file"),
}
"""The trail's steps that are not the lifecycle's, as people name them."""


def step_labels() -> dict[str, str]:
    """Every trigger of the audit trail by its step's name in the language in use."""
    from procure.workflow.rules import default_rules

    lifecycle = {t.trigger: t.label for t in default_rules().engine.definition.transitions}
    return {**{trigger: _(name) for trigger, name in TRAIL_STEPS.items()}, **lifecycle}


def shown_reason(reason: str) -> str:
    """A trail reason as people read it (:func:`procure.workflow.rules.shown_reason`), with
    the rules loaded only when a table needs them, so ``--help`` stays light."""
    from procure.workflow.rules import shown_reason as said

    return said(reason)


def moment(value: Any) -> str:
    """A recorded moment in Beijing time, as the language in use writes a date
    (``2019年03月01日 16:00:00``, ``2019-03-01 16:00:00``)."""
    import re

    from procure.domain.dates import beijing_moment
    from procure.domain.language import current

    shown = beijing_moment(value)
    if current() == "zh_CN":
        return shown
    return re.sub(r"(\d{4})年(\d{2})月(\d{2})日", r"\1-\2-\3", shown)


def checkpoint_name(at: str, seq: int) -> str:
    """How a person names a checkpoint: ``checkpoint 2020-01-07 #227`` (its day, its row)."""
    return _("checkpoint %(date)s #%(seq)s", date=at[:10], seq=seq)
