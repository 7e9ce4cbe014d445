"""Create and upgrade the schema with Alembic (``procure init`` calls :func:`upgrade`).

A migration imports no application code: it holds the table shapes and SQL it needs, so a
later change of the code never changes an old migration. A migration that must compute data
with a use case of its release (0005 backfills the audit trail from the trail check) takes it
as a *data step* handed in by the caller (:func:`upgrade`'s ``data_steps``, which
:func:`procure.services.trail.check.upgrade_database` passes); without it, such a migration
runs only on a database that holds no data for it to compute, and otherwise refuses, naming
the command to run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

_MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    """Return an Alembic config bound to ``engine`` (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["engine"] = engine
    return config


DataStep = Callable[[Connection], None]
"""Data a migration computes with a use case of its release, on the migration's connection."""
DATA_STEPS = "data_steps"
"""The Alembic config attribute holding the data steps by name."""


def upgrade(
    engine: Engine, revision: str = "head", *, data_steps: Mapping[str, DataStep] | None = None
) -> None:
    """Bring the database's schema up to ``revision`` (creating it when empty).

    Args:
        engine: the database.
        revision: the revision to reach.
        data_steps: the data steps migrations may call, by name.
    """
    config = alembic_config(engine)
    config.attributes[DATA_STEPS] = dict(data_steps or {})
    command.upgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    """Return the schema revision the database is at, or ``None`` if it has none."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """Return the newest revision this release knows."""
    return ScriptDirectory(str(_MIGRATIONS)).get_current_head()
