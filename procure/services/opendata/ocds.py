"""The year's projects as an Open Contracting Data Standard 1.1 release package.

One release per public project (approved or later; a project cancelled before approval
was never public), in project-code order, each dated by its own last audit row, so two
exports of the same data give the same package. The package is published at
``published`` or, by default, at the latest moment of the exported data (the newest
audit row of its projects), never at the clock's time.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from procure.domain.errors import InvalidInput, NotFound
from procure.services.opendata.config import OpenDataConfig, load_opendata_config
from procure.services.opendata.gather import project_facts, project_trail
from procure.services.opendata.mapping import release
from procure.services.opendata.values import moment
from procure.services.public.notices import HIDDEN_STATES
from procure.store import queries
from procure.store.models import Project, Purchaser
from procure.workflow.rules import default_rules

_LOGGER = logging.getLogger(__name__)

OCDS_VERSION = "1.1"


def release_package(
    session: Session,
    year: int,
    purchaser: str | None = None,
    *,
    published: datetime | None = None,
) -> dict[str, Any]:
    """The OCDS release package of ``year``'s projects (``purchaser``'s and those below it).

    Args:
        session: a session to read through (nothing is written).
        year: the funding year.
        purchaser: a purchaser code; None for every purchaser.
        published: the package's publishedDate; default: the newest audit row of its projects.

    Returns:
        The package as JSON-ready data (numbers, text, lists, mappings).

    Raises:
        NotFound: an unknown purchaser, or a year without public projects.
        InvalidInput: ``published`` without a time zone.
    """
    if published is not None and published.tzinfo is None:
        raise InvalidInput("the published moment needs a time zone, e.g. 2020-01-06T09:00+08:00")
    config = load_opendata_config()
    rules = default_rules()
    purchasers = {row.id: row for row in session.exec(select(Purchaser)).all()}
    chosen = queries.purchaser_by_code(session, purchaser) if purchaser is not None else None
    exported = _exported_projects(session, year, purchasers, chosen)
    releases = []
    latest: datetime | None = None
    for project, trail in exported:
        facts = project_facts(session, project, purchasers[project.purchaser_id], trail, rules)
        releases.append(release(facts, config))
        latest = facts.last_moment if latest is None else max(latest, facts.last_moment)
    assert latest is not None
    package: dict[str, Any] = {
        "uri": config.uri(year, purchaser),
        "version": OCDS_VERSION,
        "publishedDate": moment(published or latest),
        "publisher": {"name": _publisher(config, purchasers, chosen, exported)},
    }
    if config.license:
        package["license"] = config.license
    if config.publication_policy:
        package["publicationPolicy"] = config.publication_policy
    package["releases"] = releases
    _LOGGER.info("OCDS package of %s %s: %d releases", year, purchaser or "ALL", len(releases))
    return package


def _exported_projects(
    session: Session,
    year: int,
    purchasers: dict[int | None, Purchaser],
    chosen: Purchaser | None,
) -> list[tuple[Project, list[Any]]]:
    """The public projects of ``year`` under ``chosen`` (or all), with their trails."""
    statement = (
        select(Project)
        .where(Project.year == year, col(Project.state).not_in(HIDDEN_STATES))
        .order_by(col(Project.code))
    )
    if chosen is not None:
        statement = statement.where(col(Project.purchaser_id).in_(_below(purchasers, chosen)))
    exported = []
    for project in session.exec(statement).all():
        trail = project_trail(session, project)
        if project.state == "cancelled" and not any(row.trigger == "approve" for row in trail):
            continue  # cancelled before it was approved: never public
        exported.append((project, trail))
    if not exported:
        under = f" for {chosen.code} ({chosen.name})" if chosen is not None else ""
        raise NotFound(f"no public projects in {year}{under}")
    return exported


def _below(purchasers: dict[int | None, Purchaser], top: Purchaser) -> set[int | None]:
    """``top`` and every purchaser below it."""
    found = {top.id}
    grew = True
    while grew:
        more = {p.id for p in purchasers.values() if p.parent_id in found} - found
        found |= more
        grew = bool(more)
    return found


def _publisher(
    config: OpenDataConfig,
    purchasers: dict[int | None, Purchaser],
    chosen: Purchaser | None,
    exported: list[tuple[Project, list[Any]]],
) -> str:
    """The configured publisher, else the federation: the top of the exported purchasers."""
    if config.publisher:
        return config.publisher
    starts = [chosen] if chosen is not None else [purchasers[p.purchaser_id] for p, _ in exported]
    tops = {_top(purchasers, start).code: _top(purchasers, start).name for start in starts}
    return "、".join(tops[code] for code in sorted(tops))


def _top(purchasers: dict[int | None, Purchaser], purchaser: Purchaser) -> Purchaser:
    seen = {purchaser.id}
    while purchaser.parent_id is not None and purchaser.parent_id not in seen:
        purchaser = purchasers[purchaser.parent_id]
        seen.add(purchaser.id)
    return purchaser


def package_bytes(package: dict[str, Any]) -> bytes:
    """The package as the file holds it: UTF-8 JSON, indented, keys in the order built,
    ending in a newline (the same package always gives the same bytes)."""
    text = json.dumps(package, ensure_ascii=False, indent=2, allow_nan=False)
    return f"{text}\n".encode()
