"""What a page shows beside a project's facts: the files one may see, and where one may add.

:func:`documents_panel` lists the facts of a project that carry files (a proposal, the
contract, an amendment, an inspection, the rectification, an assessment sheet, a comment, an
objection) as one account sees them: each fact with its files that pass the visibility gate
(:func:`attachments_as_seen`), and whether the account may attach more to it now
(:func:`attach_permission`). A fact appears only when the account sees a file of it or may
attach one: a fact it may not read is never named (another bidder's proposal stays unknown).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from procure.domain.documents import KINDS, PROJECT_LEVEL, kind_title
from procure.domain.errors import NotFound
from procure.domain.language import _
from procure.services.documents.attach import attach_permission
from procure.services.documents.facts import fact_of
from procure.services.documents.inspect import INLINE_KINDS
from procure.services.documents.inspect import KINDS as INSPECTED_KINDS
from procure.services.documents.policy import document_rules
from procure.services.documents.reading import attachments_as_seen
from procure.services.documents.views import AttachmentView
from procure.services.visibility.reading import gate_for
from procure.store import queries
from procure.store.correction_models import ContractAmendment
from procure.store.models import Assessment, Inspection, OrganizationComment, Project, Proposal
from procure.store.notice_models import AwardNotice, Objection


@dataclass(frozen=True)
class FileRow:
    """One file as a list shows it: the attachment, its type in the language in use, whether
    the browser may show it itself (PDF and images, in a sandbox) or only download it."""

    file: AttachmentView
    type_label: str
    inline: bool

    @property
    def type_zh(self) -> str:
        """The type's name (as the letters of an objection still call it)."""
        return self.type_label


@dataclass
class FactFiles:
    """One fact of the project, its files as seen, and whether more may be attached now."""

    kind: str
    fact_id: int | None
    label: str  # 申报方案（厦门市启航社会工作服务中心）
    kind_label: str  # what the kind's files are: 申报文件（方案、预算、登记证书、资质）
    organization: str | None  # the USCC of the organization the fact is about
    may_attach: bool = False
    files: list[FileRow] = field(default_factory=list)

    @property
    def key(self) -> str:
        """The fact as one form value: ``proposal-12``, ``contract``."""
        return self.kind if self.fact_id is None else f"{self.kind}-{self.fact_id}"


@dataclass(frozen=True)
class DocumentsPanel:
    """The files of one project as one account sees them, by fact."""

    project: str
    facts: list[FactFiles]
    file_megabytes: int

    def of(self, kind: str, organization: str | None = None) -> list[FactFiles]:
        """The facts of ``kind`` (about ``organization``, when given)."""
        return [
            fact
            for fact in self.facts
            if fact.kind == kind and (organization is None or fact.organization == organization)
        ]


def documents_panel(
    session: Session, code: str, login: str, *, kinds: Collection[str] = tuple(KINDS)
) -> DocumentsPanel:
    """The facts of project ``code`` of ``kinds`` that ``login`` sees a file of or may attach
    files to now, each with its files, in the order of :data:`KINDS` and of the facts.

    Raises:
        NotFound: an unknown project, or one outside the account's reach.
    """
    gate_for(session, code, login)  # outside the reach: not found, before anything is listed
    project = queries.project_by_code(session, code)
    seen = [view for view in attachments_as_seen(session, code, login) if view.fact_kind in kinds]
    rules = document_rules()
    facts: dict[tuple[str, int | None], FactFiles] = {}
    for kind in (kind for kind in KINDS if kind in kinds):
        rule = rules.rule(kind)
        if rule is None or project.state not in rule.states:
            continue
        for fact_id in _fact_ids(session, project, kind):
            allowed = attach_permission(
                session, project_code=code, fact_kind=kind, fact_id=fact_id, login=login
            ).allowed
            if allowed:
                facts[(kind, fact_id)] = _fact(session, project, kind, fact_id, may_attach=True)
    for view in seen:
        key = (view.fact_kind, view.fact_id)
        if key not in facts:
            facts[key] = _fact(session, project, view.fact_kind, view.fact_id, may_attach=False)
        facts[key].files.append(file_row(view))
    order = {kind: place for place, kind in enumerate(KINDS)}
    ordered = sorted(facts.values(), key=lambda f: (order[f.kind], f.fact_id or 0))
    return DocumentsPanel(code, ordered, rules.file_bytes // 2**20)


def file_row(view: AttachmentView) -> FileRow:
    """``view`` with its type named (from the media type it was stored with)."""
    for kind, (media_type, label, _endings) in INSPECTED_KINDS.items():
        if media_type == view.media_type:
            return FileRow(view, _(label), kind in INLINE_KINDS)
    return FileRow(view, view.media_type, False)


def _fact(
    session: Session, project: Project, kind: str, fact_id: int | None, *, may_attach: bool
) -> FactFiles:
    rule = document_rules().rule(kind)
    kind_label = rule.label if rule is not None else kind_title(kind)
    try:
        ref = fact_of(session, project, kind, fact_id)
    except NotFound:  # a fact since removed (a withdrawn proposal) keeps its files
        label = _("%(kind)s (withdrawn)", kind=kind_title(kind))
        return FactFiles(kind, fact_id, label, kind_label, None, may_attach)
    uscc = ref.organization.uscc if ref.organization is not None else None
    return FactFiles(kind, fact_id, ref.label, kind_label, uscc, may_attach)


def _fact_ids(session: Session, project: Project, kind: str) -> list[int | None]:
    """The ids of the project's facts of ``kind`` (``[None]`` for the project's own fact)."""
    if kind in PROJECT_LEVEL:
        if kind == "contract" and queries.contract_of(session, project) is None:
            return []
        return [None]
    if kind == "objection":
        statement = (
            select(Objection.id)
            .join(AwardNotice, col(AwardNotice.id) == col(Objection.notice_id))
            .where(AwardNotice.project_id == project.id)
            .order_by(col(Objection.id))
        )
        return list(session.exec(statement))
    model = _MODELS[kind]
    table = model.__table__  # type: ignore[attr-defined]
    rows = session.execute(
        select(table.c.id).where(table.c.project_id == project.id).order_by(table.c.id)
    )
    return [int(i) for i in rows.scalars()]


_MODELS: dict[str, type] = {
    "proposal": Proposal,
    "amendment": ContractAmendment,
    "inspection": Inspection,
    "assessment": Assessment,
    "comment": OrganizationComment,
}
