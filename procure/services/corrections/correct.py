"""Correct a recorded fact (更正), and approve a correction that needs a second person.

:func:`correct` records a correction that names the record it corrects, its old and new
values, the reason and who proposed it; when ``workflows/corrections.yaml`` asks for no
approval it counts at once, else it waits for :func:`approve_correction` by another
person of the approving role. Each is an audit row of its own (``correct``,
``approve_correction``), so the trail replay and every verify command see it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, select

from procure.domain.errors import InvalidInput, NotFound, Refused
from procure.domain.language import _, both
from procure.domain.text import quoted
from procure.services.corrections import checks, records
from procure.services.corrections.acting import acting_as, check_reason, check_stage, moment
from procure.services.lifecycle.params import parse_params
from procure.store import audit, conflicts, queries
from procure.store.correction_models import APPLIED, PENDING, Correction
from procure.store.models import Project
from procure.store.reads import remembered
from procure.workflow.context import Actor
from procure.workflow.definition import ParamDef, TransitionDef
from procure.workflow.rules import default_corrections, default_rules

CORRECT, APPROVE = "correct", "approve_correction"


@dataclass(frozen=True)
class CorrectionResult:
    """What a correction or its approval did."""

    project: str
    number: int
    kind: str
    record: str
    state: str
    old: dict[str, Any]
    new: dict[str, Any]
    needs_approval_by: str | None
    seq: int


def correct(
    session: Session,
    code: str,
    kind: str,
    ref: str,
    values: Mapping[str, Any],
    *,
    reason: str,
    by: str,
    at: datetime | None = None,
    rehearse: bool = False,
) -> CorrectionResult:
    """Correct the record of ``kind`` named ``ref`` on project ``code``: all or nothing.

    Args:
        ref: the record as people name it: a payment's tranche, an inspection's or a
            comment's number, a proposal's USCC, a sheet's ``USCC/reviewer`` or assessor;
            nothing for the contract.
        values: field → new value (text as typed, or typed values).
        rehearse: check it and say what it would do, storing nothing (a confirmation page).

    Raises:
        InvalidInput: unknown kind or field, malformed value, nothing changed, no reason.
        NotFound: no such project or record.
        Refused: wrong role, past the stage, or a value the fact's rules refuse.
    """
    return conflicts.carried_out(
        session,
        lambda: _correct(session, code, kind, ref, values, reason=reason, by=by, at=at),
        what=f"correct {kind} on {code}",
        rehearse=rehearse,
    )


def _correct(
    session: Session,
    code: str,
    kind: str,
    ref: str,
    values: Mapping[str, Any],
    *,
    reason: str,
    by: str,
    at: datetime | None,
) -> CorrectionResult:
    rule = default_corrections().kinds.get(kind)
    if rule is None:
        known = ", ".join(default_corrections().kinds)
        raise InvalidInput(
            _("Unknown kind of record %(kind)s (known: %(known)s)", kind=quoted(kind), known=known)
        )
    action = _("Correction of the %(record)s", record=rule.label)
    reason = check_reason(reason, _("Reason for the correction"))
    project = queries.lock_project(session, code)
    actor = acting_as(session, by, rule.roles, project, action)
    check_stage(project, rule.stages, action, rule.label)
    typed = parse_params(_entry_for(kind), dict(values))
    if not typed:
        fields = both("、", ", ").join(f.label for f in rule.fields)
        raise InvalidInput(
            _(
                "%(action)s: give the corrected value of at least one of: %(fields)s",
                action=action,
                fields=fields,
            )
        )
    located = records.locate(session, project, kind, ref, actor.name)
    records.check_own_sheet(kind, located, actor.name, action)
    old = records.current(located, list(typed))
    new = {name: records.plain(value) for name, value in typed.items()}
    if old == new:
        raise InvalidInput(
            _(
                "%(action)s: the new values are the ones recorded; nothing to correct",
                action=action,
            )
        )
    applied = checks.CHECKS[kind](session, default_rules(), project, located, typed)
    approval = rule.approval if rule.needs_approval(typed) else None
    at = moment(at)
    correction = Correction(
        project_id=_id(project),
        number=_next_number(session, project),
        kind=kind,
        record_id=located.record_id,
        record_key=located.key,
        old_values=old,
        new_values=new,
        reason=reason,
        proposed_by=actor.name,
        proposed_role=actor.role,
        proposed_at=at,
        approval_role=approval,
        state=PENDING if approval else APPLIED,
    )
    session.add(correction)
    data: dict[str, Any] = {
        "number": correction.number,
        "kind": kind,
        "table": located.table,
        "record": located.key,
        "record_id": located.record_id,
        "old": old,
        "new": new,
        "approval": approval,
    }
    if approval is None:
        records.apply(located, applied)
        data["applied"] = applied
    row = log_change(session, actor, CORRECT, project, at, reason, data)
    return correction_result(project, correction, row.seq)


def approve_correction(
    session: Session,
    code: str,
    number: int,
    *,
    by: str,
    at: datetime | None = None,
    rehearse: bool = False,
) -> CorrectionResult:
    """Approve project ``code``'s pending correction ``number``: it counts from now on
    (``rehearse``: check it and say what it would do, storing nothing).

    Raises:
        NotFound: no such project or correction.
        Refused: not pending, wrong role, the proposer approving their own correction,
            past the stage, or a value the fact's rules now refuse.
    """
    return conflicts.carried_out(
        session,
        lambda: _approve(session, code, number, by=by, at=at),
        what=f"approve correction #{number} on {code}",
        rehearse=rehearse,
    )


def _approve(
    session: Session, code: str, number: int, *, by: str, at: datetime | None
) -> CorrectionResult:
    project = queries.lock_project(session, code)
    correction = correction_of(session, project, number)
    action = _("Approval of correction #%(number)s of %(code)s", number=number, code=code)
    if correction.state != PENDING or correction.approval_role is None:
        raise Refused(
            _(
                "%(action)s refused: it is not awaiting approval (approved, refused or in force)",
                action=action,
            )
        )
    rule = default_corrections().kinds[correction.kind]
    actor = acting_as(session, by, [correction.approval_role], project, action)
    if actor.name == correction.proposed_by:
        raise Refused(
            _(
                "%(action)s refused: four eyes — %(login)s proposed it and may not approve it; "
                "another person must",
                action=action,
                login=actor.name,
            )
        )
    check_stage(project, rule.stages, action, rule.label)
    located = records.locate_by_id(
        session, correction.kind, correction.record_id, correction.record_key
    )
    if records.current(located, list(correction.old_values)) != correction.old_values:
        raise Refused(
            _(
                "%(action)s refused: the record changed since the correction was proposed; "
                "propose it again",
                action=action,
            )
        )
    typed = parse_params(_entry_for(correction.kind), dict(correction.new_values))
    applied = checks.CHECKS[correction.kind](session, default_rules(), project, located, typed)
    records.apply(located, applied)
    at = moment(at)
    correction.decided_by, correction.decided_at, correction.state = actor.name, at, APPLIED
    session.add(correction)
    data = {"number": number, "record": located.key, "table": located.table, "applied": applied}
    row = log_change(session, actor, APPROVE, project, at, "", data)
    return correction_result(project, correction, row.seq)


def _entry_for(kind: str) -> TransitionDef:
    rule = default_corrections().kinds[kind]
    params = tuple(
        ParamDef(f.name, f.type, f.zh, required=False, max_length=f.max_length) for f in rule.fields
    )
    name = rule.en or rule.zh
    return TransitionDef(f"correct {kind}", rule.zh, name, (), None, (), (), params, True)


def correction_of(session: Session, project: Project, number: int) -> Correction:
    """Project ``project``'s correction ``number``, or NotFound."""
    found = session.exec(
        select(Correction).where(Correction.project_id == project.id, Correction.number == number)
    ).first()
    if found is None:
        raise NotFound(
            _("Project %(code)s has no correction #%(number)s", code=project.code, number=number)
        )
    return found


