"""Read the business tables as facts in the trail's shape (:func:`stored_facts`).

Each table is read once with a streamed Core query joined to the codes a
person uses (project code, purchaser code, organization USCC, login), so a row
is named the way the trail names it. Nothing here is kept: facts are yielded
one at a time and compared as they come.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.sql import Select
from sqlmodel import Session

from procure.services.scoring.scorecard_versions import definition_digest
from procure.services.trail.calendar import stored_calendar_facts
from procure.services.trail.corrections import stored_correction_facts
from procure.services.trail.documents import stored_document_facts
from procure.services.trail.facts import Fact
from procure.services.trail.notices import stored_notice_facts
from procure.services.trail.replay import bar_key, grant_key, sheet_key
from procure.store.models import (
    Assessment,
    Bar,
    Contract,
    Inspection,
    Organization,
    OrganizationComment,
    Payment,
    Project,
    Proposal,
    Purchaser,
    Recusal,
    Review,
    ScorecardVersion,
)
from procure.store.trust_models import RoleGrant, User

_BATCH = 2000


def _t(model: type[Any]) -> Table:
    table: Table = model.__table__
    return table


def stored_facts(session: Session, project_code: str | None = None) -> Iterator[Fact]:
    """Every row of the compared tables as a fact (one project's rows when a code is given)."""
    yield from _projects(session, project_code)
    yield from _proposals(session, project_code)
    yield from _reviews(session, project_code)
    yield from _recusals(session, project_code)
    yield from _contracts(session, project_code)
    yield from _payments(session, project_code)
    yield from _inspections(session, project_code)
    yield from _assessments(session, project_code)
    yield from _comments(session, project_code)
    yield from _bars(session, project_code)
    yield from stored_notice_facts(session, project_code)
    yield from stored_correction_facts(session, project_code)
    yield from stored_document_facts(session, project_code)
    if project_code is None:
        yield from _purchasers(session)
        yield from _organizations(session)
        yield from _users(session)
        yield from _grants(session)
        yield from stored_calendar_facts(session)
    yield from _scorecard_versions(session, project_code)


def _rows(session: Session, statement: Select[Any]) -> Iterator[Any]:
    yield from session.connection().execute(statement.execution_options(yield_per=_BATCH))


def _of(statement: Select[Any], project_code: str | None) -> Select[Any]:
    p = _t(Project)
    return statement if project_code is None else statement.where(p.c.code == project_code)


def _fact(
    table: str,
    key: str,
    fields: dict[str, Any],
    label: str | None = None,
    project: str | None = None,
) -> Fact:
    fact = Fact(table, key, label or key, project=project)
    fact.set_many(fields)
    return fact


def _projects(session: Session, code: str | None) -> Iterator[Fact]:
    p, pu, o = _t(Project), _t(Purchaser), _t(Organization)
    previous = p.alias("previous")
    statement = select(
        p.c.code, p.c.year, pu.c.code, p.c.title, p.c.budget, p.c.purpose, p.c.state,
        p.c.version, o.c.uscc, previous.c.code, p.c.carried_amount, p.c.carried_start_on,
        p.c.carried_end_on,
    ).select_from(
        p.join(pu, pu.c.id == p.c.purchaser_id)
        .outerjoin(o, o.c.id == p.c.awarded_organization_id)
        .outerjoin(previous, previous.c.id == p.c.previous_project_id)
    )  # fmt: skip
    for row in _rows(session, _of(statement, code)):
        names = ("year", "purchaser", "title", "budget", "purpose", "state", "version")
        fields = dict(zip(names, row[1:8], strict=True))
        fields.update(awarded=row[8], previous=row[9], carried_amount=row[10])
        fields.update(carried_start=row[11], carried_end=row[12])
        yield _fact("project", row[0], fields, project=row[0])


def _proposal_join(model: type[Any]) -> Any:
    table, pr, p, o = _t(model), _t(Proposal), _t(Project), _t(Organization)
    return (
        table.join(pr, pr.c.id == table.c.proposal_id)
        .join(p, p.c.id == pr.c.project_id)
        .join(o, o.c.id == pr.c.organization_id)
    )


def _proposals(session: Session, code: str | None) -> Iterator[Fact]:
    pr, p, o = _t(Proposal), _t(Project), _t(Organization)
    statement = select(p.c.code, o.c.uscc, pr.c.price, pr.c.submitted_at).select_from(
        pr.join(p, p.c.id == pr.c.project_id).join(o, o.c.id == pr.c.organization_id)
    )
    for project, uscc, price, submitted in _rows(session, _of(statement, code)):
        key = f"{project} proposal of {uscc}"
        fields = {"price": price, "submitted_at": submitted}
        yield _fact("proposal", key, fields, project=project)


def _reviews(session: Session, code: str | None) -> Iterator[Fact]:
    r, p, o = _t(Review), _t(Project), _t(Organization)
    statement = select(
        p.c.code, o.c.uscc, r.c.reviewer, r.c.scores, r.c.total, r.c.conflict, r.c.inputs,
        r.c.scorecard_name, r.c.scorecard_version, r.c.recorded_at,
    ).select_from(_proposal_join(Review))  # fmt: skip
    for row in _rows(session, _of(statement, code)):
        project, uscc, reviewer, scores, total, conflict, inputs = row[:7]
        key = f"{project} review of {uscc} by {reviewer}"
        fields = {"scores": scores, "total": total, "conflict": conflict, "inputs": inputs}
        fields.update(scorecard=f"{row[7]} v{row[8]}", recorded_at=row[9])
        yield _fact("review", key, fields, project=project)


def _recusals(session: Session, code: str | None) -> Iterator[Fact]:
    r, p, o = _t(Recusal), _t(Project), _t(Organization)
    statement = select(
        p.c.code, o.c.uscc, r.c.reviewer, r.c.reason, r.c.recorded_by, r.c.recorded_role
    ).select_from(_proposal_join(Recusal))
    for project, uscc, reviewer, reason, by, role in _rows(session, _of(statement, code)):
        key = f"{project} recusal of {reviewer} on {uscc}"
        fields = {"reason": reason, "recorded_by": by, "recorded_role": role}
        yield _fact("recusal", key, fields, project=project)


def _contracts(session: Session, code: str | None) -> Iterator[Fact]:
    c, p, o = _t(Contract), _t(Project), _t(Organization)
    statement = select(
        p.c.code, o.c.uscc, c.c.number, c.c.amount, c.c.start_on, c.c.end_on, c.c.signed_on
    ).select_from(c.join(p, p.c.id == c.c.project_id).join(o, o.c.id == c.c.organization_id))
    for project, uscc, number, amount, start, end, signed in _rows(session, _of(statement, code)):
        fields = {
            "organization": uscc,
            "number": number,
            "amount": amount,
            "start": start,
            "end": end,
            "signed_on": signed,
        }
        yield _fact("contract", project, fields, label=number, project=project)


def _payments(session: Session, code: str | None) -> Iterator[Fact]:
    pa, c, p = _t(Payment), _t(Contract), _t(Project)
    statement = select(p.c.code, pa.c.tranche, pa.c.amount, pa.c.paid_on, pa.c.note).select_from(
        pa.join(c, c.c.id == pa.c.contract_id).join(p, p.c.id == c.c.project_id)
    )
    for project, tranche, amount, paid_on, note in _rows(session, _of(statement, code)):
        fields = {"amount": amount, "paid_on": paid_on, "note": note}
        yield _fact("payment", f"{project} payment #{tranche}", fields, project=project)


def _inspections(session: Session, code: str | None) -> Iterator[Fact]:
    i, p = _t(Inspection), _t(Project)
    statement = (
        select(p.c.code, i.c.inspector, i.c.inspected_on, i.c.findings, i.c.rectification_required)
        .select_from(i.join(p, p.c.id == i.c.project_id))
        .order_by(p.c.code, i.c.id)
    )
    numbers: dict[str, int] = {}
    for project, inspector, on, findings, required in _rows(session, _of(statement, code)):
        number = numbers[project] = numbers.get(project, 0) + 1
        fields = {
            "inspector": inspector,
            "inspected_on": on,
            "findings": findings,
            "rectification_required": required,
        }
        yield _fact("inspection", f"{project} inspection #{number}", fields, project=project)


def _assessments(session: Session, code: str | None) -> Iterator[Fact]:
    a, p = _t(Assessment), _t(Project)
    statement = (
        select(
            p.c.code, a.c.assessor, a.c.total, a.c.grade, a.c.veto, a.c.scores, a.c.narrative,
            a.c.narratives, a.c.final, a.c.inputs, a.c.scorecard_name, a.c.scorecard_version,
            a.c.recorded_at,
        )
        .select_from(a.join(p, p.c.id == a.c.project_id))
        .order_by(p.c.code, a.c.id)
    )  # fmt: skip
    sheets: dict[str, list[str]] = {}
    for row in _rows(session, _of(statement, code)):
        project, assessor, total, grade, veto, scores, narrative, narratives, final = row[:9]
        fields: dict[str, Any] = {"total": total, "grade": grade, "veto": veto, "final": final}
        fields.update(inputs=row[9], scorecard=f"{row[10]} v{row[11]}", recorded_at=row[12])
        if final:
            fields["assessor"] = assessor
            yield _fact("assessment", f"{project} final assessment", fields, project=project)
            continue
        seen = sheets.setdefault(project, [])
        seen.append(assessor)
        fields.update(scores=scores, narrative=narrative, narratives=narratives or {})
        key = sheet_key(project, assessor, seen.count(assessor))
        yield _fact("assessment", key, fields, project=project)


def _comments(session: Session, code: str | None) -> Iterator[Fact]:
    oc, p = _t(OrganizationComment), _t(Project)
    statement = (
        select(
            p.c.code, oc.c.text, oc.c.acknowledged, oc.c.commented_on, oc.c.recorded_by,
            oc.c.recorded_role, oc.c.document_ref, oc.c.recorded_at,
        )
        .select_from(oc.join(p, p.c.id == oc.c.project_id))
        .order_by(p.c.code, oc.c.id)
    )  # fmt: skip
    numbers: dict[str, int] = {}
    for project, text, acknowledged, on, by, role, ref, at in _rows(session, _of(statement, code)):
        number = numbers[project] = numbers.get(project, 0) + 1
        fields = {"text": text, "acknowledged": acknowledged, "commented_on": on}
        fields.update(recorded_by=by, recorded_role=role, document_ref=ref, recorded_at=at)
        yield _fact("comment", f"{project} comment #{number}", fields, project=project)


def _bars(session: Session, code: str | None) -> Iterator[Fact]:
    b, p, pu, o = _t(Bar), _t(Project), _t(Purchaser), _t(Organization)
    statement = select(o.c.uscc, pu.c.code, b.c.year, p.c.code, b.c.reason).select_from(
        b.join(p, p.c.id == b.c.project_id)
        .join(pu, pu.c.id == b.c.purchaser_id)
        .join(o, o.c.id == b.c.organization_id)
    )
    for uscc, purchaser, year, project, reason in _rows(session, _of(statement, code)):
        fields = {"project": project, "reason": reason}
        yield _fact("bar", bar_key(uscc, purchaser, year), fields, project=project)


def _purchasers(session: Session) -> Iterator[Fact]:
    pu = _t(Purchaser)
    parent = pu.alias("parent")
    statement = select(pu.c.code, pu.c.name, pu.c.annual_funds, parent.c.code).select_from(
        pu.outerjoin(parent, parent.c.id == pu.c.parent_id)
    )
    for code, name, funds, parent_code in _rows(session, statement):
        fields = {"name": name, "annual_funds": funds, "parent": parent_code}
        yield _fact("purchaser", code, fields)


def _organizations(session: Session) -> Iterator[Fact]:
    o = _t(Organization)
    for uscc, name in _rows(session, select(o.c.uscc, o.c.name)):
        yield _fact("organization", uscc, {"name": name})


def _users(session: Session) -> Iterator[Fact]:
    u = _t(User)
    for login, name, active in _rows(session, select(u.c.login, u.c.name, u.c.active)):
        yield _fact("user", login, {"name": name, "active": active})


def _grants(session: Session) -> Iterator[Fact]:
    g, u, pu, o = _t(RoleGrant), _t(User), _t(Purchaser), _t(Organization)
    statement = select(u.c.login, g.c.role, pu.c.code, o.c.uscc, g.c.revoked_at).select_from(
        g.join(u, u.c.id == g.c.user_id)
        .outerjoin(pu, pu.c.id == g.c.purchaser_id)
        .outerjoin(o, o.c.id == g.c.organization_id)
    )
    counts: dict[str, list[int]] = {}
    for login, role, purchaser, organization, revoked_at in _rows(session, statement):
        held_revoked = counts.setdefault(grant_key(login, role, purchaser, organization), [0, 0])
        held_revoked[0 if revoked_at is None else 1] += 1
    for key, (held, revoked) in counts.items():
        yield _fact("role_grant", key, {"held": held, "revoked": revoked})


def _scorecard_versions(session: Session, code: str | None) -> Iterator[Fact]:
    """Each pinned scorecard version (those a project's sheets were scored on, when a code
    is given): its digest, its stored definition's digest and its first use."""
    v = _t(ScorecardVersion)
    statement = select(v.c.name, v.c.version, v.c.digest, v.c.definition, v.c.first_used_at)
    if code is not None:
        used = _used_versions(session, code)
        statement = statement.where(v.c.name.in_(sorted({name for name, _ in used}))).where(
            v.c.version.in_(sorted({version for _, version in used}))
        )
        statement = statement if used else statement.where(v.c.id.is_(None))
    for name, version, digest, definition, first_used_at in _rows(session, statement):
        if code is not None and (name, version) not in used:
            continue
        fields = {
            "digest": digest,
            "definition": definition_digest(definition),
            "first_used_at": first_used_at,
        }
        yield _fact("scorecard_version", f"{name} v{version}", fields)


def _used_versions(session: Session, code: str) -> set[tuple[str, int]]:
    """The scorecard versions a project's review and assessment sheets were scored on."""
    r, a, p = _t(Review), _t(Assessment), _t(Project)
    reviews = select(r.c.scorecard_name, r.c.scorecard_version).select_from(_proposal_join(Review))
    assessments = select(a.c.scorecard_name, a.c.scorecard_version).select_from(
        a.join(p, p.c.id == a.c.project_id)
    )
    used: set[tuple[str, int]] = set()
    for statement in (reviews, assessments):
        used.update((name, version) for name, version in _rows(session, _of(statement, code)))
    return used


def bar_exists(session: Session, key: str) -> bool:
    """Whether the bar named ``key`` (see :func:`bar_key`) is stored, whichever drop set it."""
    uscc, _, _, purchaser, year = key.split(" ")
    b, pu, o = _t(Bar), _t(Purchaser), _t(Organization)
    statement = (
        select(b.c.id)
        .select_from(b.join(pu, pu.c.id == b.c.purchaser_id).join(o, o.c.id == b.c.organization_id))
        .where(o.c.uscc == uscc, pu.c.code == purchaser, b.c.year == int(year))
    )
    return session.connection().execute(statement).first() is not None
