"""The cheap schema check names the same head revision as Alembic."""

from procure.store.migrate import head_revision
from procure.store.schema import SCHEMA_HEAD


def test_schema_head_names_the_newest_migration() -> None:
    assert SCHEMA_HEAD == head_revision()
