"""Administration (admins only): accounts, grants and sessions; purchasers and organizations.

Every request first finds the signed-in account to be an administrator (403 otherwise,
before anything is read or written); every change goes through
:mod:`procure.services.accounts.administration` as ``Actor(login, "admin")``, in one transaction.
A bad value is shown beside its field and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from procure.domain.errors import InvalidInput, NotFound, Refused
from procure.domain.language import N_, _
from procure.domain.visibility import policy_table
from procure.services.accounts import administration
from procure.services.accounts import manage as accounts
from procure.services.lifecycle.clock import now_utc
from procure.services.lifecycle.project_actions import FormInvalid
from procure.store.conflicts import committed
from procure.web import pages
from procure.web.deps import Account, CheckedForm, Reader, Writer
from procure.workflow.context import Actor
from procure.workflow.roles import ROLES
from procure.workflow.rules import default_rules

router = APIRouter()

DONE = {
    "account": N_("Account added"),
    "grant": N_("Role granted"),
    "revoke": N_("Grant revoked"),
    "deactivate": N_("Account deactivated"),
    "sessions": N_("Sessions ended"),
    "purchaser": N_("Purchaser added"),
    "organization": N_("Organization registered"),
}
"""What a page says once a change is done (translated where shown)."""
SECRET_FIELDS = ("password", "csrf_token")
"""Never written back into a page."""

Change = Callable[[Session, Mapping[str, str], Actor], object]


@router.get("/admin")
def accounts_page(request: Request, account: Account, session: Reader) -> Response:
    """Accounts with their grants, open sessions, and the forms that change them."""
    administration.admin_actor(session, account.user)
    return _accounts(request, session, done=request.query_params.get("done", ""))


def _accounts(request: Request, session: Session, *, status: int = 200, **state: Any) -> Response:
    context = {
        "users": accounts.list_users(session),
        "sessions": administration.open_sessions(session, at=now_utc()),
        "roles": ROLES,
        **_choices(session),
        **_state(**state),
    }
    return pages.render(request, "admin.html", context, status=status)


@router.get("/admin/registry")
def registry_page(request: Request, account: Account, session: Reader) -> Response:
    """Purchasers and organizations, and the forms that register them."""
    administration.admin_actor(session, account.user)
    return _registry(request, session, done=request.query_params.get("done", ""))


def _registry(request: Request, session: Session, *, status: int = 200, **state: Any) -> Response:
    context = {
        "purchasers": administration.purchasers(session),
        "organizations": administration.organizations(
            session, limit=administration.ORGANIZATION_CHOICES
        ),
        "organization_count": administration.organization_count(session),
        **_state(**state),
    }
    return pages.render(request, "admin_registry.html", context, status=status)


def _choices(session: Session) -> dict[str, Any]:
    return {
        "purchaser_choices": administration.purchasers(session),
        "organization_choices": administration.organizations(
            session, limit=administration.ORGANIZATION_CHOICES
        ),
    }


def _state(
    *,
    done: str = "",
    form: str = "",
    errors: dict[str, str] | None = None,
    values: Mapping[str, str] | None = None,
    message: str = "",
) -> dict[str, Any]:
    kept = {k: v for k, v in (values or {}).items() if k not in SECRET_FIELDS}
    return {
        "done": _(DONE[done]) if done in DONE else "",
        "failed": form,
        "errors": errors or {},
        "values": kept,
        "message": message,
    }


def _change(
    request: Request,
    account: Any,
    session: Session,
    reader: Session,
    form: Mapping[str, str],
    *,
    name: str,
    change: Change,
    registry_page: bool = False,
) -> Response:
    """Run one administrator's change; a refusal or a bad value re-renders its page."""
    by = administration.admin_actor(reader, account.user)
    render = _registry if registry_page else _accounts
    failed: dict[str, Any] = {"form": name, "values": form}
    try:
        committed(
            session,
            lambda: change(session, form, by),
            what=_("Managing the registry") if registry_page else _("Managing accounts"),
        )
    except FormInvalid as exc:
        return render(request, reader, status=400, errors=exc.errors, **failed)
    except (InvalidInput, NotFound) as exc:
        return render(request, reader, status=400, message=str(exc), **failed)
    except Refused as exc:
        return render(request, reader, status=403, message=str(exc), **failed)
    target = "/admin/registry" if registry_page else "/admin"
    return RedirectResponse(f"{target}?done={name}", status_code=303)


@router.post("/admin/accounts")
def add_account(
    request: Request, account: Account, form: CheckedForm, session: Writer, reader: Reader
) -> Response:
    """Add an account with its initial password."""
    return _change(
        request,
        account,
        session,
        reader,
        form,
        name="account",
        change=lambda s, f, by: administration.add_account(s, f, by, at=now_utc()),
    )


@router.post("/admin/grants")
def grant(
    request: Request, account: Account, form: CheckedForm, session: Writer, reader: Reader
) -> Response:
    """Grant a role for a purchaser (or every one) or an organization."""
    return _change(
        request,
        account,
        session,
        reader,
        form,
        name="grant",
        change=lambda s, f, by: administration.grant_role(s, f, by, at=now_utc()),
    )


@router.post("/admin/grants/revoke")
def revoke(
    request: Request, account: Account, form: CheckedForm, session: Writer, reader: Reader
) -> Response:
    """Revoke one active grant."""
    return _change(
        request,
        account,
        session,
        reader,
        form,
        name="revoke",
        change=lambda s, f, by: administration.revoke_role(s, f, by, at=now_utc()),
    )


@router.post("/admin/deactivate")
def deactivate(
    request: Request, account: Account, form: CheckedForm, session: Writer, reader: Reader
) -> Response:
    """Deactivate an account: it can no longer sign in or act."""
    return _change(
        request,
        account,
        session,
        reader,
        form,
        name="deactivate",
        change=lambda s, f, by: accounts.deactivate(s, f.get("login", ""), by, at=now_utc()),
    )


@router.post("/admin/sessions/end")
def end_sessions(
    request: Request, account: Account, form: CheckedForm, session: Writer, reader: Reader
) -> Response:
    """End every open session of an account."""
    return _change(
        request,
        account,
        session,
        reader,
        form,
        name="sessions",
        change=lambda s, f, by: administration.end_sessions(
            s, f.get("login", ""), by, at=now_utc()
        ),
    )


@router.post("/admin/purchasers")
def add_purchaser(
    request: Request, account: Account, form: CheckedForm, session: Writer, reader: Reader
) -> Response:
    """Register a purchaser."""
    return _change(
        request,
        account,
        session,
        reader,
        form,
        name="purchaser",
        change=lambda s, f, by: administration.add_purchaser(s, f, by, at=now_utc()),
        registry_page=True,
    )


@router.post("/admin/organizations")
def register_organization(
    request: Request, account: Account, form: CheckedForm, session: Writer, reader: Reader
) -> Response:
    """Register a social organization (its USCC is checked)."""
    return _change(
        request,
        account,
        session,
        reader,
        form,
        name="organization",
        change=lambda s, f, by: administration.register_organization(s, f, by, at=now_utc()),
        registry_page=True,
    )


@router.get("/admin/visibility")
def visibility_page(request: Request, account: Account, session: Reader) -> Response:
    """Who sees which fact of a project, and from when: workflows/visibility.yaml as a table."""
    administration.admin_actor(session, account.user)
    policy = default_rules().visibility
    headings, rows = policy_table(policy)
    context = {"headings": headings, "rows": rows, "facts": list(policy.facts.values())}
    return pages.render(request, "admin_visibility.html", context)
