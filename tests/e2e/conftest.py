"""The end-to-end tier signs with a key of its own: the user's configured key is never used.

Every ``procure`` run started by these tests sees ``PROCURE_AUDIT_KEY`` naming a fresh
owner-only key, so renewals and printed records take checkpoints as in a configured office.
A test of the no-key path names a missing key itself.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from procure.store.keyfile import KEY_ENV, create_key


@pytest.fixture(scope="session", autouse=True)
def audit_key(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A signing key for the session's ``procure`` runs (its public half at ``KEY.pub``)."""
    path = tmp_path_factory.mktemp("keys") / "audit-signing.key"
    create_key(path)
    before = os.environ.get(KEY_ENV)
    os.environ[KEY_ENV] = str(path)
    yield path
    if before is None:
        os.environ.pop(KEY_ENV, None)
    else:
        os.environ[KEY_ENV] = before
