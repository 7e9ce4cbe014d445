"""Queries for award notices, objections and answers (no commits)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from procure.store.models import Organization, Project
from procure.store.notice_models import AwardNotice, Objection, ObjectionAnswer


@dataclass(frozen=True)
class ObjectionRow:
    """One objection with the organization that lodged it and its answer, if any."""

    objection: Objection
    organization: Organization
    notice: AwardNotice
    answer: ObjectionAnswer | None


def notices_of(session: Session, project: Project) -> list[AwardNotice]:
    """The project's award notices, oldest first."""
    return list(
        session.exec(
            select(AwardNotice)
            .where(AwardNotice.project_id == project.id)
            .order_by(col(AwardNotice.number))
        )
    )


def current_notice(session: Session, project: Project) -> AwardNotice | None:
    """The project's newest award notice (None before any award)."""
    notices = notices_of(session, project)
    return notices[-1] if notices else None


def objections_of(session: Session, project: Project) -> list[ObjectionRow]:
    """Every objection against the project's notices, in the order lodged."""
    statement = (
        select(Objection, Organization, AwardNotice, ObjectionAnswer)
        .join(AwardNotice, col(AwardNotice.id) == Objection.notice_id)
        .join(Organization, col(Organization.id) == Objection.organization_id)
        .outerjoin(ObjectionAnswer, col(ObjectionAnswer.objection_id) == Objection.id)
        .where(AwardNotice.project_id == project.id)
        .order_by(col(Objection.id))
    )
    return [
        ObjectionRow(o, org, notice, answer) for o, org, notice, answer in session.exec(statement)
    ]


def noticed_objections(session: Session, project: Project) -> tuple[bool, list[ObjectionRow]]:
    """Whether the project has an award notice, and every objection against its notices in
    the order lodged: one query (a notice without objections reads as one empty row)."""
    statement = (
        select(AwardNotice, Objection, Organization, ObjectionAnswer)
        .outerjoin(Objection, col(Objection.notice_id) == AwardNotice.id)
        .outerjoin(Organization, col(Organization.id) == Objection.organization_id)
        .outerjoin(ObjectionAnswer, col(ObjectionAnswer.objection_id) == Objection.id)
        .where(AwardNotice.project_id == project.id)
        .order_by(col(Objection.id))
    )
    found = list(session.exec(statement))
    rows = [
        ObjectionRow(objection, organization, notice, answer)
        for notice, objection, organization, answer in found
        if objection is not None and organization is not None
    ]
    return bool(found), rows


def unanswered_objections(session: Session, project: Project) -> list[ObjectionRow]:
    """The objections against the project that have no answer yet."""
    return [row for row in objections_of(session, project) if row.answer is None]


def objection_to(
    session: Session, notice: AwardNotice, organization: Organization
) -> Objection | None:
    """The organization's objection to ``notice``, if it lodged one."""
    return session.exec(
        select(Objection).where(
            Objection.notice_id == notice.id, Objection.organization_id == organization.id
        )
    ).first()


def answer_to(session: Session, objection: Objection) -> ObjectionAnswer | None:
    """The answer to ``objection``, if given."""
    return session.exec(
        select(ObjectionAnswer).where(ObjectionAnswer.objection_id == objection.id)
    ).first()
