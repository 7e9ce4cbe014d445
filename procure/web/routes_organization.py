"""An organization's own page, "My projects" (我的项目): its proposals and contracted work,
and the withdrawal of its own proposal before the call closes (issue 21)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from procure.domain.errors import Refused
from procure.domain.language import _
from procure.domain.money import format_yuan
from procure.services.accounts.signin import SignedIn
from procure.services.browse.labels import naming, step_label
from procure.services.browse.organization import my_projects
from procure.services.browse.visibility import readable_project, viewer_scope
from procure.services.lifecycle.clock import now_utc
from procure.services.lifecycle.fire import perform
from procure.store import accounts as account_store
from procure.store import queries
from procure.store.conflicts import committed
from procure.web import pages
from procure.web.confirm import confirmation_token, hidden_values, is_confirmed
from procure.web.deps import Account, CheckedForm, Reader, Writer
from procure.workflow.context import Actor
from procure.workflow.rules import default_rules

router = APIRouter()

WITHDRAW = "withdraw_proposal"


@router.get("/mine")
def mine(request: Request, account: Account, session: Reader) -> Response:
    """The signed-in organization's proposals, contracts, payments, inspections, assessments."""
    organizations = my_projects(session, account.user, now_utc())
    done = request.query_params.get("done", "")
    context = {"organizations": organizations, "done": done, **naming()}
    return pages.render(request, "mine.html", context)


@router.post("/projects/{code}/withdraw")
def withdraw(
    request: Request,
    code: str,
    account: Account,
    form: CheckedForm,
    session: Writer,
    reader: Reader,
) -> Response:
    """Withdraw the proposal of one of the account's own organizations, while the call is
    open: first a confirmation page restating it, then only with that page's token."""
    readable_project(reader, viewer_scope(reader, account.user.login), code)
    project = queries.project_by_code(reader, code)
    uscc = form.get("organization", "").strip().upper()
    organization = _own_proposer(reader, account, code, uscc)
    entry = default_rules().engine.definition.transition_from(WITHDRAW, project.state)
    if entry is None:
        definition = default_rules().engine.definition
        raise Refused(
            _(
                "The call has closed (the project is %(state)s): a proposal is withdrawn only "
                "while %(soliciting)s; after that it is only corrected by the correction rules",
                state=definition.state(project.state).label,
                soliciting=definition.state("soliciting").label,
            )
        )
    step = f"{code}:{WITHDRAW}:{project.version}"
    params = {"organization": uscc}
    actor = Actor(account.user.login, "organization")
    if not is_confirmed(request, account, step, form):
        try:
            perform(session, code, WITHDRAW, actor, params=params)  # the rehearsal
        finally:
            session.rollback()
        proposal = queries.proposal_of(reader, project, uscc)
        assert proposal is not None, "the rehearsal found it"
        context = {
            "project": project,
            "action": {
                "trigger": WITHDRAW, "zh": entry.zh, "en": entry.en, "role": "organization",
                "post_to": f"/projects/{code}/withdraw", "back_to": "/mine",
            },
            "restated": [
                (
                    _("Proposing organization"),
                    _("%(name)s (%(uscc)s)", name=organization, uscc=uscc),
                ),
                (_("Price"), format_yuan(proposal.price)),
            ],
            "irreversible": entry.irreversible,
            "hidden": hidden_values(form),
            "confirm": confirmation_token(request, account, step, form),
        }  # fmt: skip
        return pages.render(request, "confirm.html", context)
    committed(
        session,
        lambda: perform(session, code, WITHDRAW, actor, params=params),
        what=_("%(step)s on %(code)s", step=step_label(WITHDRAW), code=code),
    )
    return RedirectResponse("/mine?done=withdrawn", status_code=303)


def _own_proposer(session: Session, account: SignedIn, code: str, uscc: str) -> str:
    """The name of the account's own organization ``uscc`` that bid on ``code``.

    Raises:
        Refused: ``uscc`` is no organization of the account's with a proposal here.
    """
    project = queries.project_by_code(session, code)
    organization = queries.organization_by_uscc(session, uscc)
    own = any(
        grant.role == "organization" and organization and grant.organization_id == organization.id
        for grant in account_store.active_grants(session, account.user)
    )
    if organization is None or not own or queries.proposal_of(session, project, uscc) is None:
        raise Refused(
            _("You may withdraw only a proposal of an organization of yours on %(code)s", code=code)
        )
    return organization.name
