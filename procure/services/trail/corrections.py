"""Corrections and contract amendments in the trail check: what the trail implies, what the
tables hold.

A ``correct`` row records a correction (and, when it needs no approval, the values it set
on the corrected record); ``approve_correction`` marks it approved and sets them. Likewise
``amend_contract`` and ``approve_amendment`` for contract amendments. So a corrected
payment's amount is the corrected one in the replay, and a correction or amendment row no
trail row explains (or a record edited with no correction) is a difference like any other.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Table, inspect, select
from sqlmodel import Session

from procure.services.trail.facts import Fact, FactSink
from procure.store.correction_models import (
    APPLIED,
    PENDING,
    REFUSED,
    ContractAmendment,
    Correction,
)
from procure.store.models import Project, TransitionLog


def correction_key(code: str, number: object) -> str:
    """A project's correction as a person names it."""
    return f"{code} correction #{number}"


def amendment_key(code: str, number: object) -> str:
    """A contract's amendment as a person names it."""
    return f"{code} amendment #{number}"


def replay_correction(replay: FactSink, row: TransitionLog, data: dict[str, Any]) -> None:
    code = str(row.project_code)
    approval = data.get("approval")
    replay.fact("correction", correction_key(code, data.get("number"))).set_many(
        {
            "kind": data.get("kind"),
            "record": data.get("record"),
            "old": data.get("old"),
            "new": data.get("new"),
            "reason": row.reason,
            "proposed_by": row.actor,
            "proposed_role": row.role,
            "proposed_at": row.at,
            "approval_role": approval,
            "decided_by": None,
            "decided_at": None,
            "refusal": None,
            "state": PENDING if approval else APPLIED,
        }
    )
    if "applied" in data:
        _apply(replay, data)


def replay_correction_approval(replay: FactSink, row: TransitionLog, data: dict[str, Any]) -> None:
    code = str(row.project_code)
    replay.fact("correction", correction_key(code, data.get("number"))).set_many(
        {"decided_by": row.actor, "decided_at": row.at, "state": APPLIED}
    )
    _apply(replay, data)


def _apply(replay: FactSink, data: dict[str, Any]) -> None:
    applied = dict(data.get("applied") or {})
    target = replay.fact(str(data.get("table")), str(data.get("record")))
    target.set_many(applied)
    if data.get("table") == "contract" and "number" in applied:
        target.label = str(applied["number"])


def replay_amendment(replay: FactSink, row: TransitionLog, data: dict[str, Any]) -> None:
    code = str(row.project_code)
    new = dict(data.get("new") or {})
    replay.fact("amendment", amendment_key(code, data.get("number"))).set_many(
        {
            "amount": new.get("amount"),
            "start": new.get("start"),
            "end": new.get("end"),
            "scope": new.get("scope"),
            "old": data.get("old"),
            "rationale": row.reason,
            "proposed_by": row.actor,
            "proposed_at": row.at,
            "decided_by": None,
            "decided_at": None,
            "refusal": None,
            "state": PENDING,
        }
    )


def replay_amendment_approval(replay: FactSink, row: TransitionLog, data: dict[str, Any]) -> None:
    code = str(row.project_code)
    replay.fact("amendment", amendment_key(code, data.get("number"))).set_many(
        {"decided_by": row.actor, "decided_at": row.at, "state": APPLIED}
    )
    replay.fact("contract", code).set_many(dict(data.get("applied") or {}))


def replay_correction_refusal(replay: FactSink, row: TransitionLog, data: dict[str, Any]) -> None:
    key = correction_key(str(row.project_code), data.get("number"))
    replay.fact("correction", key).set_many(
        {"decided_by": row.actor, "decided_at": row.at, "refusal": row.reason, "state": REFUSED}
    )


def replay_amendment_refusal(replay: FactSink, row: TransitionLog, data: dict[str, Any]) -> None:
    key = amendment_key(str(row.project_code), data.get("number"))
    replay.fact("amendment", key).set_many(
        {"decided_by": row.actor, "decided_at": row.at, "refusal": row.reason, "state": REFUSED}
    )


CORRECTION_HANDLERS = {
    "correct": replay_correction,
    "approve_correction": replay_correction_approval,
    "amend_contract": replay_amendment,
    "approve_amendment": replay_amendment_approval,
    "refuse_correction": replay_correction_refusal,
    "refuse_amendment": replay_amendment_refusal,
}


# -- what the tables hold --------------------------------------------------------------


def _t(model: type[Any]) -> Table:
    table: Table = model.__table__
    return table


def stored_correction_facts(session: Session, code: str | None) -> Iterator[Fact]:
    """Every correction and amendment (one project's when ``code`` is given); none while
    migrating a database from before migration 0014 (the backfill of 0005 reads the tables)."""
    if not inspect(session.connection()).has_table("correction"):
        return
    c, a, p = _t(Correction), _t(ContractAmendment), _t(Project)
    corrections = select(
        p.c.code, c.c.number, c.c.kind, c.c.record_key, c.c.old_values, c.c.new_values,
        c.c.reason, c.c.proposed_by, c.c.proposed_role, c.c.proposed_at, c.c.approval_role,
        c.c.decided_by, c.c.decided_at, c.c.refusal, c.c.state,
    ).select_from(c.join(p, p.c.id == c.c.project_id))  # fmt: skip
    if code is not None:
        corrections = corrections.where(p.c.code == code)
    names = (
        "kind", "record", "old", "new", "reason", "proposed_by", "proposed_role",
        "proposed_at", "approval_role", "decided_by", "decided_at", "refusal", "state",
    )  # fmt: skip
    for row in session.connection().execute(corrections):
        fact = Fact("correction", correction_key(row[0], row[1]), "", project=row[0])
        fact.label = fact.key
        fact.set_many(dict(zip(names, row[2:], strict=True)))
        yield fact
    amendments = select(
        p.c.code, a.c.number, a.c.amount, a.c.start_on, a.c.end_on, a.c.scope, a.c.old_values,
        a.c.rationale, a.c.proposed_by, a.c.proposed_at, a.c.decided_by, a.c.decided_at,
        a.c.refusal, a.c.state,
    ).select_from(a.join(p, p.c.id == a.c.project_id))  # fmt: skip
    if code is not None:
        amendments = amendments.where(p.c.code == code)
    amended = (
        "amount", "start", "end", "scope", "old", "rationale", "proposed_by", "proposed_at",
        "decided_by", "decided_at", "refusal", "state",
    )  # fmt: skip
    for row in session.connection().execute(amendments):
        fact = Fact("amendment", amendment_key(row[0], row[1]), "", project=row[0])
        fact.label = fact.key
        fact.set_many(dict(zip(amended, row[2:], strict=True)))
        yield fact
