"""Rendering pages: the Jinja2 environment (autoescaped) and what every page is given."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from procure.domain import language
from procure.domain.dates import day_text, moment_text
from procure.domain.language import N_, _
from procure.resources import resource_dir
from procure.workflow.roles import ROLE_ZH, role_label
from procure.workflow.rules import default_rules, shown_reason


def templates() -> Jinja2Templates:
    """The page templates (``templates/web``); every value is HTML-escaped."""
    environment = Jinja2Templates(directory=resource_dir("templates") / "web")
    environment.env.autoescape = True  # every template, whatever its file name
    environment.env.add_extension("jinja2.ext.i18n")
    environment.env.install_gettext_callables(  # type: ignore[attr-defined]
        language.gettext, language.template_ngettext, newstyle=True, pgettext=language.pgettext
    )
    environment.env.globals["language"] = language.current
    environment.env.globals["language_names"] = language.NAMES
    environment.env.globals["pick"] = language.pick
    environment.env.globals["role_label"] = role_label
    environment.env.globals["role_zh"] = lambda role: ROLE_ZH.get(role, role)
    environment.env.globals["trigger_label"] = _trigger_label
    environment.env.globals["trail_steps"] = _trail_steps
    environment.env.globals["state_label"] = _state_label
    environment.env.filters["recorded_reason"] = shown_reason
    environment.env.filters["money"] = _money
    environment.env.filters["moment"] = _moment
    environment.env.filters["day"] = _day
    return environment


TRAIL_STEPS = {
    "create": N_("Draft a project"),
    "add_purchaser": N_("Register a purchaser"),
    "register_organization": N_("Register a social organization"),
    "generate": N_("Generate data"),
    "user_add": N_("Add an account"),
    "user_grant": N_("Grant a role"),
    "user_revoke": N_("Revoke a role"),
    "user_deactivate": N_("Deactivate an account"),
    "user_passwd": N_("Set a password"),
    "user_email": N_("Set an e-mail address"),
    "user_language": N_("Set the language of an account"),
    "sessions_revoke": N_("End sessions"),
    "calendar_add": N_("Enter a holiday schedule"),
    "calendar_notice": N_("Enter a holiday notice"),
    "checkpoint": N_("Sign a checkpoint"),
    "checkpoint_witness": N_("Witness a checkpoint"),
    "backup": N_("Back up"),
    "backup_record": N_("Record a backup"),
    "tick": N_("Daily check"),
    "correct": N_("Correct a record"),
    "approve_correction": N_("Approve a correction"),
    "amend_contract": N_("Propose a contract amendment"),
    "approve_amendment": N_("Approve a contract amendment"),
    "refuse_correction": N_("Refuse a correction"),
    "refuse_amendment": N_("Refuse a contract amendment"),
}
"""The steps of the trail outside the lifecycle (accounts, set-up, corrections, amendments),
by their names in English (the catalogs give the Chinese)."""


def _trigger_label(trigger: str) -> str:
    """A step of the trail by its name in the language in use (the lifecycle's label, or one
    of :data:`TRAIL_STEPS`); a step without one is said to be another, never by its code."""
    entries = default_rules().engine.definition.transitions_for(trigger)
    if entries:
        return entries[0].label
    name = TRAIL_STEPS.get(trigger)
    return _(name) if name else _("Another step")


def _trail_steps() -> list[tuple[str, str]]:
    """Every step the trail records, ``(code, name)`` in the language in use: the lifecycle's
    in its order, then the others (for the audit page's picker: people choose by name)."""
    codes = [*default_rules().engine.definition.triggers(), *TRAIL_STEPS]
    return [(code, _trigger_label(code)) for code in dict.fromkeys(codes)]


def _state_label(state: str | None) -> str:
    """A state by its name in the language in use (empty for none)."""
    if not state:
        return ""
    try:
        return default_rules().engine.definition.state(state).label
    except KeyError:
        return state


def _money(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return f"{value:,.2f}"


def _day(value: Any) -> str:
    """A date as people read it: 2019年10月15日, or 15 Oct 2019 in English."""
    if value is None or value == "":
        return "—"
    return day_text(value) if isinstance(value, date) else str(value)


def _moment(value: Any) -> str:
    """A recorded moment (ISO, UTC) as people read it: Beijing time, in the language in use
    (the page says "Beijing time" once)."""
    if value is None or value == "":
        return "—"
    return moment_text(value)


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    """Render page ``name`` with the signed-in account and its form token."""
    from procure.web.deps import optional_account

    signed_in = optional_account(request)
    base: dict[str, Any] = {
        "signed_in": signed_in,
        "user": signed_in.user if signed_in else None,
        "csrf_token": signed_in.session.csrf_token if signed_in else "",
    }
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request, name, {**base, **(context or {})}, status_code=status
    )
    return response


def error_page(request: Request, status: int, title: str, message: str) -> HTMLResponse:
    """A page that says, in one sentence, why the request was not done."""
    return render(request, "error.html", {"title": title, "message": message}, status=status)


def sign_in_url(target: str) -> str:
    """The sign-in page, coming back to ``target`` afterwards."""
    return "/signin?" + urlencode({"next": target}, quote_via=quote)


def safe_next(target: str | None) -> str:
    """A local path to go to after sign-in; anything else (another site) goes home."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
