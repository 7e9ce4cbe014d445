"""Queries for award notices, objections and answers (no commits)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from procure.store.document_models import Attachment
from procure.store.models import Organization, Project
from procure.store.notice_models import AwardNotice, Objection, ObjectionAnswer
from procure.store.reads import remembered
from procure.store.trust_models import User


@dataclass(frozen=True)
class ObjectionRow:
    """One objection with the organization that lodged it and its answer, if any."""

    objection: Objection
    organization: Organization
    notice: AwardNotice
    answer: ObjectionAnswer | None
    letters: tuple[tuple[Attachment, str], ...] = ()  # its files, each with the uploader's name


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
    the order lodged, each with its letters (attachments of kind ``objection``): one query,
    or none when the project's read already brought them (:func:`with_objections`)."""

    def load() -> tuple[bool, list[ObjectionRow]]:
        base = sa_select(col(Project.id)).where(col(Project.id) == project.id)
        found = list(session.execute(with_objections(base, col(Project.id))))
        return objection_rows([tuple(row)[1:] for row in found])

    return remembered(session, ("noticed_objections", project.id), load)


_OBJECTOR = aliased(Organization, name="objector")
_UPLOADER = aliased(User, name="letter_uploader")


def with_objections(statement: Select[*tuple[Any, ...]], project_id: Any) -> Select[Any]:
    """``statement`` with the notices of the project ``project_id`` (a column) outer-joined,
    each with its objections, objectors, answers and letters: six columns appended, read
    back by :func:`objection_rows` (a project without notices stays one row)."""
    letter = and_(
        col(Attachment.project_id) == col(AwardNotice.project_id),
        col(Attachment.fact_kind) == "objection",
        col(Attachment.fact_id) == col(Objection.id),
    )
    return (
        statement.add_columns(
            AwardNotice, Objection, _OBJECTOR, ObjectionAnswer, Attachment, col(_UPLOADER.name)
        )
        .outerjoin(AwardNotice, col(AwardNotice.project_id) == project_id)
        .outerjoin(Objection, col(Objection.notice_id) == col(AwardNotice.id))
        .outerjoin(_OBJECTOR, col(_OBJECTOR.id) == col(Objection.organization_id))
        .outerjoin(ObjectionAnswer, col(ObjectionAnswer.objection_id) == col(Objection.id))
        .outerjoin(Attachment, letter)
        .outerjoin(_UPLOADER, col(_UPLOADER.login) == col(Attachment.uploaded_by))
        .order_by(col(Objection.id), col(Attachment.number))
    )


def objection_rows(found: Sequence[Sequence[Any]]) -> tuple[bool, list[ObjectionRow]]:
    """Whether there is a notice, and the objections with their letters, from the six
    columns :func:`with_objections` appends (one row per letter, or per letterless one)."""
    rows: dict[int, ObjectionRow] = {}
    noticed = False
    for notice, objection, organization, answer, letter, uploader in found:
        noticed = noticed or notice is not None
        if objection is None or organization is None or objection.id is None:
            continue
        row = rows.setdefault(objection.id, ObjectionRow(objection, organization, notice, answer))
        if letter is not None:
            letters = (*row.letters, (letter, uploader or ""))
            rows[objection.id] = ObjectionRow(objection, organization, notice, answer, letters)
    return noticed, list(rows.values())


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
