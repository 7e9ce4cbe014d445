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

from procure.domain.documents import KINDS, PROJECT_LEVEL
from procure.domain.errors import InvalidInput, NotFound
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
    label: str  # in Chinese: 申报方案（厦门市启航社会工作服务中心）
    organization: Organization | None  # the organization the fact is about (None: not yet)


def check_kind(kind: str) -> str:
    """``kind`` if it is a kind of fact files belong to.

    Raises:
        InvalidInput: naming the kinds there are.
    """
    if kind not in KINDS:
        known = "、".join(f"{code}（{zh}）" for code, zh in KINDS.items())
        raise InvalidInput(f"附件所属事实 {quoted(kind)} 不存在；可选：{known}")
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
            raise InvalidInput(f"{KINDS[kind]}是项目本身的事实，不需要编号")
        return _project_fact(session, project, kind)
    if fact_id is None:
        raise InvalidInput(f"请指明附件属于哪一条{KINDS[kind]}")
    found = _row_fact(session, project, kind, fact_id)
    if found is None:
        raise missing_fact(project, kind, fact_id)
    return found


def missing_fact(project: Project, kind: str, fact_id: int | None) -> NotFound:
    """The refusal of a fact that does not exist, or that the asker may not see (the same)."""
    if fact_id is None:
        return NotFound(f"项目 {project.code} 没有{KINDS[kind]}")
    return NotFound(f"项目 {project.code} 没有这条{KINDS[kind]}（{fact_id}）")


def _awarded(session: Session, project: Project) -> Organization | None:
    if project.awarded_organization_id is None:
        return None
    return session.get(Organization, project.awarded_organization_id)


def _project_fact(session: Session, project: Project, kind: str) -> FactRef:
    if kind == "contract":
        contract = queries.contract_of(session, project)
        label = f"合同 {contract.number}" if contract is not None else "合同"
        return FactRef(kind, None, label, _awarded(session, project))
    return FactRef(kind, None, "整改", _awarded(session, project))


def _row_fact(session: Session, project: Project, kind: str, fact_id: int) -> FactRef | None:
    if kind == "proposal":
        proposal = session.get(Proposal, fact_id)
        if proposal is None or proposal.project_id != project.id:
            return None
        owner = session.get(Organization, proposal.organization_id)
        name = owner.name if owner is not None else ""
        return FactRef(kind, fact_id, f"申报方案（{name}）", owner)
    if kind == "objection":
        objection = session.get(Objection, fact_id)
        notice = session.get(AwardNotice, objection.notice_id) if objection else None
        if objection is None or notice is None or notice.project_id != project.id:
            return None
        owner = session.get(Organization, objection.organization_id)
        name = owner.name if owner is not None else ""
        return FactRef(kind, fact_id, f"质疑（{name}）", owner)
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
        return f"合同变更 第{row.number}号"
    if isinstance(row, Inspection):
        return f"监管检查（{row.inspected_on.isoformat()}）"
    if isinstance(row, Assessment):
        return "考核结果" if row.final else f"考核评分表（{row.assessor}）"
    ids = _ordered_ids(session, OrganizationComment, project)
    place = ids.index(getattr(row, "id", 0)) + 1 if getattr(row, "id", 0) in ids else 0
    return f"承接方意见 第{place}条"


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
            raise InvalidInput(f"{KINDS[kind]}是项目本身的事实，不需要 --ref")
        return None
    if not ref:
        raise InvalidInput(f"请用 --ref 指明附件属于哪一条{KINDS[kind]}")
    found = _find(session, project, kind, ref.strip())
    if found is None:
        raise NotFound(f"项目 {project.code} 没有{KINDS[kind]} {quoted(ref)}")
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
        raise InvalidInput(f"--ref 应为序号（1、2、…），不是 {quoted(ref)}")
    return int(ref)
