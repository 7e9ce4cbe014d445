"""What one signed-in account may do to a project now, and doing it from a form.

The browser shows one form per trigger the account may fire, generated from the
trigger's ``params`` in the workflow, and lists the rest of the triggers from the
project's state with the rule that blocks each (the sentences of
``procure actions``). A form's values are checked field by field first, so that
every bad value is named beside its own field and nothing changes; then the
trigger runs through :func:`procure.services.lifecycle.fire.perform` like any other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from sqlmodel import Session

from procure.domain.errors import InvalidInput, ProcureError, Refused
from procure.domain.language import N_, _, both, pgettext
from procure.domain.money import format_yuan, parse_money
from procure.services.accounts.authorization import authorize, project_scope
from procure.services.browse.project_view import available_actions
from procure.services.lifecycle.fire import TransitionResult, perform
from procure.services.lifecycle.form_fields import (
    ANSWER_TRIGGERS,
    OBJECTING_TRIGGER,
    FormField,
    form_field,
    objectable,
    param_label,
    unanswered_objectors,
)
from procure.services.lifecycle.params import parse_params
from procure.store import accounts as account_store
from procure.store import queries
from procure.store.models import Organization
from procure.store.trust_models import User
from procure.workflow.context import Actor
from procure.workflow.definition import ParamDef, TransitionDef
from procure.workflow.roles import role_label
from procure.workflow.rules import Rules, default_rules

FIELD_HINTS = {
    "money": N_(
        "Write an amount in yuan, thousands separators allowed, e.g. 288,000.00 or 288000.00"
    ),
    "date": N_("Write a date as 2019-03-01"),
    "uscc": N_("Choose or write an 18-character unified social credit code"),
    "text": N_("Write some text"),
    "bool": N_("Choose yes or no"),
    "account": N_("Write an account (its login)"),
    "list": N_("Separate several items with commas"),
    "sheet": N_("One item a line: criterion code=score"),
    "texts": N_("One item a line: code=text"),
}
"""What a field of each type wants, said beside a bad value (translated where shown)."""


@dataclass(frozen=True)
class ActionForm:
    """A trigger as the account sees it: the form to fire it, or why it may not."""

    trigger: str
    zh: str
    en: str
    role: str | None
    allowed: bool
    fields: tuple[FormField, ...] = ()
    reason_required: bool = False
    blocked_by: tuple[str, ...] = ()
    irreversible: bool = False  # fired only after a confirmation page
    held: bool = True  # the account holds a role that may take it (else someone else's)
    roles: tuple[str, ...] = ()  # the roles that may take it

    @property
    def label(self) -> str:
        """The step as people name it, in the language in use."""
        return both(self.zh, self.en)


class FormInvalid(InvalidInput):
    """Some values of a form are bad: each message belongs beside its field."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors.items()))
        self.errors = dict(errors)


@dataclass
class _RoleView:
    role: str
    actions: dict[str, dict[str, Any]] = field(default_factory=dict)


def held_roles(session: Session, user: User, code: str) -> list[str]:
    """The roles ``user`` holds for project ``code``'s scope, in the workflow's role order."""
    project = queries.project_by_code(session, code)
    scope = project_scope(session, project)
    roles = dict.fromkeys(grant.role for grant in account_store.active_grants(session, user))
    held = []
    for role in roles:
        try:
            authorize(session, Actor(user.login, role), scope, "read", allow_setup=False)
        except Refused:
            continue
        held.append(role)
    return held


