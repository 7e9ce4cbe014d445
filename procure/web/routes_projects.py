"""One project: what is recorded, its history, and a form per trigger the account may fire."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from procure.domain.errors import Refused
from procure.domain.language import _
from procure.domain.visibility import STAFF_RELATIONS
from procure.services.browse.labels import naming, step_label
from procure.services.browse.organization import withdrawable
from procure.services.browse.visibility import readable_project, viewer_scope
from procure.services.lifecycle.project_actions import (
    FormInvalid,
    actions_for,
    fire_form,
    held_roles,
    restated,
)
from procure.services.public import objections
from procure.services.visibility.reading import changes_as_seen, gate_for, project_as_seen
from procure.store import queries
from procure.store.conflicts import committed
from procure.web import pages
from procure.web.confirm import confirmation_token, hidden_values, is_confirmed
from procure.web.deps import Account, CheckedForm, Reader, Writer
from procure.workflow.definition import TransitionDef
from procure.workflow.roles import READ_ONLY_ROLES
from procure.workflow.rules import default_rules

router = APIRouter()


def _objects(session: Any, account: Any, code: str) -> bool:
    return bool(objections.objecting_organizations(session, account.user, code))


@router.get("/projects/{code}")
def project_page(request: Request, code: str, account: Account, session: Reader) -> Response:
    """Everything ``procure show`` shows, the history, and the account's actions."""
    return _page(request, session, code, account, done=request.query_params.get("done", ""))


def _page(
    request: Request,
    session: Any,
    code: str,
    account: Any,
    *,
    done: str = "",
    failed: str = "",
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    message: str = "",
    status: int = 200,
) -> Response:
    # outside the account's reach the project is not found, as if it did not exist
    detail, history = project_as_seen(session, code, account.user.login)
    roles = held_roles(session, account.user, code)
    project = queries.project_by_code(session, code)
    noticed, lodged = objections.lodged_against(session, project)
    gate = gate_for(session, code, account.user.login) if lodged else None
    acts_here = any(r not in READ_ONLY_ROLES and r != "organization" for r in roles)
    context = {
        "project": detail,
        "history": history,
        "changes": changes_as_seen(session, code, account.user.login),
        **naming(),
        "actions": actions_for(session, code, account.user, roles=roles),
        "roles": roles,
        # the step others take is named to those who act on the project, not to bidders
        "acts_here": acts_here,
        # a bidder holds no role here before the award; it withdraws as its own organization
        "withdrawals": withdrawable(session, account.user, project),
        "objections": objections.project_objections(session, code, lodged, gate) if gate else [],
        "notice_tab": noticed
        and (any(r in STAFF_RELATIONS for r in roles) or _objects(session, account, code)),
        "done": done,
        "failed": failed,
        "errors": errors or {},
        "values": values or {},
        "message": message,
    }
    return pages.render(request, "project.html", context, status=status)


@router.post("/projects/{code}/do/{trigger}")
def fire(
    request: Request,
    code: str,
    trigger: str,
    account: Account,
    form: CheckedForm,
    session: Writer,
    reader: Reader,
) -> Response:
    """Fire ``trigger`` with the form's values: all of it is stored, or nothing.

    A step that cannot be undone is first rehearsed (checked and rolled back) and shown on
    a confirmation page; it fires only from that page's form (:mod:`procure.web.confirm`).
    """
    readable_project(reader, viewer_scope(reader, account.user.login), code)
    project = queries.project_by_code(reader, code)
    entry = default_rules().engine.definition.transition_from(trigger, project.state)
    step = f"{code}:{trigger}:{project.version}"
    asks = entry is not None and entry.irreversible is not None
    try:
        if asks and not is_confirmed(request, account, step, form):
            try:
                fire_form(session, code, trigger, account.user, form)  # the rehearsal
            finally:
                session.rollback()
            assert entry is not None
            return _confirmation(request, reader, account, code, entry, step, form)
        committed(
            session,
            lambda: fire_form(session, code, trigger, account.user, form),
            what=_("%(step)s on %(code)s", step=step_label(trigger), code=code),
        )
    except FormInvalid as exc:
        return _page(
            request,
            reader,
            code,
            account,
            failed=trigger,
            errors=exc.errors,
            values=form,
            status=400,
        )
    except Refused as exc:
        return _page(
            request,
            reader,
            code,
            account,
            failed=trigger,
            message=str(exc),
            values=form,
            status=403,
        )
    return RedirectResponse(f"/projects/{code}?done={trigger}", status_code=303)


def _confirmation(
    request: Request,
    reader: Any,
    account: Any,
    code: str,
    entry: TransitionDef,
    step: str,
    form: dict[str, str],
) -> Response:
    """The page that restates the values and what cannot be undone, with the token."""
    project = queries.project_by_code(reader, code)
    roles = held_roles(reader, account.user, code)
    role = next((r for r in roles if r in entry.roles), entry.roles[0])
    context = {
        "project": project,
        "action": {"trigger": entry.trigger, "zh": entry.zh, "en": entry.en, "role": role},
        "restated": restated(reader, entry, form),
        "irreversible": entry.irreversible,
        "hidden": hidden_values(form),
        "confirm": confirmation_token(request, account, step, form),
    }
    return pages.render(request, "confirm.html", context)
