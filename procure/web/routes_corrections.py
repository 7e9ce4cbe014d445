"""Corrections and contract amendments from the project page: POST forms (CSRF-checked),
each confirmed on a page of its own (:mod:`procure.web.confirm`, issue 21 item 5).

The first POST of a form (a click, or Enter in a text field) rehearses the change: a
refusal (wrong role, past the stage, four eyes, a bad value or date) is shown by the app's
error page with its rule, and otherwise the confirmation page restates what will be stored
and what cannot be undone. The change is made only by that page's form, whose token is
bound to the session, every value and the project's last audit row; a forged, altered or
replayed POST is shown the confirmation page again, and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from procure.domain.errors import InvalidInput
from procure.domain.language import _, both, pgettext
from procure.services.browse.visibility import readable_project, viewer_scope
from procure.services.corrections.amend import approve_amendment, propose_amendment
from procure.services.corrections.correct import approve_correction, correct
from procure.services.corrections.refuse import refuse_amendment, refuse_correction
from procure.services.lifecycle.project_actions import FormInvalid, held_roles
from procure.services.scoring import assessment_forms, review_forms
from procure.store import queries
from procure.web import confirm_changes as changes
from procure.web import pages
from procure.web.confirm import confirmation_token, hidden_values, is_confirmed
from procure.web.deps import Account, CheckedForm, Reader, Writer
from procure.workflow.roles import role_label
from procure.workflow.rules import default_corrections, default_rules

router = APIRouter()

Restated = list[tuple[str, str]]


def _confirmed_or_asked(
    request: Request,
    account: Any,
    reader: Session,
    code: str,
    form: dict[str, str],
    *,
    path: str,
    roles: Sequence[str],
    run: Callable[[bool], tuple[changes.Change, Restated]],
    done: str,
    back: str = "#changes",
) -> Response:
    """Do the change when ``form`` carries its confirmation, else rehearse it and ask
    (``back``: where 返回修改 leads, after the project's page path)."""
    readable_project(reader, viewer_scope(reader, account.user.login), code)
    step = f"{code}:{path}:{changes.project_seq(reader, code)}"
    if is_confirmed(request, account, step, form):
        run(False)
        return RedirectResponse(f"/projects/{code}?done={done}#changes", status_code=303)
    change, restated = run(True)
    held = held_roles(reader, account.user, code)
    context = {
        "project": queries.project_by_code(reader, code),
        "action": {
            "trigger": done,
            "label": change.label,
            "role": next((r for r in held if r in roles), held[0] if held else roles[0]),
            "post_to": f"/projects/{code}/{path}",
            "back_to": f"/projects/{code}{back}",
        },
        "restated": restated,
        "irreversible": change.final,
        "hidden": hidden_values(form),
        "confirm": confirmation_token(request, account, step, form),
        "role_label": role_label,  # in the language in use (the frame's global says both)
    }
    return pages.render(request, "confirm.html", context)


def _approver(role: str | None) -> str | None:
    return role_label(role) if role else None


@router.post("/projects/{code}/correct")
def correct_form(
    request: Request,
    code: str,
    account: Account,
    form: CheckedForm,
    session: Writer,
    reader: Reader,
) -> Response:
    """Correct one field of one record: ``field`` is ``kind.name``; ``record`` names it."""
    kind, _dot, name = form.get("field", "").partition(".")

    def values() -> dict[str, Any]:
        if not kind or not name:
            raise InvalidInput(_("Choose the field to correct."))
        return {name: form.get("value", "")}

    record = form.get("record", "")
    return _correction(
        request, account, form, session, reader, code, kind, record, values, "correct"
    )


@router.post("/projects/{code}/panel/sheet/correct")
def correct_review_form(
    request: Request,
    code: str,
    account: Account,
    form: CheckedForm,
    session: Writer,
    reader: Reader,
) -> Response:
    """Correct the reviewer's own sheet of the form's ``organization`` from the sheet page."""

    def values() -> dict[str, Any]:
        return {
            "scores": _scores(lambda: review_forms.sheet_from_form(default_rules().review, form))
        }

    uscc = form.get("organization", "")
    path = "panel/sheet/correct"
    return _correction(request, account, form, session, reader, code, "review", uscc, values, path)


@router.post("/projects/{code}/assessment/correct")
def correct_assessment_form(
    request: Request,
    code: str,
    account: Account,
    form: CheckedForm,
    session: Writer,
    reader: Reader,
) -> Response:
    """Correct the assessor's own sheet's scores from the assessment page."""

    def values() -> dict[str, Any]:
        return {"scores": _scores(lambda: assessment_forms.sheet_params(form)["scores"])}

    path = "assessment/correct"
    return _correction(
        request, account, form, session, reader, code, "assessment", "", values, path
    )


def _scores(read: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """A sheet form's scores, or one refusal naming every bad field."""
    try:
        return read()
    except FormInvalid as exc:
        errors = both("；", "; ").join(exc.errors.values())
        said = _("The sheet has errors; nothing was corrected: %(errors)s", errors=errors)
        raise InvalidInput(said) from exc


def _correction(
    request: Request,
    account: Any,
    form: dict[str, str],
    session: Session,
    reader: Session,
    code: str,
    kind: str,
    record: str,
    values: Callable[[], dict[str, Any]],
    path: str,
) -> Response:
    """Correct ``kind``'s ``record`` to ``values()``, once its confirmation page is confirmed."""
    rule = default_corrections().kinds.get(kind)
    reason = form.get("reason", "")

    def run(rehearse: bool) -> tuple[changes.Change, Restated]:
        result = correct(
            session, code, kind, record, values(), reason=reason, by=account.user.login,
            rehearse=rehearse,
        )  # fmt: skip
        waits = _approver(result.needs_approval_by)
        change = changes.CORRECT_FOR_APPROVAL if waits else changes.CORRECT_NOW
        return change, [*changes.correction_restated(result, reason), changes.counts_when(waits)]

    return _confirmed_or_asked(
        request, account, reader, code, form, path=path,
        roles=rule.roles if rule else (), run=run, done="correct",
        back="#changes" if path == "correct" else "/" + path.removesuffix("/correct"),
    )  # fmt: skip


@router.post("/projects/{code}/amend")
def amend_form(
    request: Request,
    code: str,
    account: Account,
    form: CheckedForm,
    session: Writer,
    reader: Reader,
) -> Response:
    """Propose an amendment of the contract (合同变更)."""
    rule = default_corrections().amendments

    def run(rehearse: bool) -> tuple[changes.Change, Restated]:
        result = propose_amendment(
            session, code, by=account.user.login, amount=form.get("amount"),
            start=form.get("start"), end=form.get("end"), scope=form.get("scope"),
            rationale=form.get("rationale", ""), rehearse=rehearse,
        )  # fmt: skip
        waits = changes.counts_when(_approver(rule.approval))
        return changes.AMEND, [*changes.amendment_restated(result), waits]

    return _confirmed_or_asked(
        request, account, reader, code, form, path="amend", roles=rule.roles, run=run,
        done="amend_contract",
    )  # fmt: skip


@dataclass(frozen=True)
class _Decided:
    """A kind of proposed change a second person approves or refuses (or its proposer
    withdraws): its services, its restatement and what approving it settles."""

    kind: str
    approve: Callable[..., Any]
    refuse: Callable[..., Any]
    restate: Callable[[Any, int, str], Restated]
    approved: changes.Change


def _correction_restated(result: Any, number: int, reason: str) -> Restated:
    rows = [
        (pgettext("change", "Correction"), pgettext("change", "No. %(number)s", number=number)),
        *changes.correction_restated(result, ""),
    ]
    return [*rows, (_("Reason for refusing or withdrawing"), reason)] if reason else rows


DECIDED = (
    _Decided(
        "correction", approve_correction, refuse_correction, _correction_restated,
        changes.APPROVE_CORRECTION,
    ),
    _Decided(
        "amendment", approve_amendment, refuse_amendment,
        lambda result, _number, reason: changes.amendment_restated(result, reason),
        changes.APPROVE_AMENDMENT,
    ),
)  # fmt: skip
"""The changes decided at ``/projects/{code}/{kind}s/{number}/approve`` and ``.../refuse``."""


def _decision(decided: _Decided, verb: str) -> Callable[..., Response]:
    """The handler that approves (``verb`` approve) or refuses a pending ``decided``."""

    def decide(
        request: Request,
        code: str,
        number: int,
        account: Account,
        form: CheckedForm,
        session: Writer,
        reader: Reader,
    ) -> Response:
        reason = form.get("reason", "") if verb == "refuse" else ""
        by = account.user.login

        def run(rehearse: bool) -> tuple[changes.Change, Restated]:
            if verb == "approve":
                result = decided.approve(session, code, number, by=by, rehearse=rehearse)
                return decided.approved, decided.restate(result, number, "")
            result = decided.refuse(session, code, number, by=by, reason=reason, rehearse=rehearse)
            return changes.REFUSE, decided.restate(result, number, reason)

        return _confirmed_or_asked(
            request, account, reader, code, form, path=f"{decided.kind}s/{number}/{verb}",
            roles=_approval_roles(), run=run, done=f"{verb}_{decided.kind}",
        )  # fmt: skip

    decide.__doc__ = (
        f"{'Approve' if verb == 'approve' else 'Refuse (or withdraw one’s own)'} a pending "
        f"{decided.kind}."
    )
    return decide


for _decided in DECIDED:
    for _verb in ("approve", "refuse"):
        router.add_api_route(
            f"/projects/{{code}}/{_decided.kind}s/{{number}}/{_verb}",
            _decision(_decided, _verb),
            methods=["POST"],
        )


def _approval_roles() -> tuple[str, ...]:
    """The roles that approve some change (the confirmation names the one the account holds)."""
    rules = default_corrections()
    approvers = [rule.approval for rule in (*rules.kinds.values(), rules.amendments)]
    return tuple(dict.fromkeys(role for role in approvers if role))