def actions_for(
    session: Session,
    code: str,
    user: User,
    *,
    rules: Rules | None = None,
    roles: list[str] | None = None,
) -> list[ActionForm]:
    """Every trigger that may fire from the project's state, as ``user`` may take it or not.

    Args:
        roles: ``held_roles(session, user, code)``, when the caller already has them.
    """
    rules = rules or default_rules()
    definition = rules.engine.definition
    project = queries.project_by_code(session, code)
    views = [
        _RoleView(
            role, {a["trigger"]: a for a in available_actions(session, code, role, rules=rules)}
        )
        for role in (held_roles(session, user, code) if roles is None else roles)
    ]
    waiting = unanswered_objectors(session, project)
    own = own_organizations(session, user)
    forms = []
    for trigger in definition.triggers():
        entry = definition.transition_from(trigger, project.state)
        if entry is None or (trigger in ANSWER_TRIGGERS and not waiting):
            continue  # an answer is a step only while an objection waits for it
        if trigger == OBJECTING_TRIGGER and not objectable(session, project):
            continue  # no notice (a renewal's project) or no bidder that lost
        forms.append(_form(session, code, entry, views, waiting, own))
    return forms


def _form(
    session: Session,
    code: str,
    entry: TransitionDef,
    views: list[_RoleView],
    objectors: tuple[tuple[str, str], ...],
    own: frozenset[str],
) -> ActionForm:
    base = ActionForm(
        entry.trigger,
        entry.zh,
        entry.en,
        None,
        False,
        irreversible=entry.irreversible is not None,
        roles=entry.roles,
    )
    candidates = [view for view in views if view.role in entry.roles]
    if not candidates:
        others = pgettext("list", ", ").join(role_label(role) for role in entry.roles)
        return replace(base, held=False, blocked_by=(_("Taken by %(roles)s", roles=others),))
    for view in candidates:
        action = view.actions[entry.trigger]
        if action["allowed"]:
            fields = tuple(form_field(session, code, entry.trigger, p) for p in entry.params)
            if entry.trigger in ANSWER_TRIGGERS:
                fields = tuple(
                    replace(f, choices=objectors) if f.type == "uscc" else f for f in fields
                )
            if view.role == "organization":
                officers = OFFICERS_FIELDS.get(entry.trigger, frozenset())
                fields = tuple(f for f in fields if f.name not in officers)
            if view.role == "organization" and entry.named_organization:
                mine = _only_own(fields, own)
                if mine is None:
                    continue  # none of the account's organizations could take the step
                fields = mine
            return replace(
                base,
                role=view.role,
                allowed=True,
                fields=fields,
                reason_required=entry.reason_required,
            )
    if all(view.actions[entry.trigger]["allowed"] for view in candidates):
        return replace(
            base, held=False, blocked_by=(_("Only the organization concerned may take this step"),)
        )
    blocked = tuple(
        dict.fromkeys(r for view in candidates for r in view.actions[entry.trigger]["blocked_by"])
    )
    return replace(base, role=candidates[0].role, blocked_by=blocked)


OFFICERS_FIELDS = {"record_comment": frozenset({"document"})}
"""Fields of a step that only an officer acting for the organization fills (the reference of
the letter the comment came in), left out of the organization's own form."""


def own_organizations(session: Session, user: User) -> frozenset[str]:
    """The USCCs of the organizations ``user`` acts for (its organization grants)."""
    ids = {
        grant.organization_id
        for grant in account_store.active_grants(session, user)
        if grant.role == "organization" and grant.organization_id is not None
    }
    organizations = (session.get(Organization, id_) for id_ in ids)
    return frozenset(o.uscc for o in organizations if o is not None)


def _only_own(fields: tuple[FormField, ...], own: frozenset[str]) -> tuple[FormField, ...] | None:
    """An organization's form: its organization picker lists only the account's own
    organizations (never another bidder); ``None`` when none of them is among the choices."""
    picked = []
    for f in fields:
        if f.name == "organization" and f.type == "uscc":
            f = replace(f, choices=tuple(c for c in f.choices if c[0] in own))
            if not f.choices:
                return None
        picked.append(f)
    return tuple(picked)


