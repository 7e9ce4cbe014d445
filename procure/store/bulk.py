"""Many rows in one statement, without an object per row (no commits here).

On SQLite the rows go straight to the ``sqlite3`` module's ``executemany``
through ``exec_driver_sql``: SQLAlchemy's per-row parameter handling costs more
than the database's own work at a bulk run's size. Each value is first turned
into what its column type stores (the type's own bind processor: hundredths for
money, ISO text for dates), so the rows are the ones Core would write. On
PostgreSQL the rows go in with one ``COPY … FROM STDIN`` (psycopg), converted the
same way: one statement per table, not one per row. Other databases take Core's
``executemany``.

:class:`Writes` sends a run of such writes without waiting for each: on PostgreSQL
the server works on one while the caller computes the rows of the next.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Executable, Table, insert
from sqlalchemy.exc import DBAPIError

Processor = Callable[[Any], Any]


def is_sqlite(connection: Connection) -> bool:
    """Whether ``connection`` talks to SQLite (rows then go straight to ``sqlite3``)."""
    return connection.dialect.name == "sqlite"


def _processors(
    connection: Connection, table: Table, columns: Sequence[str]
) -> list[tuple[int, Processor]]:
    found: list[tuple[int, Processor]] = []
    for index, name in enumerate(columns):
        column_type = table.c[name].type.dialect_impl(connection.dialect)
        processor = column_type.bind_processor(connection.dialect)
        if processor is not None:
            found.append((index, processor))
    return found


def insert_rows(
    connection: Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert ``rows`` (tuples of Python values, in ``columns`` order) into ``table``."""
    if not rows:
        return
    if is_postgresql(connection):
        _copy_rows(connection, table, columns, _converted(connection, table, columns, rows))
        return
    if not is_sqlite(connection):
        connection.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])
        return
    rows = _converted(connection, table, columns, rows)
    quote = connection.dialect.identifier_preparer.quote
    names = ", ".join(quote(name) for name in columns)
    marks = ", ".join("?" * len(columns))
    statement = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})"
    connection.exec_driver_sql(statement, list(rows))


def is_postgresql(connection: Connection) -> bool:
    """Whether ``connection`` talks to PostgreSQL through psycopg (rows then go by COPY)."""
    return connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg"


def integer_array(values: Iterable[int]) -> str:
    """An ``integer[]`` literal (``{1,2,3}``) for PostgreSQL: one text parameter cast by the
    statement (``%s::integer[]``), far cheaper to send than a list dumped item by item."""
    return "{" + ",".join(str(int(value)) for value in values) + "}"


