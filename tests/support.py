"""Helpers for tests: a canonical dump of a whole database, to prove nothing changed."""

from __future__ import annotations

from sqlalchemy import Engine, MetaData, select


def dump_database(engine: Engine) -> list[tuple[str, list[tuple[object, ...]]]]:
    """Return every table's rows, sorted, so two dumps compare equal iff the data is equal."""
    metadata = MetaData()
    metadata.reflect(bind=engine)
    dump = []
    with engine.connect() as connection:
        for table in sorted(metadata.tables.values(), key=lambda t: t.name):
            rows = [tuple(row) for row in connection.execute(select(table))]
            dump.append((table.name, sorted(rows, key=repr)))
    return dump
