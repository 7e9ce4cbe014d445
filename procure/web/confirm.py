"""Confirmation of a step that cannot be undone (issue 21).

An irreversible step (its transition says ``irreversible`` in the workflow, or the renewal's
apply) is fired only by a form that carries a confirmation token: an HMAC, under the app's
secret, of the signed-in session, the step (the project's code, trigger and version, or the
renewal's year, purchaser and plan) and every value of the form. The first POST of such a
form shows the confirmation page, which restates the values and carries the token; a POST
whose token is missing, forged, made for other values, another session or an older version
of the project is shown the confirmation page again, and nothing changes. So pressing Enter
in a text field, or a single forged POST, never fires the step by itself.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping

from fastapi import Request

from procure.services.accounts.signin import SignedIn
from procure.web.security import session_secret

CONFIRM_FIELD = "confirm"
"""The form field that carries the confirmation token."""
UNBOUND_FIELDS = frozenset({"csrf_token", CONFIRM_FIELD})
"""Form fields the token does not cover: the CSRF token (checked on its own) and itself."""


def confirmation_token(
    request: Request, signed_in: SignedIn, step: str, form: Mapping[str, str]
) -> str:
    """The token that confirms ``step`` with exactly the values of ``form``."""
    values = sorted((k, v) for k, v in form.items() if k not in UNBOUND_FIELDS)
    payload = json.dumps(
        [step, signed_in.user.login, signed_in.session.csrf_token, values], ensure_ascii=False
    )
    secret = session_secret(request.app)
    return hmac.new(secret, payload.encode("utf-8"), hashlib.sha256).hexdigest()


def is_confirmed(request: Request, signed_in: SignedIn, step: str, form: Mapping[str, str]) -> bool:
    """Whether ``form`` carries the token of ``step`` with its own values."""
    posted = form.get(CONFIRM_FIELD, "")
    expected = confirmation_token(request, signed_in, step, form)
    return bool(posted) and hmac.compare_digest(posted, expected)


def hidden_values(form: Mapping[str, str]) -> list[tuple[str, str]]:
    """The form's values to carry on the confirmation page (not its tokens)."""
    return [(k, v) for k, v in form.items() if k not in UNBOUND_FIELDS]
