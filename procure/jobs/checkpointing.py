"""Automatic checkpoints from the job worker and the tick: after each batch, and at least
every ``PROCURE_CHECKPOINT_MINUTES`` (default 60) while the trail grows.

With a signing key configured (``PROCURE_AUDIT_KEY``, else the user's configured key; see
``procure keys init``), every job the worker finishes (a year's records, a renewal, the
daily tick) is followed by a checkpoint of the head, and a worker's loop looks once a
minute whether the newest checkpoint is older than the interval while the head moved.
Each checkpoint goes to the witnesses of :mod:`procure.services.trail.witnesses`. Without a key
nothing is taken (the worker says so when it starts). A failure here is logged and tried
again at the next round: it never stops the worker or fails the job that ended.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from procure.services.trail.checkpoints import Signer, optional_signer
from procure.services.trail.witnesses import (
    Witnessed,
    Witnesses,
    checkpoint_and_witness,
    witness_settings,
)

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class AutoCheckpoints:
    """The key checkpoints are signed with and where they go."""

    signer: Signer
    witnesses: Witnesses


def auto_settings(environ: Mapping[str, str] | None = None) -> AutoCheckpoints | None:
    """The automatic checkpoints' settings; None when no signing key is configured.

    Raises:
        InvalidInput: a key file that cannot be used, or malformed witness settings.
    """
    environ = os.environ if environ is None else environ
    witnesses = witness_settings(environ)
    signer, _ = optional_signer(None)
    return None if signer is None else AutoCheckpoints(signer, witnesses)


def describe(settings: AutoCheckpoints | None) -> str:
    """One line for a worker's start: whether checkpoints are taken, and where they go."""
    if settings is None:
        return "automatic checkpoints: off (no signing key; `procure keys init` creates one)"
    return (
        f"automatic checkpoints: after each batch and every {settings.witnesses.minutes} min "
        f"(key {settings.signer.path}); witnesses: {settings.witnesses.describe()}"
    )


def checkpoint_round(
    url: str, *, after_batch: bool, at: datetime | None = None
) -> Witnessed | None:
    """Take (when due) and deliver a checkpoint of the database at ``url``.

    Returns:
        What the round did, or None when no signing key is configured.
    """
    from procure.store.db import make_engine, new_session

    settings = auto_settings()
    if settings is None:
        return None
    engine = make_engine(url)
    try:
        with new_session(engine) as session:
            return checkpoint_and_witness(
                session, settings.signer, settings.witnesses, after_batch=after_batch, at=at
            )
    finally:
        engine.dispose()


def after_batch(url: str) -> None:
    """The checkpoint that follows a finished job; a failure is logged, never raised."""
    try:
        done = checkpoint_round(url, after_batch=True)
    except Exception:  # the job's own outcome is recorded already; the next round retries
        _LOGGER.exception("the checkpoint after the job failed; the next round tries again")
        return
    _log(done)


class CheckpointScheduler:
    """Looks from a worker's loop, at most once every ``every`` seconds, whether the newest
    checkpoint is older than the interval (and the head moved)."""

    def __init__(self, url: str, *, every: float = 60.0) -> None:
        self.url = url
        self.every = every
        self._checked: datetime | None = None

    def check(self, moment: datetime) -> Witnessed | None:
        """Run a round if a look is due; what it did, if it ran."""
        if self._checked is not None and (moment - self._checked).total_seconds() < self.every:
            return None
        self._checked = moment
        try:
            done = checkpoint_round(self.url, after_batch=False, at=moment)
        except Exception:  # the database busy, a witness down: the worker goes on
            _LOGGER.exception("the periodic checkpoint failed; next try in %.0f s", self.every)
            return None
        _log(done)
        return done


def _log(done: Witnessed | None) -> None:
    if done is None or done.checkpoint is None:
        return
    if done.taken:
        _LOGGER.info("took %s", done.checkpoint.name)
    for label in done.delivered:
        _LOGGER.info("%s delivered to %s", done.checkpoint.name, label)
    for line in done.failed:
        _LOGGER.warning("%s not delivered: %s", done.checkpoint.name, line)
