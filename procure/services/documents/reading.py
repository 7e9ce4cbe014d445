"""Attached files as one account (or the operator) may see them: listed, or opened.

Each file passes the visibility gate as the fact it belongs to (``SEEN_AS``: a proposal's
files as ``proposal_documents``, about the proposal's organization). A file one may not see
is answered exactly as a missing one: left out of the list, and :class:`NotFound` with the
same message as an id that does not exist.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from procure.domain.documents import SEEN_AS, kind_title
from procure.domain.errors import NotFound, Refused
from procure.domain.language import _
from procure.services.documents.blobs import file_store, sha256_of
from procure.services.documents.facts import FactRef, fact_of
from procure.services.documents.views import AttachmentView, attachment_view
from procure.services.visibility.gate import ProjectGate
from procure.services.visibility.reading import gate_for
from procure.store import queries
from procure.store.document_models import Attachment
from procure.store.models import Project
from procure.store.trust_models import User


def project_attachments(session: Session, project: Project) -> list[AttachmentView]:
    """Every file of ``project``, in the order they were attached (no gate: for the records
    and the dossier, which pass their own)."""
    statement = (
        select(Attachment)
        .where(Attachment.project_id == project.id)
        .order_by(col(Attachment.number))
    )
    rows = list(session.exec(statement))
    names = _display_names(session, rows)
    views = []
    for row in rows:
        fact = _fact(session, project, row)
        views.append(attachment_view(row, project.code, fact.label, names.get(row.uploaded_by, "")))
    return views


def attachments_as_seen(
    session: Session, project_code: str, viewer: str | None
) -> list[AttachmentView]:
    """The files of project ``project_code`` that ``viewer`` (a login; None: the operator)
    may see, in the order they were attached.

    Raises:
        NotFound: an unknown project, or one outside the viewer's reach.
    """
    gate = gate_for(session, project_code, viewer)
    project = queries.project_by_code(session, project_code)
    statement = (
        select(Attachment)
        .where(Attachment.project_id == project.id)
        .order_by(col(Attachment.number))
    )
    rows = list(session.exec(statement))
    names = _display_names(session, rows)
    seen = []
    for row in rows:
        fact = _fact(session, project, row)
        if _sees(gate, row, fact):
            seen.append(
                attachment_view(row, project.code, fact.label, names.get(row.uploaded_by, ""))
            )
    return seen


def open_as_seen(
    session: Session, attachment_id: int, viewer: str | None
) -> tuple[AttachmentView, bytes]:
    """The file ``attachment_id`` and its bytes, when ``viewer`` may see it.

    Raises:
        NotFound: no such file, or one the viewer may not see (the same message).
        Refused: the stored bytes no longer hash to the file's SHA-256 (never served).
    """
    missing = NotFound(_("There is no attachment %(id)s", id=attachment_id))
    row = session.get(Attachment, attachment_id)
    if row is None:
        raise missing
    project = session.get(Project, row.project_id)
    if project is None:
        raise missing
    try:
        gate = gate_for(session, project.code, viewer)
    except NotFound:
        raise missing from None
    fact = _fact(session, project, row)
    if not _sees(gate, row, fact):
        raise missing
    data = file_store(session).open(row.sha256)
    if sha256_of(data) != row.sha256:
        raise Refused(
            _(
                "The stored content of the attachment %(name)s no longer matches its SHA-256, "
                "so it is not served; an auditor should run procure audit verify",
                name=row.name,
            )
        )
    uploader = session.exec(select(User.name).where(User.login == row.uploaded_by)).first()
    return attachment_view(row, project.code, fact.label, uploader or ""), data


def _sees(gate: ProjectGate, row: Attachment, fact: FactRef) -> bool:
    owner = fact.organization.uscc if fact.organization is not None else None
    return gate.sees(SEEN_AS[row.fact_kind], owner=owner)


def _fact(session: Session, project: Project, row: Attachment) -> FactRef:
    """The fact ``row`` belongs to; a fact since removed (a withdrawn proposal) is named so,
    about no organization (so only those who see every such fact see its files)."""
    try:
        return fact_of(session, project, row.fact_kind, row.fact_id)
    except NotFound:
        label = _("%(kind)s (withdrawn)", kind=kind_title(row.fact_kind))
        return FactRef(row.fact_kind, row.fact_id, label, None)


def _display_names(session: Session, rows: list[Attachment]) -> dict[str, str]:
    logins = sorted({row.uploaded_by for row in rows})
    if not logins:
        return {}
    statement = select(User.login, User.name).where(col(User.login).in_(logins))
    return {str(login): str(name) for login, name in session.exec(statement)}
