"""Load a fixture file: purchasers, organizations and projects replayed through the services.

Every project's history (proposals, review sheets, award, contract, payments,
inspections, assessment) is fired through the same triggers a person would use,
in one transaction: a file with any problem loads nothing, and the error names
the file, the entry and the problem. The format is documented in fixtures/README.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlmodel import Session

from procure.domain.errors import InvalidInput, ProcureError
from procure.services import registry
from procure.services.lifecycle import perform
from procure.services.yamlfile import read_yaml
from procure.workflow.context import Actor
from procure.workflow.rules import Rules, default_rules

FORMAT = "procure-fixture/1"
BEIJING = timezone(timedelta(hours=8), "CST")
_TOP_KEYS = {"format", "year", "people", "purchasers", "organizations", "projects"}
_PROJECT_KEYS = {
    "code",
    "purchaser",
    "title",
    "purpose",
    "budget",
    "dates",
    "proposals",
    "award",
    "contract",
    "payments",
    "inspections",
    "assessment",
    "rejected",
    "cancelled",
    "stop_after",
}
_PEOPLE = ("officer", "leader")


@dataclass(frozen=True)
class LoadSummary:
    """What a fixture file added."""

    purchasers: int
    organizations: int
    projects: int
    events: int


class _Replay:
    """Fires one project's history, keeping a clock that moves forward with its dates."""

    def __init__(
        self, session: Session, rules: Rules, code: str, people: Mapping[str, str], year: int
    ):
        self.session, self.rules, self.code, self.people = session, rules, code, people
        self.clock = datetime.combine(date(year, 1, 2), time(9), BEIJING)
        self.events = 0

    def at(self, when: object) -> datetime:
        if isinstance(when, date):
            moment = datetime.combine(when, time(9), BEIJING)
            self.clock = max(self.clock + timedelta(minutes=1), moment)
        else:
            self.clock += timedelta(minutes=1)
        return self.clock

    def fire(
        self, trigger: str, role: str, *, by: str | None = None, when: object = None, **options: Any
    ) -> None:
        name = by or self.people.get(role)
        if not name:
            raise InvalidInput(
                f"no {role} named: add people.{role} or give the person on the entry"
            )
        perform(
            self.session,
            self.code,
            trigger,
            Actor(str(name), role),
            at=self.at(when),
            rules=self.rules,
            **options,
        )
        self.events += 1


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


def _load(
    session: Session, document: object, source: str, actor: Actor, rules: Rules
) -> LoadSummary:
    top = _mapping(document, source, "(top level)")
    _known_keys(top, _TOP_KEYS, source, "(top level)")
    if top.get("format") != FORMAT:
        raise InvalidInput(f"{source}: format: expected {FORMAT!r}, got {top.get('format')!r}")
    year = top.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        raise InvalidInput(f"{source}: year: must be a year such as 2019")
    people = _mapping(top.get("people", {}), source, "people")
    purchasers = _entries(top, "purchasers", source)
    organizations = _entries(top, "organizations", source)
    projects = _entries(top, "projects", source)
    at = datetime.combine(date(year, 1, 2), time(9), BEIJING)
    for index, entry in enumerate(purchasers):
        with _entry(source, "purchasers", index, entry.get("code")):
            _known_keys(
                entry, {"code", "name", "parent", "annual_funds"}, source, f"purchasers[{index}]"
            )
            registry.add_purchaser(
                session,
                registry.PurchaserCreate(
                    code=_str(entry, "code"),
                    name=_str(entry, "name"),
                    annual_funds=entry.get("annual_funds", 0),
                    parent=entry.get("parent"),
                ),
                actor,
                at=at,
            )
    for index, entry in enumerate(organizations):
        with _entry(source, "organizations", index, entry.get("uscc")):
            _known_keys(entry, {"uscc", "name"}, source, f"organizations[{index}]")
            registry.register_organization(
                session,
                registry.OrganizationCreate(uscc=_str(entry, "uscc"), name=_str(entry, "name")),
                actor,
                at=at,
            )
    events = 0
    for index, entry in enumerate(projects):
        with _entry(source, "projects", index, entry.get("code")):
            _known_keys(entry, _PROJECT_KEYS, source, f"projects[{index}]")
            events += _replay_project(
                session,
                rules,
                entry,
                {**people, "officer": people.get("officer", actor.name)},
                year,
            )
    return LoadSummary(len(purchasers), len(organizations), len(projects), events)


