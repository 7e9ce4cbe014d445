"""The fact a file belongs to: found by its id (the pages) or by the reference a person types
(the command line), checked to be of the project, and named with the organization it is about.

A proposal is named by its organization's USCC, an amendment by its number, an inspection
or a comment by its place in the project's order (1, 2, …), an assessment sheet by its
assessor's login, an objection by the objecting organization's USCC (its latest); the
contract and the rectification are the project's own and take no reference.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from procure.domain.documents import KINDS, PROJECT_LEVEL, kind_name, kind_title
from procure.domain.errors import InvalidInput, NotFound
from procure.domain.language import _, both
from procure.domain.text import quoted
from procure.store import queries
from procure.store.correction_models import ContractAmendment
from procure.store.models import (
    Assessment,
    Inspection,
    Organization,
    OrganizationComment,
    Project,
    Proposal,
)
from procure.store.notice_models import AwardNotice, Objection


@dataclass(frozen=True)
class FactRef:
    """One fact of a project that files may belong to."""

    kind: str
    id: int | None
    label: str  # in the language in use: 申报方案（厦门市启航社会工作服务中心）
    organization: Organization | None  # the organization the fact is about (None: not yet)


def check_kind(kind: str) -> str:
    """``kind`` if it is a kind of fact files belong to.

    Raises:
        InvalidInput: naming the kinds there are.
    """
    if kind not in KINDS:
        known = both("、", ", ").join(
            _("%(code)s (%(name)s)", code=code, name=kind_name(code)) for code in KINDS
        )
        raise InvalidInput(
            _("There is no kind of fact %(kind)s to attach files to; choose one of: %(known)s",
              kind=quoted(kind), known=known)
        )  # fmt: skip
    return kind


def fact_of(session: Session, project: Project, kind: str, fact_id: int | None) -> FactRef:
    """The fact ``(kind, fact_id)`` of ``project``.

    Raises:
        InvalidInput: an unknown kind, or an id given for the project's own fact (or missing
            for another).
        NotFound: no such fact on this project (a fact of another project is not one).
    """
    check_kind(kind)
    if kind in PROJECT_LEVEL:
        if fact_id is not None:
            raise InvalidInput(
                _("The %(kind)s is a fact of the project itself and takes no number",
                  kind=kind_name(kind))
            )  # fmt: skip
        return _project_fact(session, project, kind)
    if fact_id is None:
        raise InvalidInput(
            _("Say which record of the kind %(kind)s the file belongs to", kind=kind_name(kind))
        )
    found = _row_fact(session, project, kind, fact_id)
    if found is None:
        raise missing_fact(project, kind, fact_id)
    return found


def missing_fact(project: Project, kind: str, fact_id: int | None) -> NotFound:
    """The refusal of a fact that does not exist, or that the asker may not see (the same)."""
    if fact_id is None:
        return NotFound(
            _("Project %(code)s has no %(kind)s", code=project.code, kind=kind_name(kind))
        )
    return NotFound(
        _("Project %(code)s has no such %(kind)s (%(id)s)",
          code=project.code, kind=kind_name(kind), id=fact_id)
    )  # fmt: skip


def _awarded(session: Session, project: Project) -> Organization | None:
    if project.awarded_organization_id is None:
        return None
    return session.get(Organization, project.awarded_organization_id)


def _project_fact(session: Session, project: Project, kind: str) -> FactRef:
    if kind == "contract":
        contract = queries.contract_of(session, project)
        label = (
            _("Contract %(number)s", number=contract.number)
            if contract is not None
            else kind_title("contract")
        )
        return FactRef(kind, None, label, _awarded(session, project))
    return FactRef(kind, None, kind_title("rectification"), _awarded(session, project))


def _row_fact(session: Session, project: Project, kind: str, fact_id: int) -> FactRef | None:
    if kind == "proposal":
        proposal = session.get(Proposal, fact_id)
        if proposal is None or proposal.project_id != project.id:
            return None
        owner = session.get(Organization, proposal.organization_id)
        name = owner.name if owner is not None else ""
        return FactRef(kind, fact_id, _("Proposal (%(organization)s)", organization=name), owner)
    if kind == "objection":
        objection = session.get(Objection, fact_id)
        notice = session.get(AwardNotice, objection.notice_id) if objection else None
        if objection is None or notice is None or notice.project_id != project.id:
            return None
        owner = session.get(Organization, objection.organization_id)
        name = owner.name if owner is not None else ""
        return FactRef(kind, fact_id, _("Objection (%(organization)s)", organization=name), owner)
    row = session.get(_MODELS[kind], fact_id)
    if row is None or getattr(row, "project_id", None) != project.id:
        return None
    return FactRef(kind, fact_id, _label(session, project, kind, row), _awarded(session, project))


_MODELS: dict[str, type] = {
    "amendment": ContractAmendment,
    "inspection": Inspection,
    "assessment": Assessment,
    "comment": OrganizationComment,
}


def _label(session: Session, project: Project, kind: str, row: object) -> str:
    if isinstance(row, ContractAmendment):
        return _("Contract amendment No. %(number)s", number=row.number)
    if isinstance(row, Inspection):
        return _("Inspection (%(day)s)", day=row.inspected_on.isoformat())
    if isinstance(row, Assessment):
        if row.final:
            return _("Assessment result")
        return _("Assessment sheet (%(assessor)s)", assessor=row.assessor)
    ids = _ordered_ids(session, OrganizationComment, project)
    place = ids.index(getattr(row, "id", 0)) + 1 if getattr(row, "id", 0) in ids else 0
    return _("Organization's comment No. %(number)s", number=place)


def _ordered_ids(session: Session, model: type, project: Project) -> list[int]:
    table = model.__table__  # type: ignore[attr-defined]
    statement = select(table.c.id).where(table.c.project_id == project.id).order_by(table.c.id)
    return [int(i) for i in session.execute(statement).scalars()]


def fact_id_for(session: Session, project: Project, kind: str, ref: str | None) -> int | None:
    """The id of the fact a person names with ``ref`` (see the module's docstring).

    Raises:
        InvalidInput: a reference missing, given for the project's own fact, or malformed.
        NotFound: no such fact on the project.
    """
    check_kind(kind)
    if kind in PROJECT_LEVEL:
        if ref:
            raise InvalidInput(
                _("The %(kind)s is a fact of the project itself and takes no --ref",
                  kind=kind_name(kind))
            )  # fmt: skip
        return None
    if not ref:
        raise InvalidInput(
            _("Say with --ref which record of the kind %(kind)s the file belongs to",
              kind=kind_name(kind))
        )  # fmt: skip
    found = _find(session, project, kind, ref.strip())
    if found is None:
        raise NotFound(
            _("Project %(code)s has no %(kind)s %(ref)s",
              code=project.code, kind=kind_name(kind), ref=quoted(ref))
        )  # fmt: skip
    return found


def _find(session: Session, project: Project, kind: str, ref: str) -> int | None:
    if kind in ("proposal", "objection"):
        organization = session.exec(select(Organization).where(Organization.uscc == ref)).first()
        if organization is None:
            return None
        if kind == "proposal":
            statement = select(Proposal.id).where(
                Proposal.project_id == project.id, Proposal.organization_id == organization.id
            )
        else:
            statement = (
                select(Objection.id)
                .join(AwardNotice, col(AwardNotice.id) == col(Objection.notice_id))
                .where(AwardNotice.project_id == project.id)
                .where(Objection.organization_id == organization.id)
                .order_by(col(Objection.id).desc())
            )
        return session.exec(statement).first()
    if kind == "assessment":
        statement = (
            select(Assessment.id)
            .where(Assessment.project_id == project.id, Assessment.assessor == ref)
            .where(col(Assessment.final).is_(False))
            .order_by(col(Assessment.id).desc())
        )
        return session.exec(statement).first()
    number = _whole(ref)
    if kind == "amendment":
        statement = select(ContractAmendment.id).where(
            ContractAmendment.project_id == project.id, ContractAmendment.number == number
        )
        return session.exec(statement).first()
    ids = _ordered_ids(session, _MODELS[kind], project)
    return ids[number - 1] if 1 <= number <= len(ids) else None


def _whole(ref: str) -> int:
    if not ref.isdigit() or len(ref) > 6:
        raise InvalidInput(_("--ref is a number (1, 2, …), not %(ref)s", ref=quoted(ref)))
    return int(ref)
