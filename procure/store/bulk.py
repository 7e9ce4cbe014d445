"""Many rows in one statement, without an object per row (no commits here).

On SQLite the rows go straight to the ``sqlite3`` module's ``executemany``
through ``exec_driver_sql``: SQLAlchemy's per-row parameter handling costs more
than the database's own work at a bulk run's size. Each value is first turned
into what its column type stores (the type's own bind processor: hundredths for
money, ISO text for dates), so the rows are the ones Core would write. On
PostgreSQL the rows go in with one ``COPY … FROM STDIN`` (psycopg), converted the
same way: one statement per table, not one per row. Other databases take Core's
``executemany``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Table, insert

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