def _replay_project(
    session: Session, rules: Rules, entry: Mapping[str, Any], people: Mapping[str, Any], year: int
) -> int:
    code = _str(entry, "code")
    dates = _mapping(entry.get("dates", {}), "dates", "dates")
    replay = _Replay(session, rules, code, {k: str(v) for k, v in people.items()}, year)
    registry.create_project(
        session,
        registry.ProjectCreate(
            code=code,
            year=year,
            purchaser=_str(entry, "purchaser"),
            title=_str(entry, "title"),
            budget=entry.get("budget", ""),
            purpose=str(entry.get("purpose", "")),
        ),
        Actor(str(people["officer"]), "officer"),
        at=replay.at(dates.get("create")),
        rules=rules,
    )
    stop_after = entry.get("stop_after")

    def step(trigger: str, role: str, **options: Any) -> bool:
        options.setdefault("when", dates.get(trigger))
        replay.fire(trigger, role, **options)
        return trigger == stop_after

    if entry.get("cancelled"):
        step("cancel", "officer", reason=str(entry["cancelled"]))
        return replay.events
    if step("submit", "officer"):
        return replay.events
    if entry.get("rejected"):
        step("reject", "leader", reason=str(entry["rejected"]))
        return replay.events
    if step("approve", "leader") or step("open_call", "officer"):
        return replay.events
    proposals = entry.get("proposals") or []
    for proposal in proposals:
        step(
            "add_proposal",
            "officer",
            params={"organization": proposal.get("organization"), "price": proposal.get("price")},
        )
    if step("close_call", "officer"):
        return replay.events
    for proposal in proposals:
        for review in proposal.get("reviews") or []:
            step(
                "record_review",
                "reviewer",
                by=review.get("reviewer"),
                params={
                    "organization": proposal.get("organization"),
                    "scores": review.get("scores"),
                    "conflict": review.get("conflict", False),
                },
            )
    if not entry.get("award") or step("award", "officer", params={"organization": entry["award"]}):
        return replay.events
    contract = _mapping(entry.get("contract"), "contract", "contract")
    if step("sign_contract", "officer", when=contract.get("signed_on"), params=dict(contract)):
        return replay.events
    if step("start_service", "officer", when=contract.get("start")):
        return replay.events
    for payment in entry.get("payments") or []:
        step("record_payment", "officer", when=payment.get("paid_on"), params=dict(payment))
    for inspection in entry.get("inspections") or []:
        found = dict(inspection)
        by = found.pop("inspector", None)
        step("record_inspection", "supervisor", by=by, when=found.get("inspected_on"), params=found)
    assessment = entry.get("assessment")
    if not assessment or step("begin_assessment", "officer"):
        return replay.events
    sheet = dict(_mapping(assessment, "assessment", "assessment"))
    comment = sheet.pop("comment", None)
    recorded_on, finalized_on = sheet.pop("recorded_on", None), sheet.pop("finalized_on", None)
    by = sheet.pop("assessor", None)
    step("record_assessment", "assessor", by=by, when=recorded_on, params=sheet)
    if comment:
        step(
            "record_comment",
            "officer",
            params=dict(_mapping(comment, "comment", "assessment.comment")),
        )
    step("finalize_assessment", "assessor", by=by, when=finalized_on)
    return replay.events


class _entry:
    """Prefix any error raised while loading one entry with the file and the entry."""

    def __init__(self, source: str, section: str, index: int, name: object):
        self.where = f"{source}: {section}[{index}]" + (f" ({name})" if name else "")

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, _tb: object
    ) -> None:
        if isinstance(error, ProcureError) and not str(error).startswith(
            self.where.split(":")[0] + ":"
        ):
            raise InvalidInput(f"{self.where}: {error}") from error
        if isinstance(error, (TypeError, AttributeError, KeyError)):
            raise InvalidInput(f"{self.where}: malformed entry ({error})") from error


def _mapping(value: object, source: str, key: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidInput(f"{source}: {key}: must be a mapping")
    return value


def _entries(top: Mapping[str, Any], key: str, source: str) -> list[Mapping[str, Any]]:
    value = top.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise InvalidInput(f"{source}: {key}: must be a list of mappings")
    return value


def _known_keys(entry: Mapping[str, Any], known: set[str], source: str, key: str) -> None:
    unknown = sorted(set(map(str, entry)) - known)
    if unknown:
        raise InvalidInput(f"{source}: {key}: unknown key {unknown[0]!r}")


def _str(entry: Mapping[str, Any], key: str) -> str:
    value = entry.get(key)
    if value is None or str(value).strip() == "":
        raise InvalidInput(f"{key} is missing")
    return str(value)
