"""A project's detail, history and panel as one account (or the operator) may see them.

With an account, a project outside its reach is an unknown project (the same
:class:`NotFound` as a code that does not exist); inside it, every fact passes the gate.
Without one (``login=None``: the command line's operator, who holds the database) the facts
are those the purchaser's staff see.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace
from typing import Any, Protocol, TypeVar

from sqlmodel import Session

from procure.domain.documents import ATTACH_TRIGGER
from procure.domain.errors import NotFound
from procure.domain.visibility import NEVER, unknown_project
from procure.services.browse.dashboard import Dashboard
from procure.services.browse.project_view import project_detail, project_history
from procure.services.browse.visibility import ViewerScope, readable_project, viewer_scope
from procure.services.corrections.views import ProjectChanges, project_changes
from procure.services.scoring.panel_page import panel_page
from procure.services.visibility import gate as gates
from procure.services.visibility.changes import (
    CHANGE_TRIGGERS,
    Corrected,
    corrected_facts,
    gated_changes,
)
from procure.services.visibility.gate import (
    PUBLIC,
    ProjectGate,
    covers,
    operator_gate,
    project_gate,
    role_sees_every,
)
from procure.services.visibility.views import (
    gated_detail,
    gated_history,
    gated_panel,
    row_visible,
)
from procure.store import queries
from procure.store.models import Project, TransitionLog


def gate_for(session: Session, code: str, login: str | None) -> ProjectGate:
    """The gate of ``login`` (or of the operator) on project ``code``.

    Raises:
        NotFound: an unknown project, or one outside the account's reach.
    """
    if login is None:
        return operator_gate(session, queries.project_by_code(session, code))
    scope = viewer_scope(session, login)
    project = readable_project(session, scope, code)
    return project_gate(session, login, project, scope=scope)


def project_as_seen(
    session: Session, code: str, login: str | None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The detail and the history of project ``code`` through one gate of ``login``."""
    gate = gate_for(session, code, login)
    detail = gated_detail(gate, project_detail(session, code))
    return detail, _history(session, gate, code)


def _history(session: Session, gate: ProjectGate, code: str) -> list[dict[str, Any]]:
    corrected = corrected_facts(session, queries.project_by_code(session, code))
    return gated_history(gate, project_history(session, code), corrected)


def changes_as_seen(session: Session, code: str, login: str | None) -> ProjectChanges:
    """The corrections and amendments of project ``code`` (``project_changes``) through the
    gate of ``login``: each correction as the fact it corrects, amendments as the contract."""
    gate = gate_for(session, code, login)
    corrected = corrected_facts(session, queries.project_by_code(session, code))
    return gated_changes(gate, project_changes(session, code), corrected)


def detail_as_seen(session: Session, code: str, login: str | None) -> dict[str, Any]:
    """``project_detail`` through the gate of ``login``."""
    gate = gate_for(session, code, login)
    return gated_detail(gate, project_detail(session, code))


def history_as_seen(session: Session, code: str, login: str | None) -> list[dict[str, Any]]:
    """``project_history`` through the gate of ``login``."""
    return _history(session, gate_for(session, code, login), code)


def panel_as_seen(session: Session, code: str, login: str | None) -> dict[str, Any]:
    """``panel_page`` through the gate of ``login``."""
    gate = gate_for(session, code, login)
    return gated_panel(gate, panel_page(session, code))


def require_visible(session: Session, code: str, login: str, kind: str) -> None:
    """Refuse a page that is one fact of ``kind`` (the assessment, the evaluation record) to
    an account that may not see it, exactly as an unknown project is refused.

    Raises:
        NotFound: an unknown project, one outside the reach, or a fact the account may not
            see (the same message for all three).
    """
    scope = viewer_scope(session, login)
    project = readable_project(session, scope, code)
    refused = unknown_project(code)
    if not _may_ever_see(scope, project, kind):  # refused as soon as an unknown code is
        raise refused
    gate = project_gate(session, login, project, scope=scope)
    if not gate.sees(kind, owner=gate.awarded):
        raise refused


def _may_ever_see(scope: ViewerScope, project: Project, kind: str) -> bool:
    """Whether any relation the account's grants on ``project`` give it to a fact about the
    awarded organization may ever see facts of ``kind`` (the moments are read only then)."""
    relations = {PUBLIC}
    for role, reach in scope.by_role.items():
        if not covers(reach, project.id, project.purchaser_id):
            continue
        if role == "reviewer":
            relations.update(("author", "panel"))
        elif role == "organization":
            own = project.awarded_organization_id in reach.organization_ids
            relations.add("own_organization" if own else "other_bidder")
        else:
            relations.add(role)
    rule = gates.current_policy().facts[kind]
    return any(rule.visible.get(relation, NEVER) != NEVER for relation in relations)


class TrailRowLike(Protocol):
    """What the gate reads of an audit trail row."""

    @property
    def project(self) -> str | None: ...

    @property
    def seq(self) -> int: ...

    @property
    def trigger(self) -> str: ...

    @property
    def actor(self) -> str: ...


R = TypeVar("R", bound=TrailRowLike)


def visible_trail_rows(session: Session, login: str, rows: list[R]) -> list[R]:
    """The audit trail's rows that ``login`` may see: a project's row passes that project's
    gate, as the history does; a row of no project (accounts, the registry) is not a
    project's fact and stays."""
    gates: dict[str, ProjectGate | None] = {}
    corrected: dict[str, dict[int, Corrected]] = {}
    kept = []
    for row in rows:
        code = row.project
        if code is None:
            kept.append(row)
            continue
        if code not in gates:
            try:
                gates[code] = gate_for(session, code, login)
            except NotFound:
                gates[code] = None
        gate = gates[code]
        if gate is None:
            continue
        data: Any = {}
        if row.trigger in CHANGE_TRIGGERS or row.trigger == ATTACH_TRIGGER:  # facts in its data
            if code not in corrected:
                corrected[code] = corrected_facts(session, queries.project_by_code(session, code))
            logged = session.get(TransitionLog, row.seq)
            data = json.loads(logged.data) if logged is not None else {}
        if row_visible(gate, row.trigger, row.actor, data, corrected.get(code, {})):
            kept.append(row)
    return kept


def dashboard_as_seen(roles: Iterable[str], summary: Dashboard) -> Dashboard:
    """The dashboard's figures as an account with ``roles`` may see them: a figure summed over
    facts of many projects (the assessment grades, the payments) is left out unless one of
    the roles sees every such fact in its reach (:func:`role_sees_every`): a sum over a
    rival's payments would tell them."""
    held = list(roles)

    def sees(kind: str) -> bool:
        return any(role_sees_every(role, kind) for role in held)

    return replace(
        summary,
        grades=summary.grades if sees("assessment") else [],
        spending=summary.spending if sees("payment") else [],
    )