def _copy_rows(
    connection: Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    quote = connection.dialect.identifier_preparer.quote
    names = ", ".join(quote(name) for name in columns)
    driver = connection.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor:
        with cursor.copy(f"COPY {quote(table.name)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def _converted(
    connection: Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> Sequence[Sequence[Any]]:
    """The rows with each value as its column type stores it (hundredths, UTC moments…)."""
    processors = _processors(connection, table, columns)
    if processors:
        converted = []
        for row in rows:
            values = list(row)
            for index, processor in processors:
                values[index] = processor(values[index])
            converted.append(tuple(values))
        rows = converted
    else:
        rows = [tuple(row) for row in rows]
    return rows


class Writes:
    """Writes to one connection, each waited for only when the connection is needed again.

    On PostgreSQL through psycopg, :meth:`execute` and :meth:`send` send their
    statement in pipeline mode and return at once, and :meth:`insert` sends its rows
    by ``COPY`` and leaves the ``COPY`` open: the server works on them while the caller
    computes what comes next. A ``COPY``, :meth:`sync` or :meth:`close` waits for what
    was sent before (an error the server raised surfaces there). Elsewhere each write
    runs at once. Between the first write and :meth:`sync` or :meth:`close` nothing else may use
    the connection (no query, no ORM flush): the writes hold it.
    """

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._driver: Any = None
        if is_postgresql(connection):
            self._driver = connection.connection.driver_connection
        self._holding = ExitStack()  # the pipeline or the COPY the server is working on
        self._pipelined = False
        self._sent: list[Any] = []  # cursors of execute() statements whose counts are unread
        self._changed = 0

    def execute(self, statement: str | Executable, parameters: Any) -> None:
        """Run an ``UPDATE`` or ``INSERT``: a driver-level string with its parameters (a
        tuple, or a list of tuples for many), or a Core statement (not on PostgreSQL).
        The rows it changes are counted by :meth:`sync`."""
        if self._driver is None:
            if isinstance(statement, str):
                result = self.connection.exec_driver_sql(statement, parameters)
            else:
                result = self.connection.execute(statement, parameters)
            self._changed += int(result.rowcount)
            return
        if not isinstance(statement, str):
            raise TypeError("PostgreSQL writes take driver-level SQL")
        self._pipeline(statement, parameters, counted=True)

    def send(self, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Insert ``rows`` like :func:`insert_rows`; on PostgreSQL as one ``INSERT … SELECT``
        from a JSON parameter, sent without waiting (pipeline mode), so that further
        statements can follow it before the server has finished."""
        if self._driver is None:
            insert_rows(self.connection, table, columns, rows)
            return
        if not rows:
            return
        rows = _converted(self.connection, table, columns, rows)
        quote = self.connection.dialect.identifier_preparer.quote
        names = ", ".join(quote(name) for name in columns)
        statement = (
            f"INSERT INTO {quote(table.name)} ({names}) SELECT {names}"
            f" FROM json_populate_recordset(NULL::{quote(table.name)}, %s::json)"
        )
        records = [dict(zip(columns, row, strict=True)) for row in rows]
        payload = json.dumps(records, ensure_ascii=False, default=_json_value)
        self._pipeline(statement, (payload,), counted=False)

    def _pipeline(self, statement: str, parameters: Any, *, counted: bool) -> None:
        if not self._pipelined:
            self._wait()
            self._holding.enter_context(self._driver.pipeline())
            self._pipelined = True
        cursor = self._driver.cursor()
        with self._translated(statement):
            if isinstance(parameters, list):
                cursor.executemany(statement, parameters)
            else:
                cursor.execute(statement, parameters)
        if counted:
            self._sent.append(cursor)

    def insert(self, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Insert ``rows`` like :func:`insert_rows`; on PostgreSQL the ``COPY`` stays open."""
        if self._driver is None:
            insert_rows(self.connection, table, columns, rows)
            return
        self._wait()
        if not rows:
            return
        rows = _converted(self.connection, table, columns, rows)
        quote = self.connection.dialect.identifier_preparer.quote
        names = ", ".join(quote(name) for name in columns)
        statement = f"COPY {quote(table.name)} ({names}) FROM STDIN"
        cursor = self._holding.enter_context(self._driver.cursor())
        with self._translated(statement):
            copy = self._holding.enter_context(cursor.copy(statement))
            for row in rows:
                copy.write_row(row)

    def sync(self) -> int:
        """Wait for everything sent; return how many rows :meth:`execute` changed since the
        last sync."""
        self._wait()
        changed, self._changed = self._changed, 0
        return changed

    def close(self, error: BaseException | None = None) -> None:
        """End the writes: wait for them, or with ``error`` abandon what is still open."""
        if error is None:
            self.sync()
            return
        self._pipelined = False
        self._sent.clear()
        self._holding.__exit__(type(error), error, error.__traceback__)

    def _wait(self) -> None:
        """Finish the open pipeline (reading the row counts) or COPY."""
        holding, self._holding = self._holding, ExitStack()
        self._pipelined = False
        with self._translated("(statements sent before)"):
            holding.close()
        for cursor in self._sent:
            self._changed += int(cursor.rowcount)
        self._sent.clear()

    @contextmanager
    def _translated(self, statement: str) -> Iterator[None]:
        """Raise the driver's errors as SQLAlchemy's (as ``Connection.execute`` would), so
        callers tell a busy lock or a clash apart the same way whichever path wrote."""
        dbapi = self.connection.dialect.loaded_dbapi
        try:
            yield
        except dbapi.Error as error:
            raise DBAPIError.instance(statement, None, error, dbapi.Error) from error


def _json_value(value: object) -> str:
    """A value JSON has no type for, as PostgreSQL's input for its column reads it."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot send {type(value).__name__} as JSON")
