"""The notice tab (公示与质疑): a bidder's objection to an award notice, through its own
account; the purchaser's staff read every objection there, with its answer deadline.

The officer records an objection from a letter, and answers it, with the project page's
forms (``lodge_objection``, ``uphold_objection``, ``reject_objection``), linked from here.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from procure.domain.errors import InvalidInput, Refused
from procure.domain.language import _
from procure.services.browse.visibility import readable_project, viewer_scope
from procure.services.documents.panels import documents_panel
from procure.services.lifecycle.clock import now_utc
from procure.services.public import objections
from procure.services.visibility.reading import gate_for
from procure.store.conflicts import committed
from procure.web import pages
from procure.web.deps import Account, CheckedForm, Reader, Writer
from procure.workflow.context import Actor
from procure.workflow.scoring_guards import china_day

router = APIRouter()


@router.get("/projects/{code}/objection")
def objection_page(request: Request, code: str, account: Account, session: Reader) -> Response:
    """The award notice, its objection window, and the form to object while it is open."""
    return _page(request, session, code, account, done=request.query_params.get("done") == "1")


@router.post("/projects/{code}/objection")
def lodge(
    request: Request,
    code: str,
    account: Account,
    form: CheckedForm,
    session: Writer,
    reader: Reader,
) -> Response:
    """Lodge the objection of one of the account's organizations: stored whole, or not at all."""
    readable_project(reader, viewer_scope(reader, account.user.login), code)
    own = {o.uscc for o in objections.objecting_organizations(reader, account.user, code)}
    uscc = form.get("organization", "")
    if uscc not in own:
        raise Refused(
            _("You may object only for an organization of yours that bid on this project")
        )
    text = form.get("text", "").strip()
    if not text:
        errors = {"text": _("Required: write what you object to")}
        return _page(request, reader, code, account, errors=errors, values=form, status=400)
    try:
        committed(
            session,
            lambda: objections.lodge(
                session,
                code,
                Actor(account.user.login, "organization"),
                organization=uscc,
                text=text,
            ),  # fmt: skip
            what=_("the objection to %(code)s", code=code),
        )
    except (Refused, InvalidInput) as exc:
        status = 403 if isinstance(exc, Refused) else 400
        return _page(request, reader, code, account, message=str(exc), values=form, status=status)
    return RedirectResponse(f"/projects/{code}/objection?done=1", status_code=303)


def _page(
    request: Request,
    session: Any,
    code: str,
    account: Any,
    *,
    done: bool = False,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    message: str = "",
    status: int = 200,
) -> Response:
    gate = gate_for(session, code, account.user.login)  # outside the reach: not found
    today = china_day(now_utc())
    context = objections.objection_page(session, code, account.user, today, gate)
    context.update(done=done, errors=errors or {}, values=values or {}, message=message)
    context["documents"] = documents_panel(session, code, account.user.login, kinds=("objection",))
    return pages.render(request, "objection.html", context, status=status)
