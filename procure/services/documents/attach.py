"""Attach a file to a fact of a project: refuse what may not be stored, keep it, audit it.

One upload is one transaction: the file is inspected (:func:`inspect_upload`: type by
content, hostile files refused), measured against the limits, checked against the rules of
``workflows/documents.yaml`` (who may attach which file, until which state), then its bytes
are kept once by their SHA-256 and the ``attach`` row of the audit trail records the hash,
the name, the size and the fact. Any refusal stores nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from procure.domain.documents import (
    ATTACH_TRIGGER,
    FACT_SEEN_AS,
    AttachRule,
    kind_name,
    size_text,
)
from procure.domain.errors import InvalidInput, NotFound, Refused
from procure.domain.identity import normalize_login
from procure.domain.language import N_, _, both, use_language
from procure.services.accounts.authorization import Scope, authorize
from procure.services.accounts.scope import ROLE_ZH
from procure.services.documents.blobs import file_store
from procure.services.documents.facts import FactRef, check_kind, fact_of, missing_fact
from procure.services.documents.inspect import inspect_upload
from procure.services.documents.policy import document_rules
from procure.services.documents.views import AttachmentView, attachment_view
from procure.services.lifecycle.clock import now_utc
from procure.services.visibility.reading import gate_for
from procure.store import accounts as account_store
from procure.store import audit, conflicts, queries
from procure.store.document_models import Attachment
from procure.store.models import Project, Purchaser
from procure.workflow.context import Actor
from procure.workflow.roles import role_label
from procure.workflow.rules import default_rules

ACTION = N_("Upload an attachment")
"""The step, as a refusal names it (translated where it is said)."""


@dataclass(frozen=True)
class Permission:
    """Whether an account may attach files to a fact now, and if not, why (in the language in
    use)."""

    allowed: bool
    reason: str = ""
    role: str = ""  # the role it would act in


def attach(
    session: Session,
    *,
    project_code: str,
    fact_kind: str,
    fact_id: int | None,
    name: str,
    data: bytes,
    by: Actor,
    at: datetime | None = None,
) -> AttachmentView:
    """Attach the file ``name`` (its bytes ``data``) to a fact of project ``project_code``.

    Args:
        fact_kind: one of :data:`procure.domain.documents.KINDS`.
        fact_id: the fact's id (None for the project's contract or rectification).
        by: the account acting; its role may be left empty ("") to act in the first role of
            the kind's rule that the account holds for the project.
        at: the moment of the upload (tests, fixtures); now when not given.

    Returns:
        The stored attachment.

    Raises:
        HostileFile: the file is refused by its content, its name or its size (an
            InvalidInput whose message says why; nothing stored).
        InvalidInput: an unknown kind, a fact named wrongly.
        NotFound: no such project or fact, or one the account may not see (the same).
        Refused: the account may not attach it (role, grant or the project's state), or a
            limit would be passed; nothing is stored.
    """
    return conflicts.committed(
        session,
        lambda: _attach(session, project_code, fact_kind, fact_id, name, data, by, at),
        what=f"attach on {project_code}",
    )


def _attach(
    session: Session,
    code: str,
    kind: str,
    fact_id: int | None,
    name: str,
    data: bytes,
    by: Actor,
    at: datetime | None,
) -> AttachmentView:
    project = queries.project_by_code(session, code)
    fact = _fact_as_seen(session, project, check_kind(kind), fact_id, by)
    actor = _acting(session, project, fact, by)
    rules = document_rules()
    inspected = inspect_upload(name, data, max_bytes=rules.file_bytes)
    audit.locked_head(session)  # one upload at a time: the numbering and the limit hold
    used = _project_bytes(session, project)
    if used + len(data) > rules.project_bytes:
        raise Refused(
            _(
                "Upload refused: the files of project %(code)s may not exceed %(limit)s "
                "together (%(used)s already, this file %(size)s)",
                code=project.code,
                limit=size_text(rules.project_bytes),
                used=size_text(used),
                size=size_text(len(data)),
            )
        )
    sha256 = file_store(session).put(data)
    moment = at or now_utc()
    assert project.id is not None
    row = Attachment(
        project_id=project.id,
        number=_next_number(session, project),
        fact_kind=kind,
        fact_id=fact.id,
        name=name,
        media_type=inspected.media_type,
        size=len(data),
        sha256=sha256,
        uploaded_by=actor.name,
        uploaded_role=actor.role,
        uploaded_at=moment,
    )
    session.add(row)
    session.flush()
    with use_language("zh_CN"):  # the trail records the fact as the Chinese pages name it
        recorded = fact_of(session, project, fact.kind, fact.id)
    audit.append(session, attach_entry(project, recorded, row, actor, moment))
    return attachment_view(row, project.code, fact.label, actor.display or actor.name)


def attach_entry(
    project: Project, fact: FactRef, row: Attachment, actor: Actor, at: datetime
) -> audit.AuditEntry:
    """The ``attach`` row of the audit trail for ``row``: the hash, the name, the fact."""
    organization = fact.organization.uscc if fact.organization is not None else None
    return audit.AuditEntry(
        actor=actor.name,
        role=actor.role,
        trigger=ATTACH_TRIGGER,
        at=at,
        project_code=project.code,
        data={
            "number": row.number,
            "fact_kind": row.fact_kind,
            "fact_id": row.fact_id,
            "fact": fact.label,
            "organization": organization,
            "name": row.name,
            "media_type": row.media_type,
            "size": row.size,
            "sha256": row.sha256,
        },
        actor_name=actor.display,
    )


def attach_permission(
    session: Session, *, project_code: str, fact_kind: str, fact_id: int | None, login: str
) -> Permission:
    """Whether ``login`` may attach files to the fact now (for a page to show its form, or
    say why not). Nothing is written.

    Raises:
        NotFound: no such project.
    """
    project = queries.project_by_code(session, project_code)
    try:
        fact = _fact_as_seen(session, project, check_kind(fact_kind), fact_id, Actor(login, ""))
        actor = _acting(session, project, fact, Actor(login, ""))
    except (Refused, InvalidInput, NotFound) as exc:
        return Permission(False, str(exc))
    return Permission(True, role=actor.role)


def _fact_as_seen(
    session: Session, project: Project, kind: str, fact_id: int | None, by: Actor
) -> FactRef:
    """The fact, when the account acting may see it: a project outside its reach is an
    unknown project, a fact it may not see (a rival's proposal) a missing fact, with the
    same messages as for those that do not exist. An unknown or deactivated account is
    left to :func:`_acting`, which refuses it by name."""
    if not by.name.strip():
        raise InvalidInput(_("Name the person attaching the file (--by LOGIN)"))
    login = normalize_login(by.name)
    user = account_store.user_by_login(session, login)
    if user is None or not user.active:
        return fact_of(session, project, kind, fact_id)
    gate = gate_for(session, project.code, login)
    fact = fact_of(session, project, kind, fact_id)
    owner = fact.organization.uscc if fact.organization is not None else None
    if not gate.sees(FACT_SEEN_AS[kind], owner=owner):
        raise missing_fact(project, kind, fact_id)
    return fact


def _rule(kind: str) -> AttachRule:
    rule = document_rules().rule(kind)
    if rule is None:
        raise Refused(
            _(
                "Upload refused: a %(kind)s takes no files (workflows/documents.yaml)",
                kind=kind_name(kind),
            )
        )
    return rule


def _acting(session: Session, project: Project, fact: FactRef, by: Actor) -> Actor:
    """The account acting, in a role the kind's rule allows, holding a grant for the fact,
    while the project is in one of the rule's states."""
    rule = _rule(fact.kind)
    if not by.name.strip():
        raise InvalidInput(_("Name the person attaching the file (--by LOGIN)"))
    login = normalize_login(by.name)
    if by.role and by.role not in rule.roles:
        raise Refused(
            _(
                "Upload refused: %(files)s may be uploaded only by %(roles)s, not by the %(role)s",
                files=rule.label,
                roles=_roles(rule),
                role=_role(by.role),
            )
        )
    scope = Scope(session.get(Purchaser, project.purchaser_id), fact.organization)
    refusal: Refused | None = None
    for role in (by.role,) if by.role else rule.roles:
        try:
            user = authorize(session, Actor(login, role), scope, _(ACTION), allow_setup=False)
        except Refused as exc:
            refusal = refusal or exc
            continue
        assert user is not None
        _check_state(project, rule)
        return Actor(login, role, user.name)
    raise Refused(
        _(
            "Upload refused: %(files)s may be uploaded only by %(roles)s (%(refusal)s)",
            files=rule.label,
            roles=_roles(rule),
            refusal=refusal,
        )
    )


def _role(role: str) -> str:
    """A role as the accounts name it in Chinese (财务干事), or by its English name."""
    return both(ROLE_ZH.get(role, role), role_label(role))


def _roles(rule: AttachRule) -> str:
    return both("、", ", ").join(_role(role) for role in rule.roles)


def _check_state(project: Project, rule: AttachRule) -> None:
    if project.state in rule.states:
        return
    definition = default_rules().definition
    allowed = both("、", ", ").join(definition.state(state).label for state in rule.states)
    raise Refused(
        _(
            "Upload refused: %(files)s may be uploaded only while the project is %(states)s; "
            "%(code)s is now %(state)s",
            files=rule.label,
            states=allowed,
            code=project.code,
            state=definition.state(project.state).label,
        )
    )


def _project_bytes(session: Session, project: Project) -> int:
    table = Attachment.__table__  # type: ignore[attr-defined]
    statement = select(func.coalesce(func.sum(table.c.size), 0)).where(
        table.c.project_id == project.id
    )
    return int(session.execute(statement).scalar() or 0)


def _next_number(session: Session, project: Project) -> int:
    table = Attachment.__table__  # type: ignore[attr-defined]
    statement = select(func.coalesce(func.max(table.c.number), 0)).where(
        table.c.project_id == project.id
    )
    return int(session.execute(statement).scalar() or 0) + 1