def fire_form(
    session: Session,
    code: str,
    trigger: str,
    user: User,
    form: Mapping[str, str],
    *,
    rules: Rules | None = None,
) -> TransitionResult:
    """Fire ``trigger`` with the values of its form, as the first role ``user`` may fire it in.

    Raises:
        FormInvalid: bad values, each named beside its field; nothing changed.
        Refused: the account may not fire it now (the rule says why).
    """
    rules = rules or default_rules()
    forms = {f.trigger: f for f in actions_for(session, code, user, rules=rules)}
    action = forms.get(trigger)
    if action is None:
        named = rules.engine.definition.transitions_for(trigger)
        if named:
            raise Refused(
                _("This project cannot take the step “%(step)s” now", step=named[0].label)
            )
        raise Refused(_("This project cannot take this step now"))
    if not action.allowed or action.role is None:
        raise Refused(
            _(
                "“%(step)s” cannot be taken: %(reasons)s",
                step=action.label,
                reasons=pgettext("punctuation", "; ").join(action.blocked_by),
            )
        )
    project = queries.project_by_code(session, code)
    entry = rules.engine.definition.transition_from(trigger, project.state)
    assert entry is not None
    raw = form_values(entry, form)
    errors = field_errors(entry, raw)
    reason = form.get("reason", "").strip()
    if entry.reason_required and not reason:
        errors["reason"] = _("Required: write the reason")
    if errors:
        raise FormInvalid(errors)
    return perform(
        session,
        code,
        trigger,
        Actor(user.login, action.role),
        params=raw,
        reason=reason,
        rules=rules,
    )


def restated(
    session: Session, entry: TransitionDef, form: Mapping[str, str]
) -> list[tuple[str, str]]:
    """The form's values as a confirmation page restates them: (label, value), in the order
    of the trigger's params, then the reason; an organization by its name and USCC."""
    lines: list[tuple[str, str]] = []
    for param in entry.params:
        text = form.get(param.name, "").strip()
        if param.type == "bool":
            lines.append((param_label(param), _("Yes") if text else _("No")))
            continue
        if not text:
            continue
        if param.type == "uscc":
            organization = queries.organization_by_uscc(session, text)
            text = (
                _("%(name)s (%(uscc)s)", name=organization.name, uscc=text)
                if organization
                else text
            )
        elif param.type == "money":
            text = _yuan(text)
        lines.append((param_label(param), text))
    reason = form.get("reason", "").strip()
    if reason:
        lines.append((_("Reason"), reason))
    return lines


def _yuan(text: str) -> str:
    """An amount typed in a form as people read it: ¥288,000.00."""
    try:
        return format_yuan(parse_money(text, field="amount"))
    except ProcureError:
        return text  # the rehearsal refused it already; shown as typed


def form_values(entry: TransitionDef, form: Mapping[str, str]) -> dict[str, Any]:
    """The params of ``entry`` as :func:`parse_params` takes them, from a form's text fields."""
    raw: dict[str, Any] = {}
    for param in entry.params:
        text = form.get(param.name, "")
        if param.type == "bool":
            if text:
                raw[param.name] = text
            continue
        if not text.strip():
            continue
        if param.type in ("sheet", "texts"):
            raw[param.name] = _lines(text, param)
        else:
            raw[param.name] = text
    return raw


def _lines(text: str, param: ParamDef) -> dict[str, str] | str:
    pairs: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            return text  # not "code=value" lines: the parser names the problem
        pairs[key.strip()] = value.strip()
    return pairs


def field_errors(entry: TransitionDef, raw: Mapping[str, Any]) -> dict[str, str]:
    """Check each value on its own; return the message for each bad field."""
    errors: dict[str, str] = {}
    for param in entry.params:
        alone = replace(entry, params=(param,))
        value = {param.name: raw[param.name]} if param.name in raw else {}
        try:
            parse_params(alone, value)
        except ProcureError as exc:
            if param.name not in raw:
                errors[param.name] = _("Required: fill in %(field)s", field=param_label(param))
            else:
                hint = FIELD_HINTS.get(param.type)
                errors[param.name] = (
                    _("%(hint)s: %(problem)s", hint=_(hint), problem=str(exc)) if hint else str(exc)
                )
    return errors
