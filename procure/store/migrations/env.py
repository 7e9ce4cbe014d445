"""Alembic environment: runs migrations on the engine procure hands over."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import procure.store.calendar_models  # noqa: F401
import procure.store.correction_models  # noqa: F401
import procure.store.deadline_models  # noqa: F401
import procure.store.document_models  # noqa: F401
import procure.store.job_models  # noqa: F401
import procure.store.models  # noqa: F401  (registers the tables on the metadata)
import procure.store.notice_models  # noqa: F401
import procure.store.trust_models  # noqa: F401
import procure.store.web_models  # noqa: F401
import procure.store.witness_models  # noqa: F401

target_metadata = SQLModel.metadata


def run_migrations() -> None:
    """Run migrations online on the engine in the config's attributes."""
    engine = context.config.attributes["engine"]
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        context.run_migrations()


run_migrations()
