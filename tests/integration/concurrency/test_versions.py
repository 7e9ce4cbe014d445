"""A project row is changed only from the version it was read at."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from procure.services.lifecycle import fire as lc
from procure.store import queries
from procure.store.db import new_session
from tests.integration.builders import CODE, OFFICER, project_at


def test_a_change_made_from_a_stale_copy_of_a_project_fails(
    session: Session, engine: Engine
) -> None:
    project_at(session, "draft")
    stale = queries.project_by_code(session, CODE)
    session.commit()
    with new_session(engine) as other:
        lc.submit(other, CODE, OFFICER)
    stale.title = "改名"
    with pytest.raises(StaleDataError):
        session.commit()
    session.rollback()


def test_each_transition_moves_the_version_by_one(session: Session) -> None:
    project_at(session, "draft")
    before = queries.project_by_code(session, CODE).version
    session.commit()
    lc.submit(session, CODE, OFFICER)
    assert queries.project_by_code(session, CODE).version == before + 1
