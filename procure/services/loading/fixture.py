"""Load a fixture file: purchasers, organizations and projects replayed through the services.

Every project's history (proposals, review sheets, award, contract, payments,
inspections, assessment) is fired through the same triggers a person would use,
in one transaction: a file with any problem loads nothing, and the error names
the file, the entry and the problem. The format is documented in fixtures/README.md.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sqlmodel import Session

from procure.domain.datafile import known_keys
from procure.domain.errors import InvalidInput, ProcureError
from procure.domain.language import _
from procure.services.lifecycle import registry
from procure.services.loading.people import FixturePeople
from procure.services.loading.replay import BEIJING, ProjectReplay
from procure.services.loading.yamlfile import read_yaml
from procure.workflow.context import Actor
from procure.workflow.rules import Rules, default_rules

FORMAT = "procure-fixture/1"
TOP_KEYS = {"format", "year", "people", "users", "purchasers", "organizations", "projects"}
PURCHASER_KEYS = {"code", "name", "parent", "annual_funds"}
ORGANIZATION_KEYS = {"uscc", "name"}
PROJECT_KEYS = {
    "code",
    "purchaser",
    "title",
    "purpose",
    "budget",
    "dates",
    "proposals",
    "award",
    "objections",
    "contract",
    "payments",
    "inspections",
    "assessment",
    "rejected",
    "cancelled",
    "stop_after",
}


@dataclass(frozen=True)
class LoadSummary:
    """What a fixture file added."""

    purchasers: int
    organizations: int
    projects: int
    events: int
    accounts: int = 0  # accounts the file declared, or registered as its steps met them


def load_fixture(
    session: Session, path: Path, actor: Actor, *, rules: Rules | None = None
) -> LoadSummary:
    """Load ``path`` in one transaction; commit only if every entry loaded.

    Raises:
        InvalidInput: naming the file, the entry and the problem; nothing is stored.
    """
    rules = rules or default_rules()
    document = read_yaml(path)
    try:
        summary = _load(session, document, path.name, actor, rules)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return summary


@contextmanager
def _entry(where: str) -> Iterator[None]:
    """Prefix an error raised while loading one entry with the file and the entry."""
    try:
        yield
    except ProcureError as error:
        raise InvalidInput(_("%(where)s: %(problem)s", where=where, problem=error)) from error
    except (TypeError, AttributeError, KeyError, ValueError) as error:
        raise InvalidInput(
            _("%(where)s: malformed entry (%(problem)s)", where=where, problem=error)
        ) from error


def _load(
    session: Session, document: object, source: str, actor: Actor, rules: Rules
) -> LoadSummary:
    with _entry(source):
        top = known_keys(document, TOP_KEYS, "(top level)")
        if top.get("format") != FORMAT:
            raise InvalidInput(
                _(
                    "format: expected %(expected)s, got %(got)s",
                    expected=repr(FORMAT),
                    got=repr(top.get("format")),
                )
            )
        year = top.get("year")
        if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
            raise InvalidInput(
                _("year: must be a funding year such as 2019, got %(year)s", year=repr(year))
            )
        people = _people(top.get("people", {}), actor)
        purchasers = _entries(top, "purchasers")
        organizations = _entries(top, "organizations")
        projects = _entries(top, "projects")
    at = datetime.combine(date(year, 1, 2), time(9), BEIJING)
    for index, entry in enumerate(purchasers):
        with _entry(f"{source}: purchasers[{index}]" + _named(entry.get("code"))):
            known_keys(entry, PURCHASER_KEYS, "entry")
            data = registry.PurchaserCreate(
                code=_text(entry, "code"),
                name=_text(entry, "name"),
                annual_funds=entry.get("annual_funds", 0),
                parent=entry.get("parent"),
            )
            registry.add_purchaser(session, data, actor, at=at)
    for index, entry in enumerate(organizations):
        with _entry(f"{source}: organizations[{index}]" + _named(entry.get("uscc"))):
            known_keys(entry, ORGANIZATION_KEYS, "entry")
            data_org = registry.OrganizationCreate(
                uscc=_text(entry, "uscc"), name=_text(entry, "name")
            )
            registry.register_organization(session, data_org, actor, at=at)
    registrar = FixturePeople(session, actor, declared="users" in top, at=at)
    if "users" in top:
        with _entry(source):
            registrar.declare(top.get("users"))
    events = 0
    for index, entry in enumerate(projects):
        with _entry(f"{source}: projects[{index}]" + _named(entry.get("code"))):
            known_keys(entry, PROJECT_KEYS, "entry")
            _text(entry, "code")
            events += ProjectReplay(session, rules, entry, people, year, registrar).run()
    return LoadSummary(
        len(purchasers), len(organizations), len(projects), events, registrar.created
    )


def _people(raw: object, actor: Actor) -> dict[str, str]:
    if not isinstance(raw, Mapping):
        raise InvalidInput(
            _("people: must map roles to names, e.g. %(example)s", example="officer: 李秀梅")
        )
    people = {str(role): str(name) for role, name in raw.items()}
    people.setdefault("officer", actor.name)
    return people


def _named(name: object) -> str:
    return f" ({name})" if name else ""


def _entries(top: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = top.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise InvalidInput(_("%(key)s: must be a list of mappings", key=key))
    return value


def _text(entry: Mapping[str, Any], key: str) -> str:
    value = entry.get(key)
    if value is None or str(value).strip() == "":
        raise InvalidInput(_("%(key)s is missing", key=key))
    return str(value)
