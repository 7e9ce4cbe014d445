"""Holiday notices entered with ``procure calendar add`` in the trail check: what the trail
implies (the ``calendar_add`` row's data) and what table ``calendar_notice`` holds, named
alike, so a notice edited in the database (which would move deadlines silently) is named."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import inspect, select
from sqlmodel import Session

from procure.services.trail.facts import Fact, FactSink
from procure.store.calendar_models import CalendarNotice
from procure.store.models import TransitionLog

TABLE = "calendar_notice"


def calendar_key(year: object) -> str:
    """An entered notice as a person names it."""
    return f"holiday notice of {year}"


def replay_calendar_add(replay: FactSink, row: TransitionLog, data: dict[str, Any]) -> None:
    """The notice a ``calendar_add`` row entered."""
    replay.fact(TABLE, calendar_key(data.get("year"))).set_many(
        {
            "title": data.get("title"),
            "published_on": data.get("published_on"),
            "days_off": json.dumps(data.get("days_off")),
            "makeup_workdays": json.dumps(data.get("makeup_workdays")),
            "source_sha256": data.get("source_sha256"),
            "entered_by": row.actor,
        }
    )


def stored_calendar_facts(session: Session) -> Iterator[Fact]:
    """Every entered notice (nothing before migration 0013 adds the table)."""
    if not inspect(session.connection()).has_table(TABLE):
        return
    table: Any = CalendarNotice.__table__  # type: ignore[attr-defined]
    statement = select(
        table.c.year, table.c.title, table.c.published_on, table.c.days_off,
        table.c.makeup_workdays, table.c.source_sha256, table.c.entered_by,
    )  # fmt: skip
    for year, title, published, off, worked, digest, by in session.connection().execute(statement):
        key = calendar_key(year)
        fact = Fact(TABLE, key, key)
        fact.set_many(
            {
                "title": title,
                "published_on": published,
                "days_off": off,
                "makeup_workdays": worked,
                "source_sha256": digest,
                "entered_by": by,
            }
        )
        yield fact
