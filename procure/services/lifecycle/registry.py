"""Register purchasers and organizations, and create projects (each logged in the audit trail)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from procure.domain.errors import InvalidInput, NotFound, Refused
from procure.domain.language import _, pgettext
from procure.domain.money import parse_money
from procure.domain.text import check_typed_text, quoted
from procure.domain.uscc import validate_uscc
from procure.services.accounts.authorization import Scope, acting, authorize
from procure.services.lifecycle.clock import now_utc
from procure.services.lifecycle.fire import check_actor
from procure.store import audit, queries
from procure.store.models import Organization, Project, Purchaser
from procure.workflow.context import Actor
from procure.workflow.roles import role_label
from procure.workflow.rules import Rules, default_rules

PROJECT_CODE = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*-[0-9]{4}-[0-9]{3,}$")
PURCHASER_CODE = re.compile(r"^[A-Z][A-Z0-9-]{1,31}$")
REGISTRY_ROLES = ("officer", "admin")


@dataclass(frozen=True)
class PurchaserCreate:
    """A union body to register."""

    code: str
    name: str
    annual_funds: Decimal | str | int
    parent: str | None = None


@dataclass(frozen=True)
class OrganizationCreate:
    """A social organization to register."""

    uscc: str
    name: str


@dataclass(frozen=True)
class ProjectCreate:
    """A project to draft."""

    code: str
    year: int
    purchaser: str
    title: str
    budget: Decimal | str | int
    purpose: str = ""


def _require_role(session: Session, actor: Actor, what: str, scope: Scope) -> Actor:
    actor = check_actor(actor)
    if actor.role not in REGISTRY_ROLES:
        raise Refused(
            _(
                "%(action)s refused: the role %(role)s may not do this; allowed roles: %(allowed)s",
                action=what,
                role=role_label(actor.role),
                allowed=pgettext("list", ", ").join(role_label(r) for r in REGISTRY_ROLES),
            )
        )
    return acting(session, actor, scope, what)


def checked_name(value: str, what: str) -> str:
    """A name as stored, stripped; refused: empty, over 200 characters, or bidi or control
    characters (a line break included)."""
    if not value or not value.strip():
        raise InvalidInput(_("%(field)s must not be empty", field=what))
    if len(value) > 200:
        raise InvalidInput(_("%(field)s is longer than 200 characters", field=what))
    check_typed_text(value, what, multiline=False)
    return value.strip()


def _purpose(value: str, what: str) -> str:
    check_typed_text(value, what)
    return value.strip()


def add_purchaser(
    session: Session, data: PurchaserCreate, actor: Actor, *, at: datetime | None = None
) -> Purchaser:
    """Register a purchaser (no commit: the caller owns the transaction)."""
    code = data.code.strip()
    if not PURCHASER_CODE.match(code):
        raise InvalidInput(
            _(
                "the purchaser code %(code)s must be capital letters, digits and '-'",
                code=quoted(code),
            )
        )
    parent = queries.purchaser_by_code(session, data.parent) if data.parent else None
    if session.exec(select(Purchaser).where(Purchaser.code == code)).first():
        raise InvalidInput(_("the purchaser %(code)s already exists", code=code))
    actor = _require_role(
        session, actor, _("Adding the purchaser %(code)s", code=code), Scope(purchaser=parent)
    )
    parent_id = parent.id if parent is not None else None
    funds = parse_money(data.annual_funds, field=_("the annual funds of %(code)s", code=code))
    purchaser = Purchaser.model_validate(
        {
            "code": code,
            "name": checked_name(data.name, _("the name of the purchaser %(code)s", code=code)),
            "parent_id": parent_id,
            "annual_funds": funds,
        }
    )
    session.add(purchaser)
    audit.append(
        session,
        audit.AuditEntry(
            actor=actor.name,
            role=actor.role,
            actor_name=actor.display,
            trigger="add_purchaser",
            at=at or now_utc(),
            data={
                "code": code,
                "name": purchaser.name,
                "parent": data.parent,
                "annual_funds": funds,
            },
        ),
    )
    session.flush()
    return purchaser


def register_organization(
    session: Session, data: OrganizationCreate, actor: Actor, *, at: datetime | None = None
) -> Organization:
    """Register a social organization by its USCC (no commit)."""
    uscc = validate_uscc(data.uscc)
    actor = _require_role(
        session,
        actor,
        _("Registering the organization %(uscc)s", uscc=uscc),
        Scope(any_purchaser=True),
    )
    if queries.organization_by_uscc(session, uscc) is not None:
        raise InvalidInput(_("the organization %(uscc)s is already registered", uscc=uscc))
    organization = Organization.model_validate(
        {"uscc": uscc, "name": checked_name(data.name, _("the name of %(uscc)s", uscc=uscc))}
    )
    session.add(organization)
    try:
        session.flush()  # registered by another officer at the same moment: say so
    except IntegrityError as exc:
        raise InvalidInput(_("the organization %(uscc)s is already registered", uscc=uscc)) from exc
    audit.append(
        session,
        audit.AuditEntry(
            actor=actor.name,
            role=actor.role,
            actor_name=actor.display,
            trigger="register_organization",
            at=at or now_utc(),
            data={"uscc": uscc, "name": organization.name},
        ),
    )
    session.flush()
    return organization


def create_project(
    session: Session,
    data: ProjectCreate,
    actor: Actor,
    *,
    at: datetime | None = None,
    rules: Rules | None = None,
    previous: Project | None = None,
) -> Project:
    """Draft a new project (no commit)."""
    rules = rules or default_rules()
    actor = check_actor(actor)
    if actor.role != "officer":
        raise Refused(
            _(
                "%(action)s refused: the role %(role)s may not do this; allowed roles: %(allowed)s",
                action=_("Creating a project"),
                role=role_label(actor.role),
                allowed=role_label("officer"),
            )
        )
    code = data.code.strip()
    if not PROJECT_CODE.match(code):
        raise InvalidInput(
            _("the project code %(code)s must look like SM-2019-001", code=quoted(code))
        )
    if not 2000 <= data.year <= 2100:
        raise InvalidInput(_("the year %(year)s is not a funding year", year=data.year))
    if not code.split("-")[-2] == str(data.year):
        raise InvalidInput(
            _(
                "the project code %(code)s does not carry its year %(year)s",
                code=code,
                year=data.year,
            )
        )
    try:
        queries.project_by_code(session, code)
    except NotFound:
        pass
    else:
        raise InvalidInput(_("the project %(code)s already exists", code=code))
    purchaser = queries.purchaser_by_code(session, data.purchaser)
    user = authorize(
        session,
        actor,
        Scope(purchaser=purchaser),
        _("Creating the project %(code)s", code=code),
        allow_setup=False,
    )
    assert user is not None, "the setup actor is refused by authorize"
    budget = parse_money(data.budget, field=_("the budget of %(code)s", code=code))
    project = Project.model_validate(
        {
            "code": code,
            "year": data.year,
            "title": checked_name(data.title, _("the title of %(code)s", code=code)),
            "purpose": _purpose(data.purpose, _("the purpose of %(code)s", code=code)),
            "purchaser_id": purchaser.id,
            "budget": budget,
            "state": rules.engine.definition.initial,
            "previous_project_id": previous.id if previous else None,
        }
    )
    session.add(project)
    audit.append(
        session,
        audit.AuditEntry(
            actor=actor.name,
            role=actor.role,
            actor_name=user.name,
            trigger="create",
            at=at or now_utc(),
            project_code=code,
            to_state=project.state,
            data={
                "year": data.year,
                "purchaser": purchaser.code,
                "title": project.title,
                "purpose": project.purpose,
                "budget": budget,
                **({"renewed_from": previous.code} if previous else {}),
            },
        ),
    )
    session.flush()
    return project
