"""Corrections and contract amendments from the project page: plain POST forms (CSRF-checked).

A refusal (wrong role, past the stage, four eyes, a bad value) is shown by the app's error
page with its rule; nothing is stored then.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from procure.domain.errors import InvalidInput
from procure.services.browse.visibility import readable_project, viewer_scope
from procure.services.corrections.amend import approve_amendment, propose_amendment
from procure.services.corrections.correct import approve_correction, correct
from procure.services.corrections.refuse import refuse_amendment, refuse_correction
from procure.web.deps import Account, CheckedForm, Reader, Writer

router = APIRouter()


def _back(code: str, done: str) -> Response:
    return RedirectResponse(f"/projects/{code}?done={done}#changes", status_code=303)


@router.post("/projects/{code}/correct")
def correct_form(
    code: str, account: Account, form: CheckedForm, session: Writer, reader: Reader
) -> Response:
    """Correct one field of one record: ``field`` is ``kind.name``; ``record`` names it."""
    readable_project(reader, viewer_scope(reader, account.user.login), code)
    kind, _, name = form.get("field", "").partition(".")
    if not kind or not name:
        raise InvalidInput("choose the field to correct (更正事项)")
    correct(
        session, code, kind, form.get("record", ""), {name: form.get("value", "")},
        reason=form.get("reason", ""), by=account.user.login,
    )  # fmt: skip
    return _back(code, "correct")


@router.post("/projects/{code}/amend")
def amend_form(
    code: str, account: Account, form: CheckedForm, session: Writer, reader: Reader
) -> Response:
    """Propose an amendment of the contract (合同变更)."""
    readable_project(reader, viewer_scope(reader, account.user.login), code)
    propose_amendment(
        session, code, by=account.user.login, amount=form.get("amount"),
        start=form.get("start"), end=form.get("end"), scope=form.get("scope"),
        rationale=form.get("rationale", ""),
    )  # fmt: skip
    return _back(code, "amend_contract")


@router.post("/projects/{code}/corrections/{number}/approve")
def approve_correction_form(
    code: str, number: int, account: Account, form: CheckedForm, session: Writer, reader: Reader
) -> Response:
    """Approve a correction another person proposed."""
    readable_project(reader, viewer_scope(reader, account.user.login), code)
    approve_correction(session, code, number, by=account.user.login)
    return _back(code, "approve_correction")


@router.post("/projects/{code}/amendments/{number}/approve")
def approve_amendment_form(
    code: str, number: int, account: Account, form: CheckedForm, session: Writer, reader: Reader
) -> Response:
    """Approve an amendment another person proposed."""
    readable_project(reader, viewer_scope(reader, account.user.login), code)
    approve_amendment(session, code, number, by=account.user.login)
    return _back(code, "approve_amendment")


@router.post("/projects/{code}/corrections/{number}/refuse")
def refuse_correction_form(
    code: str, number: int, account: Account, form: CheckedForm, session: Writer, reader: Reader
) -> Response:
    """Refuse a pending correction (or withdraw one's own), with a reason."""
    readable_project(reader, viewer_scope(reader, account.user.login), code)
    reason = form.get("reason", "")
    refuse_correction(session, code, number, by=account.user.login, reason=reason)
    return _back(code, "refuse_correction")


@router.post("/projects/{code}/amendments/{number}/refuse")
def refuse_amendment_form(
    code: str, number: int, account: Account, form: CheckedForm, session: Writer, reader: Reader
) -> Response:
    """Refuse a pending amendment (or withdraw one's own), with a reason."""
    readable_project(reader, viewer_scope(reader, account.user.login), code)
    reason = form.get("reason", "")
    refuse_amendment(session, code, number, by=account.user.login, reason=reason)
    return _back(code, "refuse_amendment")
