"""How the CLI shows automatic checkpoints and their witnesses (the tick, audit verify)."""

from __future__ import annotations

from typing import Any

from procure.cli.output import checkpoint_name
from procure.domain.language import _
from procure.services.trail.witnesses import NewestWitnessed, Witnessed


def witnessed_lines(witnessed: Witnessed | None) -> list[str]:
    """The lines of one checkpoint round (none without a signing key)."""
    if witnessed is None:
        return [_("Checkpoint: none taken (no signing key; `procure keys init` creates one)")]
    if witnessed.checkpoint is None:
        return [_("Checkpoint: none taken (%(reason)s)", reason=witnessed.skipped)]
    name = checkpoint_name(witnessed.checkpoint.at, witnessed.checkpoint.seq)
    lines = [
        _("Audit %(name)s (taken)", name=name)
        if witnessed.taken
        else _("Audit %(name)s (unchanged head, newest kept)", name=name)
    ]
    lines += ["  " + _("Delivered to %(witness)s", witness=label) for label in witnessed.delivered]
    lines += ["  " + _("Not delivered to %(witness)s", witness=line) for line in witnessed.failed]
    return lines


def witnessed_json(witnessed: Witnessed) -> dict[str, Any]:
    """One checkpoint round as JSON."""
    return {
        "checkpoint": witnessed.checkpoint.to_dict() if witnessed.checkpoint else None,
        "taken": witnessed.taken,
        "delivered": witnessed.delivered,
        "failed": witnessed.failed,
        "skipped": witnessed.skipped,
    }


def newest_witnessed_line(newest: NewestWitnessed | None) -> str:
    """What ``audit verify`` says of the newest checkpoint a witness holds."""
    if newest is None:
        return _(
            "Newest witnessed checkpoint: none (no checkpoint was delivered to a "
            "witness; see PROCURE_WITNESS_* in the README)"
        )
    return _(
        "Newest witnessed checkpoint: %(name)s, %(minutes)s minutes old, %(rows)s rows after "
        "it not yet witnessed (witnesses: %(witnesses)s)",
        name=checkpoint_name(newest.at, newest.seq),
        minutes=newest.age_minutes,
        rows=newest.rows_after,
        witnesses=_(", ").join(newest.witnesses),
    )
