"""A job's page and result follow the visibility policy's ``job_result``: an account none of
whose roles may see job results gets "no job", as for a job that does not exist."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from sqlmodel import Session

from procure.domain.errors import NotFound
from procure.jobs.views import visible_job
from procure.services.visibility import gate
from procure.store import accounts as account_store
from procure.store import jobs as job_store
from tests.integration.builders import OFFICER, setup_registry


def _officers_job(session: Session) -> int:
    setup_registry(session)
    job = job_store.new_job(
        session,
        kind="verify",
        key="verify:visibility-test",
        params={},
        requested_by=OFFICER.name,
        at=datetime(2024, 3, 1, tzinfo=UTC),
    )
    session.commit()
    assert job.id is not None
    return job.id


def test_the_officer_sees_the_job_it_asked_for(session: Session) -> None:
    job_id = _officers_job(session)
    officer = account_store.user_by_login(session, OFFICER.name)
    assert officer is not None

    assert visible_job(session, officer, job_id).id == job_id


def test_a_policy_hiding_job_results_from_officers_answers_as_for_a_missing_job(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    job_id = _officers_job(session)
    officer = account_store.user_by_login(session, OFFICER.name)
    assert officer is not None
    policy = gate.current_policy()
    rule = policy.facts["job_result"]
    hidden = dataclasses.replace(rule, visible={**rule.visible, "officer": "never"})
    edited = dataclasses.replace(policy, facts={**policy.facts, "job_result": hidden})
    monkeypatch.setattr(gate, "current_policy", lambda: edited)

    with pytest.raises(NotFound) as hidden_job:
        visible_job(session, officer, job_id)
    with pytest.raises(NotFound) as missing_job:
        visible_job(session, officer, job_id + 1000)
    assert str(hidden_job.value) == str(missing_job.value).replace(str(job_id + 1000), str(job_id))
