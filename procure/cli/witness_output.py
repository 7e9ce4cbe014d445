"""How the CLI shows automatic checkpoints and their witnesses (the tick, audit verify)."""

from __future__ import annotations

from typing import Any

from procure.services.trail.witnesses import NewestWitnessed, Witnessed


def witnessed_lines(witnessed: Witnessed | None) -> list[str]:
    """The lines of one checkpoint round (none without a signing key)."""
    if witnessed is None:
        return ["检查点 checkpoint: none taken (no signing key; `procure keys init` creates one)"]
    if witnessed.checkpoint is None:
        return [f"检查点 checkpoint: none taken ({witnessed.skipped})"]
    how = "taken" if witnessed.taken else "unchanged head, newest kept"
    lines = [f"检查点 checkpoint: {witnessed.checkpoint.name} ({how})"]
    lines += [f"  已送达 delivered to {label}" for label in witnessed.delivered]
    lines += [f"  未送达 not delivered to {line}" for line in witnessed.failed]
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
        return (
            "最新见证检查点 newest witnessed checkpoint: none (no checkpoint was delivered to a "
            "witness; see PROCURE_WITNESS_* in the README)"
        )
    return (
        f"最新见证检查点 newest witnessed checkpoint: {newest.name}, {newest.age_minutes} 分钟前 "
        f"minutes old, {newest.rows_after} rows after it not yet witnessed "
        f"(witnesses: {', '.join(newest.witnesses)})"
    )