def corrections_of(session: Session, project: Project) -> list[Correction]:
    """A project's corrections in the order they were made (asked again in one read-only
    transaction, the first answer: see :mod:`procure.store.reads`)."""

    def load() -> tuple[Correction, ...]:
        statement = (
            select(Correction)
            .where(Correction.project_id == project.id)
            .order_by(col(Correction.number))
        )
        return tuple(session.exec(statement))

    return list(remembered(session, ("corrections", project.id), load))


def _next_number(session: Session, project: Project) -> int:
    statement = select(func.max(Correction.number)).where(Correction.project_id == project.id)
    return int(session.exec(statement).one() or 0) + 1


def _id(project: Project) -> int:
    assert project.id is not None
    return project.id


def log_change(
    session: Session,
    actor: Actor,
    trigger: str,
    project: Project,
    at: datetime,
    reason: str,
    data: dict[str, Any],
) -> Any:
    row = audit.append(
        session,
        audit.AuditEntry(
            actor=actor.name,
            role=actor.role,
            trigger=trigger,
            at=at,
            project_code=project.code,
            reason=reason,
            data=data,
            actor_name=actor.display,
        ),
    )
    session.flush()
    return row


def correction_result(project: Project, correction: Correction, seq: int) -> CorrectionResult:
    return CorrectionResult(
        project=project.code,
        number=correction.number,
        kind=correction.kind,
        record=correction.record_key,
        state=correction.state,
        old=dict(correction.old_values),
        new=dict(correction.new_values),
        needs_approval_by=correction.approval_role if correction.state == PENDING else None,
        seq=seq,
    )
