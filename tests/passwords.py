"""Passwords in the tests are hashed with Argon2id at its lowest cost.

The app hashes with pwdlib's recommended Argon2id parameters (64 MiB, three passes, four
lanes): a quarter of a second or more per hash and per check, on every sign-in, every
password set, and every demo built, some minutes over the whole suite. The session's
fixture (tests/conftest.py) has the app hash at the lowest cost instead; the hashes are still
Argon2id, checked by the same code (an Argon2 hash carries its own parameters, so a server
started by a test checks them cheaply too). The parameters the app itself uses are asserted
in tests/integration/test_accounts.py through :data:`INSTALLED_HASHER`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from procure.services.accounts import manage as accounts

INSTALLED_HASHER = accounts._hasher
"""The app's own password hasher, as installed (before the tests change it)."""


def cheap_hasher() -> Any:
    """Argon2id at its lowest cost (one pass over 8 KiB, one lane)."""
    return PasswordHash((Argon2Hasher(time_cost=1, memory_cost=8, parallelism=1),))


@contextmanager
def cheap_password_hashes() -> Iterator[None]:
    """While the block runs, the app hashes new passwords with :func:`cheap_hasher`."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "_hasher", cheap_hasher)
        yield
