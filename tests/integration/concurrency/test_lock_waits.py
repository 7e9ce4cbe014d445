"""Waiting for another officer's change is bounded, and reading never waits.

A change that cannot get its locks within the wait allowed is refused in one line
("busy, try again"); it never hangs behind a long transaction. Reads (``show``,
``projects``, ``audit verify``) run beside a writer without waiting for it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from procure.domain.errors import Busy
from procure.domain.uscc import make_uscc
from procure.services.browse.project_view import project_detail
from procure.services.lifecycle import fire as lc
from procure.services.lifecycle import registry
from procure.store import audit
from procure.store.db import make_engine, new_session
from tests.integration.builders import CODE, LEADER, OFFICER, project_at, setup_registry
from tests.integration.concurrency.race import WORKERS, race, settle, url_of

WAIT = 0.3


@pytest.fixture
def held(session: Session, engine: Engine) -> Iterator[Session]:
    """A proposed project, and a session in the middle of approving it (locks held)."""
    project_at(session, "proposed")
    with new_session(engine) as holder:
        lc.perform(holder, CODE, "approve", LEADER)
        yield holder
        holder.rollback()


def test_a_change_that_waits_longer_than_allowed_is_refused_as_busy(
    held: Session, engine: Engine
) -> None:
    impatient = make_engine(url_of(engine), lock_timeout=WAIT)
    started = time.monotonic()
    try:
        with (
            new_session(impatient) as officer,
            pytest.raises(Busy, match="数据库正忙于另一项修改，请稍后再试"),
        ):
            lc.cancel(officer, CODE, OFFICER, reason="重复立项")
    finally:
        impatient.dispose()
    assert time.monotonic() - started < 5


def test_reads_do_not_wait_for_a_writer(held: Session, engine: Engine) -> None:
    reader = make_engine(url_of(engine), readonly=True, lock_timeout=WAIT)
    try:
        with new_session(reader) as auditor:
            assert project_detail(auditor, CODE)["state"] == "proposed"
            assert audit.verify_chain(auditor).ok
    finally:
        reader.dispose()


def test_a_read_only_session_cannot_write(session: Session, engine: Engine) -> None:
    project_at(session, "draft")
    reader = make_engine(url_of(engine), readonly=True)
    try:
        with new_session(reader) as auditor, pytest.raises(DBAPIError):
            lc.submit(auditor, CODE, OFFICER)
    finally:
        reader.dispose()


REGISTRATIONS = 5


def _register_several(session: Session, index: int) -> int:
    """One officer registering organizations one after another (each its own transaction)."""
    for number in range(REGISTRATIONS):
        uscc = make_uscc(f"52350203MJ{index:03d}{number:04d}")
        registry.register_organization(
            session, registry.OrganizationCreate(uscc, f"组织 {index}-{number}"), OFFICER
        )
        session.commit()
    return REGISTRATIONS


def test_eight_writers_sharing_only_the_audit_chain_all_get_through_promptly(
    session: Session, engine: Engine, backend: str
) -> None:
    setup_registry(session)
    tally = race(
        f"8 writers × {REGISTRATIONS} registrations (one audit head)",
        url_of(engine),
        _register_several,
    )
    assert settle(tally, engine, backend) == []
    assert (len(tally.ok), tally.raw) == (WORKERS, [])
    assert max(tally.seconds) < 10  # the default lock wait: nobody came near it
