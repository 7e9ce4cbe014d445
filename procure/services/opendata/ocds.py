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
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO

from sqlmodel import Session, col, select

from procure.domain.errors import InvalidInput, NotFound
from procure.domain.language import _
from procure.services.opendata.config import OpenDataConfig, load_opendata_config
from procure.services.opendata.facts import ProjectFacts
from procure.services.opendata.gather import public_facts
from procure.services.opendata.json_text import indented_json
from procure.services.opendata.mapping import release
from procure.services.opendata.published import Published
from procure.services.opendata.values import moment
from procure.services.public.notices import HIDDEN_STATES
from procure.store import queries
from procure.store.models import Project, Purchaser
from procure.workflow.rules import default_rules

_LOGGER = logging.getLogger(__name__)

OCDS_VERSION = "1.1"


CHUNK_SIZE = 500
"""Projects read and mapped at a time: memory holds one chunk, never the whole year."""


@dataclass
class _Exported:
    """What the package's head needs from the releases: when the newest moment was, and
    whose projects were exported."""

    releases: int = 0
    latest: datetime | None = None
    purchaser_ids: set[int] = field(default_factory=set)

    def note(self, facts: ProjectFacts, purchaser_id: int) -> None:
        self.releases += 1
        self.purchaser_ids.add(purchaser_id)
        moment = facts.last_moment
        self.latest = moment if self.latest is None else max(self.latest, moment)


def release_package(
    session: Session,
    year: int,
    purchaser: str | None = None,
    *,
    published: datetime | None = None,
) -> dict[str, Any]:
    """The OCDS release package of ``year``'s projects (``purchaser``'s and those below it),
    held whole in memory: for a year of a district; :func:`write_package` streams a
    province's.

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
    exported = _Exported()
    releases = list(_releases(session, year, purchaser, published, exported))
    package = _head(session, year, purchaser, published, exported)
    package["releases"] = releases
    return package


def write_package(
    session: Session,
    target: BinaryIO,
    year: int,
    purchaser: str | None = None,
    *,
    published: datetime | None = None,
    sort_keys: bool = False,
) -> int:
    """Write the package to ``target`` as :func:`package_bytes` gives it (``sort_keys``: as
    the dossier's JSON files are written, keys sorted), a chunk of projects at a time: the
    releases go to a scratch file first (the head names the newest moment and the
    publishers, known once every release is read), then the head and the releases to
    ``target``. Memory holds one chunk whatever the year's size.

    Returns:
        How many releases were written.

    Raises:
        NotFound: an unknown purchaser, or a year without public projects (nothing is
            written to ``target``).
        InvalidInput: ``published`` without a time zone.
    """
    exported = _Exported()
    with tempfile.TemporaryFile() as scratch:
        separator = b"\n"
        for shown in _releases(session, year, purchaser, published, exported):
            scratch.write(separator + _indented(shown, sort_keys))
            separator = b",\n"
        head = _head(session, year, purchaser, published, exported)
        head["releases"] = []
        text = json.dumps(head, ensure_ascii=False, indent=2, allow_nan=False, sort_keys=sort_keys)
        before, releases, after = text.partition(_RELEASES)
        assert releases, "the package's head holds its releases' list at the top level"
        target.write(f"{before}{_RELEASES[:-1]}".encode())
        scratch.seek(0)
        shutil.copyfileobj(scratch, target)
        target.write(f"\n  ]{after}\n".encode())
    return exported.releases


_RELEASES = '\n  "releases": []'
"""The empty list of releases as the package's indented JSON holds it (the list is filled
in its place: JSON text holds no raw line break, so the marker cannot occur in a value)."""


def _indented(shown: dict[str, Any], sort_keys: bool) -> bytes:
    """One release as it sits in the package's list: two levels in."""
    return f"    {indented_json(shown, sort_keys=sort_keys, level=2)}".encode()


def _releases(
    session: Session,
    year: int,
    purchaser: str | None,
    published: datetime | None,
    exported: _Exported,
) -> Iterator[dict[str, Any]]:
    """Each public project's release in code order, a chunk at a time, noting in
    ``exported`` what the head needs."""
    if published is not None and published.tzinfo is None:
        raise InvalidInput(
            _(
                "the published moment needs a time zone, e.g. %(example)s",
                example="2020-01-06T09:00+08:00",
            )
        )
    config = load_opendata_config()
    rules = default_rules()
    purchasers = {row.id: row for row in session.exec(select(Purchaser)).all()}
    chosen = queries.purchaser_by_code(session, purchaser) if purchaser is not None else None
    statement = (
        select(Project)
        .where(Project.year == year, col(Project.state).not_in(HIDDEN_STATES))
        .order_by(col(Project.code))
        .execution_options(yield_per=CHUNK_SIZE)
    )
    if chosen is not None:
        statement = statement.where(col(Project.purchaser_id).in_(_below(purchasers, chosen)))
    shown: dict[str, Published] = {}  # what the public sees of each organization's contracts
    # one query, sorted once, its rows fetched a chunk at a time (a page per chunk would
    # sort the year's projects again for every chunk)
    for partition in session.exec(statement).partitions():
        chunk = list(partition)
        purchaser_ids = {project.code: project.purchaser_id for project in chunk}
        for facts in public_facts(session, chunk, purchasers, rules, shown):
            exported.note(facts, purchaser_ids[facts.code])
            yield release(facts, config)
    if not exported.releases:
        if chosen is None:
            raise NotFound(_("no public projects in %(year)s", year=year))
        raise NotFound(
            _(
                "no public projects in %(year)s for %(code)s (%(name)s)",
                year=year,
                code=chosen.code,
                name=chosen.name,
            )
        )


def _below(purchasers: dict[int | None, Purchaser], top: Purchaser) -> set[int | None]:
    """``top`` and every purchaser below it."""
    found = {top.id}
    grew = True
    while grew:
        more = {p.id for p in purchasers.values() if p.parent_id in found} - found
        found |= more
        grew = bool(more)
    return found


def _head(
    session: Session,
    year: int,
    purchaser: str | None,
    published: datetime | None,
    exported: _Exported,
) -> dict[str, Any]:
    """The package's fields before its releases."""
    config = load_opendata_config()
    purchasers = {row.id: row for row in session.exec(select(Purchaser)).all()}
    chosen = queries.purchaser_by_code(session, purchaser) if purchaser is not None else None
    assert exported.latest is not None
    head: dict[str, Any] = {
        "uri": config.uri(year, purchaser),
        "version": OCDS_VERSION,
        "publishedDate": moment(published or exported.latest),
        "publisher": {"name": _publisher(config, purchasers, chosen, exported.purchaser_ids)},
    }
    if config.license:
        head["license"] = config.license
    if config.publication_policy:
        head["publicationPolicy"] = config.publication_policy
    _LOGGER.info("OCDS package of %s %s: %d releases", year, purchaser or "ALL", exported.releases)
    return head


def _publisher(
    config: OpenDataConfig,
    purchasers: dict[int | None, Purchaser],
    chosen: Purchaser | None,
    exported: set[int],
) -> str:
    """The configured publisher, else the federation: the top of the exported purchasers."""
    if config.publisher:
        return config.publisher
    starts = [chosen] if chosen is not None else [purchasers[p] for p in sorted(exported)]
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
